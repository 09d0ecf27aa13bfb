/** Records: valid wire format, capture and redact applied before anything is stored, ids and seq. */
import { describe, expect, it } from 'vitest';
import { createShadowClient, keyDigest, type ShadowClientOptions, type WireRecord } from 'shadowcast';
import { RecordSchema } from '../../src/schema/wire';
import { inputDigest } from '../../src/record/capture';
import { createTestStore } from '../helpers/fake-store';
import { storedRecords } from '../helpers/capture';

async function recordsOf(overrides: Partial<ShadowClientOptions>, calls: Partial<{ input: unknown; key: string; id: string; context: Record<string, unknown> }>[] = [{}]) {
  const storage = createTestStore();
  const errors: Error[] = [];
  const client = createShadowClient({ experiment: 'records', sampleRate: 1, storage, onError: (error) => errors.push(error), ...overrides });
  for (const call of calls) await client.run({ input: { age: 41, income: 52_000 }, ...call, live: async () => ({ score: 0.4 }), shadow: async () => ({ score: 0.4 }) });
  await client.flush();
  return { records: await storedRecords(storage), stats: client.stats(), errors, storage };
}

describe('records', () => {
  it('validate against the wire schema and carry session, seq, sampleRate and hashVersion', async () => {
    const { records } = await recordsOf({ sampleRate: 1 }, [{ key: 'u1' }, { key: 'u2' }, {}]);
    expect(records).toHaveLength(3);
    for (const record of records) expect(RecordSchema.parse(record)).toBeTruthy();
    expect(records.map((record) => record.seq)).toEqual([0, 1, 2]);
    expect(new Set(records.map((record) => record.session)).size).toBe(1);
    expect(records[0]).toMatchObject({ experiment: 'records', sampleRate: 1, hashVersion: 1, mode: 'shadow', served: 'baseline' });
    expect(new Set(records.map((record) => record.id)).size).toBe(3);
    expect(records[0]!.id).toBe(`${records[0]!.session}-0`);
  });

  it('carry the key only as its digest, and the raw key only with capture.input "full"', async () => {
    const hashed = (await recordsOf({}, [{ key: 'user-42' }])).records[0]!;
    expect(hashed.key).toBe(keyDigest('shadowcast', 'records', 'user-42'));
    expect(hashed.rawKey).toBeUndefined();
    expect(JSON.stringify(hashed)).not.toContain('user-42');
    const full = (await recordsOf({ capture: { input: 'full' } }, [{ key: 'user-42' }])).records[0]!;
    expect(full.rawKey).toBe('user-42');
  });

  it('capture the input as a digest by default, in full on request, or not at all', async () => {
    const input = { age: 41, income: 52_000 };
    expect((await recordsOf({})).records[0]!.input).toBe(inputDigest({ income: 52_000, age: 41 }));
    expect((await recordsOf({ capture: { input: 'full' } })).records[0]!.input).toEqual(input);
    expect((await recordsOf({ capture: { input: 'none' } })).records[0]!.input).toBeUndefined();
  });

  it('leave outputs out with capture.output false', async () => {
    const [record] = (await recordsOf({ capture: { output: false } })).records;
    expect(record!.live.output).toBeUndefined();
    expect(record!.shadow!.output).toBeUndefined();
    expect(record!.outcome).toBe('match');
  });

  it('use the caller id and keep the context', async () => {
    const [record] = (await recordsOf({}, [{ id: 'req-7', context: { country: 'DE' } }])).records;
    expect(record).toMatchObject({ id: 'req-7', context: { country: 'DE' } });
  });

  it('pass through redact before anything is stored', async () => {
    const seen: WireRecord[] = [];
    const { records, storage } = await recordsOf(
      {
        capture: { input: 'full' },
        redact: (record) => {
          seen.push(structuredClone(record));
          return { ...record, input: { age: (record.input as { age: number }).age } };
        },
      },
      [{ key: 'u' }],
    );
    expect(seen[0]!.input).toEqual({ age: 41, income: 52_000 });
    expect(records[0]!.input).toEqual({ age: 41 });
    // No write ever held the unredacted income.
    for (const key of await storage.keys('')) expect(await storage.get(key)).not.toContain('52000');
  });

  it('are dropped and counted, never stored unredacted, when redact throws', async () => {
    const { records, stats, errors } = await recordsOf(
      {
        redact: () => {
          throw new Error('redact bug');
        },
      },
      [{}, {}],
    );
    expect(records).toHaveLength(0);
    expect(stats.dropped).toEqual({ redact_error: 2 });
    expect(errors[0]?.message).toMatch(/never stored unredacted/);
  });

  it('are dropped and counted when they cannot be serialized', async () => {
    const { records, stats } = await recordsOf({ capture: { input: 'full' } }, [{ input: { big: 10n } }]);
    expect(records).toHaveLength(0);
    expect(stats.dropped).toEqual({ serialize_error: 1 });
  });
});
