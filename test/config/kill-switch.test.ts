/**
 * Kill-switch latency (issue 3): with poll interval P, shadow calls stop within one poll after
 * `enabled: false` is published (plus the config server's answer time, bounded by the fetch timeout);
 * a local setMode('off') stops them on the very next call; shadows already in flight finish.
 * Fake timers move the clock; the scripted fetch answers without I/O.
 */
import fc from 'fast-check';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { CONFIG_FETCH_TIMEOUT_MS } from '../../src/config/limits';
import { deferred, storedRecords } from '../helpers/capture';
import { createFakeRollout, doc } from '../helpers/fake-rollout';
import { POLL_MS, remoteClient } from '../helpers/remote-client';

afterEach(() => {
  vi.useRealTimers();
});

const STEP_MS = 250;

describe('kill switch', () => {
  it('stops shadow calls within one poll interval (+ the server\'s answer time) after enabled: false is published', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 0, max: POLL_MS - 1 }),
        fc.integer({ min: 0, max: CONFIG_FETCH_TIMEOUT_MS - 1 }),
        async (publishOffsetMs, answerMs) => {
          vi.useFakeTimers();
          const server = createFakeRollout(doc(1, { sampleRate: 1 }));
          const { client } = remoteClient({}, server);
          await client.refreshConfig();
          await vi.advanceTimersByTimeAsync(publishOffsetMs);
          server.publish(doc(2, { enabled: false, mode: 'shadow', sampleRate: 1 }));
          server.script({ delayMs: answerMs });
          const publishedAt = Date.now();

          // A steady stream of predictions for two poll intervals after publishing.
          const shadowedAt: number[] = [];
          for (let t = 0; t <= 2 * POLL_MS; t += STEP_MS) {
            const before = server.shadowCalls().length;
            await client.predict({ t }, { key: `k${t}` });
            await client.flush();
            if (server.shadowCalls().length > before) shadowedAt.push(Date.now() - publishedAt);
            await vi.advanceTimersByTimeAsync(STEP_MS);
          }
          const lastShadowMs = Math.max(-1, ...shadowedAt);
          expect(lastShadowMs).toBeLessThan(POLL_MS + answerMs);
          expect(client.config()).toMatchObject({ version: 2, mode: 'off' });
          await client.close();
          vi.useRealTimers();
        },
      ),
      { numRuns: 20 },
    );
  });

  it('stops shadow calls on the very next prediction after a local setMode("off")', async () => {
    const { client, server } = remoteClient();
    await client.refreshConfig();
    await client.predict({}, { key: 'a' });
    client.setMode('off');
    await client.predict({}, { key: 'b' });
    await client.flush();
    expect(server.shadowCalls().map((call) => call.body)).toEqual([{}]);
    expect(server.liveCalls()).toHaveLength(2);
    await client.close();
  });

  it('lets shadows already in flight finish (and records them) when a kill arrives', async () => {
    const server = createFakeRollout(doc(1));
    const setup = remoteClient({}, server);
    await setup.client.refreshConfig();
    const answer = deferred<string>();
    await setup.client.run({ key: 'a', live: () => 'yes', shadow: () => answer.promise });
    server.publish(doc(2, { enabled: false }));
    expect(await setup.client.refreshConfig()).toMatchObject({ mode: 'off' });
    expect(setup.client.stats().inFlight).toBe(1);
    answer.resolve('yes');
    await setup.client.flush();
    expect(await storedRecords(setup.storage)).toMatchObject([{ outcome: 'match', mode: 'shadow', configVersion: 1 }]);
    await setup.client.close();
  });
});
