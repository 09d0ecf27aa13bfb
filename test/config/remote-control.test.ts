/** The eager half of remote config: before the lazy chunk loads, and when it fails to load (offline at page load). */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { memoryStore, type ShadowcastError } from 'shadowcast';
import { createRemoteControl, type StartRemoteConfig } from '../../src/config/remote-control';
import { resolveOptions } from '../../src/options';
import { CONFIG_URL, createFakeRollout, doc } from '../helpers/fake-rollout';
import { POLL_MS } from '../helpers/remote-client';

afterEach(() => {
  vi.useRealTimers();
});

function options(errors: ShadowcastError[]) {
  const server = createFakeRollout(doc(1));
  return resolveOptions({ experiment: 'exp', remoteConfig: { url: CONFIG_URL, pollIntervalMs: POLL_MS }, fetch: server.fetch, storage: memoryStore(), onError: (error) => errors.push(error) });
}

const realLoader = () => import('../../src/config/remote-config').then((module) => module.startRemoteConfig);

describe('createRemoteControl', () => {
  it('is pending and off until the machinery loads, keeping a pin made meanwhile', async () => {
    const errors: ShadowcastError[] = [];
    let release!: (start: StartRemoteConfig) => void;
    const control = createRemoteControl(options(errors), () => new Promise((resolve) => (release = resolve)));
    expect(control.current()).toBe('config_pending');
    expect(control.mode()).toBe('off');
    control.setMode('promoted');
    expect(control.state()).toMatchObject({ status: 'pending', pinned: 'promoted', mode: 'off' });
    release(await realLoader());
    expect(await control.refresh()).toMatchObject({ status: 'confirmed', version: 1, mode: 'promoted', pinned: 'promoted' });
    await control.close();
  });

  it('reports a failed load, stays pending, and loads again one poll interval later', async () => {
    vi.useFakeTimers();
    const errors: ShadowcastError[] = [];
    const loader = vi.fn<() => Promise<StartRemoteConfig>>().mockRejectedValueOnce(new TypeError('Failed to fetch dynamically imported module')).mockImplementation(realLoader);
    const control = createRemoteControl(options(errors), loader);
    await vi.advanceTimersByTimeAsync(0);
    expect(errors.map((error) => (error as { reason?: string }).reason)).toEqual(['load_error']);
    expect(control.current()).toBe('config_pending');
    await vi.advanceTimersByTimeAsync(POLL_MS);
    expect(loader).toHaveBeenCalledTimes(2);
    expect(await control.refresh()).toMatchObject({ status: 'confirmed', version: 1 });
    await control.close();
  });

  it('never loads the machinery when closed first', async () => {
    const errors: ShadowcastError[] = [];
    const start = vi.fn<StartRemoteConfig>();
    const control = createRemoteControl(options(errors), async () => start);
    await control.close();
    expect(await control.refresh()).toMatchObject({ status: 'pending' }); // resolves once the load settled
    expect(start).not.toHaveBeenCalled();
  });
});
