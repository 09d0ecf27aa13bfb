/**
 * Process-exit flushing for Node (contract: a `shadowcast/node` extra). The SDK's timers are unref'd, so
 * they never hold a process open; instead, when the event loop empties (`beforeExit`), whatever is still
 * buffered is flushed once more. `beforeExit` does not fire on `process.exit()` or a signal: call
 * `close()` there yourself.
 */
interface Flushable {
  flush(): Promise<unknown>;
  stats(): { queued: number };
}

/** Registers the hook; returns its removal (called by close()). */
export function flushOnExit(client: Flushable): () => void {
  let lastQueued = -1;
  const onBeforeExit = () => {
    const { queued } = client.stats();
    // Flush again only while it makes progress: with the collector down, each flush would schedule
    // more work and `beforeExit` would fire forever. What stays queued waits in the store.
    if (queued === 0 || queued === lastQueued) return;
    lastQueued = queued;
    void client.flush();
  };
  process.on('beforeExit', onBeforeExit);
  return () => process.off('beforeExit', onBeforeExit);
}
