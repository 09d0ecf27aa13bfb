/** Bad options throw ConfigError synchronously, naming the option, the value received and the fix. */
import { describe, expect, it } from 'vitest';
import { ConfigError, createShadowClient, isConfigError, isShadowcastError, memoryStore, type ShadowClientOptions } from 'shadowcast';

const valid: ShadowClientOptions = {
  experiment: 'credit-risk-v2',
  live: { url: 'https://api.example/v1/predict' },
  shadow: { url: 'https://api.example/v2/predict' },
  sampleRate: 0.25,
  storage: memoryStore(),
};

function configError(options: unknown): ConfigError {
  try {
    createShadowClient(options as ShadowClientOptions);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    expect(isConfigError(error)).toBe(true);
    expect(isShadowcastError(error)).toBe(true);
    return error as ConfigError;
  }
  throw new Error('expected createShadowClient to throw a ConfigError');
}

describe('createShadowClient options', () => {
  it('accepts the contract example', () => {
    expect(() => createShadowClient(valid)).not.toThrow();
  });

  const cases: [string, Partial<Record<keyof ShadowClientOptions, unknown>> | unknown, string, RegExp][] = [
    ['options itself', null, 'options', /must be an object, received null/],
    ['a missing experiment', { ...valid, experiment: undefined }, 'experiment', /experiment is required, received undefined\. Use e\.g\. experiment: 'credit-risk-v2'/],
    ['an experiment with a colon', { ...valid, experiment: 'a:b' }, 'experiment', /must match .* \(no ":"\), received "a:b" \(string\)/],
    ['a salt with spaces', { ...valid, salt: 'my salt' }, 'salt', /received "my salt"/],
    ['a relative live url', { ...valid, live: { url: '/predict' } }, 'live.url', /absolute http\(s\) URL, received "\/predict"/],
    ['a live without shadow', { ...valid, shadow: undefined }, 'shadow.url', /shadow\.url is required with live/],
    ['a missing sampleRate', { ...valid, sampleRate: undefined }, 'sampleRate', /sampleRate is required .* Pass e\.g\. sampleRate: 0\.1/],
    ['a sampleRate above 1', { ...valid, sampleRate: 1.5 }, 'sampleRate', /from 0 to 1, received 1\.5 \(number\)/],
    ['a sampleRate as a string', { ...valid, sampleRate: '0.25' }, 'sampleRate', /received "0\.25" \(string\)/],
    ['a negative canaryRate', { ...valid, canaryRate: -0.1 }, 'canaryRate', /received -0\.1/],
    ['a zero shadow timeout', { ...valid, shadow: { url: 'https://x.example', timeoutMs: 0 } }, 'shadow.timeoutMs', /milliseconds > 0/],
    ['a fractional concurrency', { ...valid, maxConcurrentShadows: 2.5 }, 'maxConcurrentShadows', /whole number >= 1, received 2\.5/],
    ['an unknown dispatch', { ...valid, dispatch: 'eager' }, 'dispatch', /one of 'after-live', 'parallel', received "eager"/],
    ['an unknown capture', { ...valid, capture: { input: 'everything' } }, 'capture.input', /one of 'none', 'hash', 'full'/],
    ['a non-function compare', { ...valid, compare: 'exact' }, 'compare', /must be a function/],
    ['a non-string header', { ...valid, headers: { 'x-n': 1 } }, 'headers.x-n', /must be a string, received 1/],
    ['a bad store', { ...valid, storage: {} }, 'storage', /must be a Store \(memoryStore\(\)/],
    ['an oversized batch', { ...valid, upload: { maxBatchBytes: 100_000 } }, 'upload.maxBatchBytes', /fits one sendBeacon\/keepalive request/],
    ['a bad collector url', { ...valid, collector: { url: 'collector' } }, 'collector.url', /absolute http\(s\) URL/],
  ];

  it.each(cases)('rejects %s, naming the option and the value', (_name, options, option, message) => {
    const error = configError(options);
    expect(error.option).toBe(option);
    expect(error.message).toMatch(message);
  });

  it('suggests the intended name for a misspelled option', () => {
    const error = configError({ ...valid, sampelRate: 0.1 });
    expect(error.message).toBe("Unknown option 'sampelRate'. Did you mean 'sampleRate'?");
    expect(configError({ ...valid, shadow: { url: 'https://x.example', timeout: 5 } }).message).toMatch(/Did you mean 'shadow\.timeoutMs'\?/);
  });

  it('needs neither live nor sampleRate when a remote config decides, and neither live nor shadow for run()', async () => {
    // A config server that never answers: this test is about options, not polling.
    const fetch = () => new Promise<Response>(() => {});
    const remote = createShadowClient({ experiment: 'remote', remoteConfig: { url: 'https://config.example/doc.json' }, storage: memoryStore(), fetch });
    expect(() => createShadowClient({ experiment: 'run-only', sampleRate: 0.1, storage: memoryStore() })).not.toThrow();
    await remote.close();
  });

  it('rejects remoteConfig with a bad url or allowOrigins, naming the option', () => {
    expect(configError({ ...valid, remoteConfig: { url: 'config.json' } }).option).toBe('remoteConfig.url');
    expect(configError({ ...valid, remoteConfig: { url: 'https://config.example/doc.json', allowOrigins: 'https://models.example' } }).option).toBe('remoteConfig.allowOrigins');
    expect(configError({ ...valid, remoteConfig: { url: 'https://config.example/doc.json', allowOrigins: ['models.example'] } }).option).toBe('remoteConfig.allowOrigins[0]');
    expect(configError({ ...valid, remoteConfig: { url: 'https://config.example/doc.json', pollInterval: 5 } }).message).toMatch(/Did you mean 'remoteConfig\.pollIntervalMs'\?/);
  });

  it('rejects an unknown mode in setMode', () => {
    const client = createShadowClient(valid);
    expect(() => client.setMode('dark' as never)).toThrow(/mode must be one of shadow, promoted, canary, off/);
  });

  it('rejects a bad timeoutMs for flush() and close() with a ConfigError that says what it needs', async () => {
    const client = createShadowClient(valid);
    expect(() => client.flush({ timeoutMs: -1 })).toThrow(/flush\(\{ timeoutMs \}\) must be a number of milliseconds ≥ 0, received -1/);
    expect(() => client.close({ timeoutMs: '5s' as never })).toThrow(/close\(\{ timeoutMs \}\) must be a number of milliseconds ≥ 0, received "5s"/);
    await expect(client.close({ timeoutMs: 100 })).resolves.toMatchObject({ ok: expect.any(Boolean) });
  });

  it('keeps a throwing onError from reaching the SDK or the caller', async () => {
    const { live: _live, shadow: _shadow, ...runOnly } = valid;
    const client = createShadowClient({
      ...runOnly,
      onError: () => {
        throw new Error('onError is broken too');
      },
    });
    await expect(client.run({ live: async () => 'ok', shadow: () => Promise.reject(new Error('x')) })).resolves.toBe('ok');
    await expect(client.flush()).resolves.toMatchObject({ pending: expect.any(Number) });
  });
});
