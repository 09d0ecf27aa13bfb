/** The remote-config document schema (contract), its publisher-side check and its JSON Schema. */
import { readFileSync } from 'node:fs';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import fc from 'fast-check';
import { describe, expect, expectTypeOf, it } from 'vitest';
import { remoteConfigJsonSchema, validateRemoteConfig, type RemoteConfigDocument, type RemoteExperimentConfig } from 'shadowcast/node';
import { RemoteConfigSchema } from '../../src/schema/remote-config';
import { renderRemoteConfigSchema, SCHEMA_FILE } from '../../scripts/write-remote-config-schema';

/** The example of DESIGN.md "Remote config (contract)", with a real date and URL. */
const contractExample = {
  version: 7,
  issuedAt: '2026-11-22T10:00:00Z',
  hashVersion: 1,
  pollIntervalMs: 30000,
  experiments: {
    'credit-risk-v2': { enabled: true, mode: 'shadow', sampleRate: 0.25, canaryRate: 0, salt: '2026-11', shadowUrl: 'https://models.example/v2/predict' },
  },
};

const withEntry = (entry: Record<string, unknown>) => ({ ...contractExample, experiments: { e: { enabled: true, mode: 'shadow', sampleRate: 0.5, ...entry } } });

describe('RemoteConfigSchema', () => {
  it('infers the document type the client and publishers share', () => {
    expectTypeOf<RemoteConfigDocument['version']>().toEqualTypeOf<number>();
    expectTypeOf<RemoteConfigDocument['experiments']>().toEqualTypeOf<Record<string, RemoteExperimentConfig>>();
    expectTypeOf<RemoteExperimentConfig['mode']>().toEqualTypeOf<string>(); // unknown modes are accepted (and turned off)
    expectTypeOf<RemoteExperimentConfig['shadowUrl']>().toEqualTypeOf<string | undefined>();
  });

  it('accepts the contract example', () => {
    expect(RemoteConfigSchema.safeParse(contractExample).success).toBe(true);
    expect(validateRemoteConfig(contractExample)).toMatchObject({ ok: true, errors: [], warnings: [] });
  });

  it('strips unknown keys at every level, so newer publishers never break older clients', () => {
    const parsed = RemoteConfigSchema.parse({ ...withEntry({ futureKnob: 3 }), futureTopLevel: { a: 1 } });
    expect(parsed).not.toHaveProperty('futureTopLevel');
    expect(parsed.experiments.e).not.toHaveProperty('futureKnob');
  });

  const rejected: [string, unknown, RegExp][] = [
    ['a sampleRate above 1 (never clamped)', withEntry({ sampleRate: 1.01 }), /experiments\.e\.sampleRate: must be at most 1, received 1\.01/],
    ['a negative canaryRate', withEntry({ canaryRate: -0.1 }), /experiments\.e\.canaryRate/],
    ['a noiseRate of 2', withEntry({ noiseRate: 2 }), /experiments\.e\.noiseRate/],
    ['a rate as a string', withEntry({ sampleRate: '0.5' }), /sampleRate/],
    ['enabled as a string', withEntry({ enabled: 'false' }), /experiments\.e\.enabled: expected true or false, received "false"/],
    ['a missing sampleRate', { ...contractExample, experiments: { e: { enabled: true, mode: 'shadow' } } }, /sampleRate: expected a number, received nothing/],
    ['a mode that is not a string', withEntry({ mode: 3 }), /mode/],
    ['maxConcurrentShadows of 0', withEntry({ maxConcurrentShadows: 0 }), /maxConcurrentShadows/],
    ['maxConcurrentShadows of 2.5', withEntry({ maxConcurrentShadows: 2.5 }), /maxConcurrentShadows/],
    ['maxShadowsPerMinute above its bound', withEntry({ maxShadowsPerMinute: 10_000_000 }), /maxShadowsPerMinute/],
    ['a shadowTimeoutMs of 10 minutes', withEntry({ shadowTimeoutMs: 600_000 }), /shadowTimeoutMs/],
    ['a salt with a colon', withEntry({ salt: 'a:b' }), /salt/],
    ['a javascript: shadowUrl', withEntry({ shadowUrl: 'javascript:alert(1)' }), /shadowUrl: must be an absolute http\(s\) URL/],
    ['a data: shadowUrl', withEntry({ shadowUrl: 'data:application/json,{}' }), /shadowUrl/],
    ['a relative shadowUrl', withEntry({ shadowUrl: '/v2/predict' }), /shadowUrl/],
    ['a shadowUrl with user:password@', withEntry({ shadowUrl: 'https://allowed.example@evil.example/v2' }), /shadowUrl/],
    ['an experiment name with a colon', { ...contractExample, experiments: { 'a:b': { enabled: false, mode: 'off', sampleRate: 0 } } }, /experiment names must match/],
    ['a fractional version', { ...contractExample, version: 7.5 }, /version: expected an integer, received 7\.5/],
    ['a negative version', { ...contractExample, version: -1 }, /version/],
    ['an issuedAt that is no date', { ...contractExample, issuedAt: 'yesterday' }, /issuedAt/],
    ['an issuedAt with an impossible date', { ...contractExample, issuedAt: '2026-13-45T99:99:00Z' }, /issuedAt/],
    ['a poll interval hint of 1 s', { ...contractExample, pollIntervalMs: 1000 }, /pollIntervalMs/],
    ['a hashVersion of 0', { ...contractExample, hashVersion: 0 }, /hashVersion/],
    ['experiments as an array', { ...contractExample, experiments: [] }, /experiments/],
    ['a missing version', { ...contractExample, version: undefined }, /version/],
    ['an array document', [contractExample], /\(document\): expected an object, received an array/],
  ];

  it.each(rejected)('rejects %s, naming the field', (_name, document, field) => {
    expect(RemoteConfigSchema.safeParse(document).success).toBe(false);
    const result = validateRemoteConfig(document);
    expect(result.ok).toBe(false);
    expect(result.errors.join('\n')).toMatch(field);
  });

  it('accepts an unknown mode and an unknown hashVersion (clients turn those off), with warnings', () => {
    expect(validateRemoteConfig(withEntry({ mode: 'dark-launch' }))).toMatchObject({
      ok: true,
      warnings: [expect.stringMatching(/experiments\.e\.mode: "dark-launch" is not a mode this SDK knows .*clients turn e off/)],
    });
    expect(validateRemoteConfig({ ...contractExample, hashVersion: 2 }).warnings).toEqual([expect.stringMatching(/hashVersion: 2 is unknown .* every experiment off/)]);
  });
});

describe('validateRemoteConfig', () => {
  it('reads JSON text, refuses what is not JSON, and refuses more than 64 KiB unread', () => {
    expect(validateRemoteConfig(JSON.stringify(contractExample)).ok).toBe(true);
    expect(validateRemoteConfig('{"version": 7,').errors).toEqual([expect.stringMatching(/^\(document\): not JSON/)]);
    const huge = JSON.stringify({ ...contractExample, padding: 'x'.repeat(70_000) });
    expect(validateRemoteConfig(huge).errors).toEqual([expect.stringMatching(/bytes is larger than the 65536-byte limit/)]);
  });

  it('checks shadowUrl origins against allowOrigins when given', () => {
    expect(validateRemoteConfig(contractExample, { allowOrigins: ['https://models.example'] }).ok).toBe(true);
    expect(validateRemoteConfig(contractExample, { allowOrigins: ['https://other.example'] })).toMatchObject({
      ok: false,
      errors: [expect.stringMatching(/credit-risk-v2\.shadowUrl: origin https:\/\/models\.example is not in allowOrigins/)],
    });
  });
});

describe('the JSON Schema', () => {
  const ajv = new Ajv2020({ allErrors: true, strict: false });
  addFormats.default(ajv);
  const validate = ajv.compile(remoteConfigJsonSchema());

  it('is committed as schema/remote-config.schema.json and current (npm run schema rewrites it)', () => {
    expect(readFileSync(SCHEMA_FILE, 'utf8')).toBe(renderRemoteConfigSchema());
  });

  it('accepts the contract example and rejects typos clients would silently turn off', () => {
    expect(validate(contractExample)).toBe(true);
    expect(validate(withEntry({ mode: 'shadw' }))).toBe(false);
    expect(validate(withEntry({ sampelRate: 0.5 }))).toBe(false);
    expect(validate({ ...contractExample, hashVersion: 2 })).toBe(false);
  });

  it('never accepts a document the client rejects (fast-check over mutated documents)', () => {
    const value = fc.oneof(
      fc.constantFrom(0, 0.5, 1, 1.5, -1, 2.5, 7, 1024, 10_000, 600_000, Number.MAX_SAFE_INTEGER),
      fc.constantFrom('', 'shadow', 'off', 'a:b', 'salt-1', 'javascript:alert(1)', 'https://a.example@b.example/', 'https://models.example/v2', '2026-11-22T10:00:00Z', '2026-13-45T99:99:00Z', 'x'.repeat(70)),
      fc.boolean(),
      fc.constant(null),
      fc.constant([]),
      fc.constant({}),
    );
    const topFields = ['version', 'issuedAt', 'hashVersion', 'pollIntervalMs', 'experiments'];
    const entryFields = ['enabled', 'mode', 'sampleRate', 'canaryRate', 'noiseRate', 'salt', 'shadowUrl', 'maxConcurrentShadows', 'maxShadowsPerMinute', 'shadowTimeoutMs'];
    const mutation = fc.record({
      top: fc.dictionary(fc.constantFrom(...topFields), fc.option(value, { nil: undefined }), { maxKeys: 2 }),
      entry: fc.dictionary(fc.constantFrom(...entryFields), fc.option(value, { nil: undefined }), { maxKeys: 3 }),
    });
    fc.assert(
      fc.property(mutation, ({ top, entry }) => {
        const document: Record<string, unknown> = { ...withEntry(entry), ...top };
        for (const [key, field] of Object.entries(document)) if (field === undefined) delete document[key];
        const e = (document.experiments as Record<string, Record<string, unknown>> | undefined)?.e;
        if (e && typeof e === 'object') for (const [key, field] of Object.entries(e)) if (field === undefined) delete e[key];
        const clientAccepts = RemoteConfigSchema.safeParse(document).success;
        if (validate(document)) expect(clientAccepts).toBe(true);
      }),
      { numRuns: 500 },
    );
  });
});
