/**
 * Property-based (fast-check): no malformed, oversized, wrongly typed or hostile document ever changes
 * behaviour or throws into the caller. The only change an invalid document may cause is this
 * experiment's kill (kill fast path). A fresh client per run starts from a confirmed version 1.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MAX_DOCUMENT_BYTES } from '../../src/config/limits';
import { killRequested } from '../../src/config/validate';
import { experimentEntry, RemoteConfigSchema } from '../../src/schema/remote-config';
import { createFakeRollout, doc, LIVE_URL, SHADOW_URL } from '../helpers/fake-rollout';
import { remoteClient } from '../helpers/remote-client';

const ALLOWED_ORIGIN = new URL(SHADOW_URL).origin;

/** What the client must conclude about a body, computed independently of the client's code path. */
function oracle(body: string): { legit: boolean; version?: number; kill: boolean } {
  if (new TextEncoder().encode(body).length > MAX_DOCUMENT_BYTES) return { legit: false, kill: false };
  let raw: unknown;
  try {
    raw = JSON.parse(body);
  } catch {
    return { legit: false, kill: false };
  }
  const parsed = RemoteConfigSchema.safeParse(raw);
  const url = parsed.success ? experimentEntry(parsed.data, 'exp')?.shadowUrl : undefined;
  const legit = parsed.success && (url === undefined || new URL(url).origin === ALLOWED_ORIGIN);
  return legit ? { legit, version: parsed.data!.version, kill: false } : { legit, kill: killRequested(raw, 'exp') };
}

const hostileUrls = fc.oneof(
  fc.constantFrom(
    'javascript:alert(1)',
    'data:application/json,{"score":1}',
    'file:///etc/passwd',
    'ftp://models.example/v2',
    'http://models.example/v2/predict', // same host, other scheme: another origin
    'https://models.example:8443/v2', // same host, other port: another origin
    'https://models.example.evil.example/v2',
    'https://evil.example/https://models.example/v2',
    'https://models.example@evil.example/v2', // userinfo trick
    'https://user:pass@models.example/v2', // credentials in the URL
    'https://evil.example\\@models.example/v2', // backslash is a slash in special schemes
    'https://mоdels.example/v2', // Cyrillic о: another host after punycode
    '//evil.example/v2',
    '/v2/predict',
    ' https://evil.example/v2',
    'https://evil.example#https://models.example/',
    'blob:https://models.example/uuid',
  ),
  fc.webUrl().filter((url) => new URL(url).origin !== ALLOWED_ORIGIN),
  fc.tuple(fc.domain(), fc.domain()).map(([a, b]) => `https://${a}@${b}/v2`),
);

const fields = ['version', 'issuedAt', 'hashVersion', 'pollIntervalMs', 'experiments'] as const;
const entryFields = ['enabled', 'mode', 'sampleRate', 'canaryRate', 'noiseRate', 'salt', 'shadowUrl', 'maxConcurrentShadows', 'maxShadowsPerMinute', 'shadowTimeoutMs'] as const;
const wrongValue = fc.oneof(fc.jsonValue(), fc.constantFrom(-1, 1.5, 1e308, 0, 2 ** 53, '', 'off', 'promoted', null, [], {}));

/** A document that is valid except for one or two fields set to anything. */
const mutated = fc
  .record({
    top: fc.dictionary(fc.constantFrom(...fields), wrongValue, { maxKeys: 2 }),
    entry: fc.dictionary(fc.constantFrom(...entryFields), wrongValue, { maxKeys: 2 }),
    mode: fc.constantFrom('shadow', 'promoted', 'canary', 'off'),
  })
  .map(({ top, entry, mode }) => {
    const base = doc(2, { mode, sampleRate: 1, ...entry }) as unknown as Record<string, unknown>;
    return JSON.stringify({ ...base, ...top });
  });

const bodies = fc.oneof(
  fc.string({ maxLength: 200 }),
  fc.jsonValue().map((value) => JSON.stringify(value)),
  mutated,
  fc.record({ url: hostileUrls, mode: fc.constantFrom('shadow', 'promoted', 'canary') }).map(({ url, mode }) => JSON.stringify(doc(2, { mode, shadowUrl: url }))),
  fc.record({ enabled: fc.boolean(), pad: fc.integer({ min: MAX_DOCUMENT_BYTES, max: 2 * MAX_DOCUMENT_BYTES }) }).map(({ enabled, pad }) => JSON.stringify({ ...doc(2, { enabled }), padding: 'x'.repeat(pad) })),
  fc.constantFrom('{"experiments":{"exp":{"enabled":false}}}', '{"experiments":{"__proto__":{"enabled":true}}}', '{"experiments":{"constructor":{"enabled":false}}}', '{"version":2,"experiments":{"exp":{"mode":"off"}}}', 'null', '[]', '"off"', '\uFEFF{}'),
);

describe('hostile and malformed documents', () => {
  it('never change behaviour (beyond a kill), never throw, and never send a call outside the allowed origins', async () => {
    await fc.assert(
      fc.asyncProperty(bodies, async (body) => {
        const server = createFakeRollout(doc(1, { sampleRate: 1 }));
        const { client, errors } = remoteClient({}, server);
        const before = await client.refreshConfig();
        server.publishRaw(body);
        const after = await client.refreshConfig();
        const verdict = oracle(body);

        const answer = await client.predict({ x: 1 }, { key: 'k' });
        await client.flush();
        expect(server.other).toEqual([]);
        for (const call of server.modelCalls) expect([LIVE_URL, SHADOW_URL]).toContain(call.url);

        if (verdict.legit) {
          expect(after.version).toBe(Math.max(1, verdict.version!));
        } else {
          expect(errors.length).toBeGreaterThan(0);
          expect(after.version).toBe(1);
          if (verdict.kill) {
            expect(after).toMatchObject({ killed: true, mode: 'off', settings: { ...before.settings, mode: 'off' } });
          } else {
            expect(after.settings).toBe(before.settings);
            expect(after.killed).toBe(false);
          }
          expect(answer).toEqual({ model: 'v1' });
        }
        await client.close();
      }),
      { numRuns: 300 },
    );
  });

  it('never throw into the caller when the config server answers garbage at the HTTP level', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          fc.record({ status: fc.integer({ min: 200, max: 599 }), body: fc.option(fc.string(), { nil: undefined }), headers: fc.constant({ etag: '"x"', 'retry-after': 'soon' }) }),
          fc.constantFrom('network' as const, 'hang' as const),
        ),
        async (answer) => {
          const server = createFakeRollout(doc(1, { sampleRate: 1 }));
          const { client } = remoteClient({}, server);
          const before = await client.refreshConfig();
          server.script(answer);
          const refreshing = client.refreshConfig();
          await expect(client.predict({ x: 1 }, { key: 'k' })).resolves.toEqual({ model: 'v1' });
          if (answer === 'hang') await client.close();
          const after = await refreshing;
          expect(after.settings).toBe(before.settings);
          await client.close();
        },
      ),
      { numRuns: 100 },
    );
  });
});
