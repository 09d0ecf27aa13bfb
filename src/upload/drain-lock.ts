/**
 * Which tab drains the persisted queue. Every tab persists its own segments; only the holder of one Web
 * Lock sends what is in the store, so two tabs never send the same segment at once. The lock waits in
 * the background and passes to the next tab when the holder closes (or hides into the bfcache: held
 * locks would keep a page out of it, so `pagehide` releases and `pageshow` asks again).
 *
 * Without Web Locks (old browsers, Node) every client drains: duplicates are possible and the
 * collector's dedupe by record id absorbs them; nothing is lost either way.
 */
export interface DrainLock {
  held(): boolean;
  /** Called each time this client becomes the holder. */
  onAcquired(listener: () => void): void;
  /** Gives the lock up (page hidden into the bfcache, client closed). */
  release(): void;
  /** Asks for it again (page shown from the bfcache). */
  request(): void;
}

type LockManager = { request(name: string, callback: () => Promise<void>): Promise<void> };

/** @param shared whether other tabs can see the store at all (a memory store is this client's alone: no lock). */
export function createDrainLock(name: string, shared: boolean): DrainLock {
  const locks = !shared || typeof document === 'undefined' ? undefined : (globalThis.navigator as { locks?: LockManager } | undefined)?.locks;
  if (!locks) return { held: () => true, onAcquired() {}, release() {}, request() {} };
  const listeners: (() => void)[] = [];
  let holding = false;
  let letGo: (() => void) | undefined;
  let waiting = false;
  const lock: DrainLock = {
    held: () => holding,
    onAcquired: (listener) => void listeners.push(listener),
    release() {
      holding = false;
      waiting = false;
      letGo?.();
      letGo = undefined;
    },
    request() {
      if (holding || waiting) return;
      waiting = true;
      locks
        .request(name, () => {
          if (!waiting) return Promise.resolve(); // released while queued
          waiting = false;
          holding = true;
          for (const listener of listeners) listener();
          return new Promise<void>((resolve) => (letGo = resolve));
        })
        .catch(() => {
          waiting = false; // the lock manager is unusable (e.g. an opaque origin): this tab simply never drains others' segments
        });
    },
  };
  lock.request();
  return lock;
}
