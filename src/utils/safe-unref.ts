/** Keeps a Node timer from holding the process open; a no-op where timers are plain numbers (browsers). */
export function safeUnref<T>(timer: T): T {
  (timer as { unref?: () => void } | undefined)?.unref?.();
  return timer;
}
