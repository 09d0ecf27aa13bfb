/**
 * Page events the uploader reacts to, behind one tiny adapter (no-op outside browsers):
 * hidden (`visibilitychange` → hidden, `pagehide`) → send what is pending by keepalive/beacon;
 * visible again, `pageshow`, `online` → drain now. Never `unload`/`beforeunload`: they break the
 * back/forward cache and do not fire reliably on mobile.
 */
export interface PageHooks {
  hidden(): void;
  /** `pagehide` only: the page may go into the bfcache, so locks must be released. */
  leaving(): void;
  /** Back from the bfcache. */
  returned(): void;
  /** Visible again or back online: a good moment to drain. */
  wake(): void;
}

export function watchPage(hooks: PageHooks): () => void {
  const win = typeof window === 'undefined' ? undefined : (window as Window | undefined);
  const doc = typeof document === 'undefined' ? undefined : document;
  if (!win?.addEventListener || !doc) return () => {};
  const onVisibility = () => (doc.visibilityState === 'hidden' ? hooks.hidden() : hooks.wake());
  const onPageHide = () => {
    hooks.hidden();
    hooks.leaving();
  };
  const onPageShow = (event: PageTransitionEvent) => {
    if (event.persisted) hooks.returned();
    hooks.wake();
  };
  const onOnline = () => hooks.wake();
  doc.addEventListener('visibilitychange', onVisibility);
  win.addEventListener('pagehide', onPageHide);
  win.addEventListener('pageshow', onPageShow);
  win.addEventListener('online', onOnline);
  return () => {
    doc.removeEventListener('visibilitychange', onVisibility);
    win.removeEventListener('pagehide', onPageHide);
    win.removeEventListener('pageshow', onPageShow);
    win.removeEventListener('online', onOnline);
  };
}

/** `navigator.onLine === false` pauses scheduling; `true` proves nothing (captive portals, dead Wi-Fi). */
export function isKnownOffline(): boolean {
  return (globalThis.navigator as { onLine?: boolean } | undefined)?.onLine === false;
}
