/**
 * Browsers throttle timers in hidden tabs, so a kill could wait; the client also polls when the tab
 * becomes visible again or the network comes back, if its last confirmation is older than the interval.
 * A fake `document` and window-like global stand in for the browser; an injected clock stands in for
 * the throttled time.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createFakeRollout, doc } from '../helpers/fake-rollout';
import { POLL_MS, remoteClient } from '../helpers/remote-client';

afterEach(() => {
  vi.unstubAllGlobals();
});

function fakeBrowser() {
  const document = Object.assign(new EventTarget(), { visibilityState: 'hidden' as DocumentVisibilityState });
  const window = new EventTarget();
  vi.stubGlobal('document', document);
  vi.stubGlobal('addEventListener', window.addEventListener.bind(window));
  vi.stubGlobal('removeEventListener', window.removeEventListener.bind(window));
  const show = () => {
    document.visibilityState = 'visible';
    document.dispatchEvent(new Event('visibilitychange'));
  };
  return { show, online: () => window.dispatchEvent(new Event('online')) };
}

// A poll's request goes out synchronously inside the event handler, so counts can be read right after dispatching.

describe('polling on wake-ups', () => {
  it('polls when the tab becomes visible or goes online after the interval passed, not before', async () => {
    const browser = fakeBrowser();
    let skew = 0; // time the throttled tab's timers did not see
    const server = createFakeRollout(doc(1));
    const { client } = remoteClient({ now: () => Date.now() + skew }, server);
    await client.refreshConfig();

    browser.show();
    browser.online();
    expect(server.configRequests).toHaveLength(1); // confirmed just now: nothing to do

    skew = POLL_MS + 1;
    server.publish(doc(2, { enabled: false }));
    const applied = new Promise((resolve) => client.onConfigChange(resolve));
    browser.show();
    expect(server.configRequests).toHaveLength(2);
    await applied;
    expect(client.config()).toMatchObject({ version: 2, mode: 'off' });

    skew += POLL_MS + 1;
    browser.online();
    expect(server.configRequests).toHaveLength(3);
    await client.close();
  });

  it('removes its listeners on close()', async () => {
    const browser = fakeBrowser();
    let skew = 0;
    const server = createFakeRollout(doc(1));
    const { client } = remoteClient({ now: () => Date.now() + skew }, server);
    await client.refreshConfig();
    await client.close();
    skew = 10 * POLL_MS;
    browser.show();
    browser.online();
    expect(server.configRequests).toHaveLength(1);
  });
});
