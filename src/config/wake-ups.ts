/**
 * Browser moments worth a config poll: the tab became visible again (hidden tabs get their timers
 * throttled to once a minute or less, so a kill could wait) and the network came back. Listeners are
 * attached only where the platform has them (feature-detected at call time) and removed by the
 * returned function. Elsewhere (Node, workers) this does nothing.
 */
export function watchWakeUps(handlers: { visible: () => void; online: () => void }): () => void {
  const doc = (globalThis as { document?: Document }).document;
  const target = globalThis as { addEventListener?: typeof addEventListener; removeEventListener?: typeof removeEventListener };
  const onVisibility = () => {
    if (doc?.visibilityState === 'visible') handlers.visible();
  };
  const onOnline = () => handlers.online();
  doc?.addEventListener?.('visibilitychange', onVisibility);
  if (typeof target.addEventListener === 'function') target.addEventListener('online', onOnline);
  return () => {
    doc?.removeEventListener?.('visibilitychange', onVisibility);
    if (typeof target.removeEventListener === 'function') target.removeEventListener('online', onOnline);
  };
}
