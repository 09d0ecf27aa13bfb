/** The collector over real HTTP on 127.0.0.1: every status path of the wire contract, and hostile input. */
import { mkdtempSync, rmSync } from 'node:fs';
import { storedLines } from '../helpers/collector-data';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterEach, describe, expect, it } from 'vitest';
import { buildReport, createCollector, type Collector, type CollectorOptions } from 'shadowcast/collector';
import { makeBatch, makeRecord, post } from '../helpers/wire';

const running: { collector: Collector; dir: string }[] = [];
afterEach(async () => {
  for (const { collector, dir } of running.splice(0)) {
    await collector.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

async function start(options: Partial<CollectorOptions> = {}, dir = mkdtempSync(join(tmpdir(), 'collector-'))) {
  const collector = await createCollector({ dir, ...options });
  const base = await collector.listen();
  running.push({ collector, dir });
  return { collector, dir, base, batches: `${base}/v1/batches` };
}


describe('POST /v1/batches', () => {
  it('accepts a valid batch, stores every record durably, and answers per record', async () => {
    const { batches, dir } = await start();
    const answer = await post(batches, makeBatch([makeRecord(), makeRecord()]));
    expect(answer).toMatchObject({ status: 200, body: { accepted: 2, duplicates: 0, rejected: [] } });
    expect(storedLines(dir)).toHaveLength(2);
    expect(JSON.parse(storedLines(dir)[0]!)).toMatchObject({ experiment: 'exp', outcome: 'match' });
  });

  it('dedupes by record id: a retried batch is all duplicates', async () => {
    const { batches, dir } = await start();
    const batch = makeBatch([makeRecord(), makeRecord()]);
    await post(batches, batch);
    expect((await post(batches, batch)).body).toEqual({ accepted: 0, duplicates: 2, rejected: [] });
    expect(storedLines(dir)).toHaveLength(2);
  });

  it('rejects a bad record by id and keeps the good ones', async () => {
    const { batches } = await start();
    const good = makeRecord();
    const bad = { ...makeRecord(), sampleRate: 7 };
    const answer = await post(batches, makeBatch([good, bad, { nothing: true }]));
    expect(answer.status).toBe(200);
    expect(answer.body.accepted).toBe(1);
    expect(answer.body.rejected).toEqual([
      { id: bad.id, reason: expect.stringMatching(/sampleRate: must be at most 1, received 7/) },
      { id: '#2', reason: expect.stringMatching(/id: expected a string, received nothing/) },
    ]);
  });

  it.each([
    ['a missing schema', (b: Record<string, unknown>) => ({ ...b, schema: undefined }), /missing "schema"/],
    ['an unknown schema', (b: Record<string, unknown>) => ({ ...b, schema: 'shadowcast.batch/9' }), /unknown schema "shadowcast.batch\/9"/],
    ['a batch without records', (b: Record<string, unknown>) => ({ ...b, records: 'many' }), /records: expected an array/],
  ])('answers 400 for %s, with a clear message', async (_name, change, message) => {
    const { batches } = await start();
    const answer = await post(batches, change(makeBatch([makeRecord()]) as unknown as Record<string, unknown>));
    expect(answer.status).toBe(400);
    expect(answer.body.error).toMatch(message);
  });

  it('answers 400 for a body that is not JSON or not gzip', async () => {
    const { batches } = await start();
    expect((await post(batches, undefined, {}, '{oops')).status).toBe(400);
    const notGzip = await post(batches, undefined, { 'content-encoding': 'gzip' }, 'plain text');
    expect(notGzip).toMatchObject({ status: 400, body: { error: expect.stringMatching(/not valid gzip/) } });
  });

  it('takes gzip by content-encoding or ?enc=gzip, and text/plain bodies (sendBeacon)', async () => {
    const { batches } = await start();
    const zipped = (records: number) => gzipSync(JSON.stringify(makeBatch(Array.from({ length: records }, () => makeRecord()))));
    expect((await post(batches, undefined, { 'content-encoding': 'gzip' }, zipped(2))).body.accepted).toBe(2);
    expect((await post(`${batches}?enc=gzip`, undefined, { 'content-type': 'text/plain;charset=UTF-8' }, zipped(3))).body.accepted).toBe(3);
    expect((await post(batches, undefined, { 'content-type': 'text/plain' }, JSON.stringify(makeBatch([makeRecord()])))).body.accepted).toBe(1);
  });

  it('answers 415 for other content types', async () => {
    const { batches } = await start();
    expect((await post(batches, makeBatch([]), { 'content-type': 'application/xml' })).status).toBe(415);
  });

  it('answers 413 over the body limit, and for a gzip bomb over the decoded limit', async () => {
    const { batches } = await start({ maxBodyBytes: 10_000, maxDecodedBytes: 50_000 });
    const big = makeBatch([makeRecord({ input: 'x'.repeat(20_000) })]);
    expect((await post(batches, big)).status).toBe(413);
    const bomb = gzipSync(Buffer.alloc(5_000_000, 'a'));
    expect(bomb.length).toBeLessThan(10_000);
    const answer = await post(batches, undefined, { 'content-encoding': 'gzip' }, bomb);
    expect(answer).toMatchObject({ status: 413, body: { error: expect.stringMatching(/Decompressed body is over 50000 bytes/) } });
  });

  it('needs the token when one is set: Bearer header or ?token= (beacons)', async () => {
    const { batches } = await start({ token: 's3cret' });
    const batch = () => makeBatch([makeRecord()]);
    expect((await post(batches, batch())).status).toBe(401);
    expect((await post(batches, batch(), { authorization: 'Bearer wrong' })).status).toBe(401);
    expect((await post(batches, batch(), { authorization: 'Bearer s3cret' })).status).toBe(200);
    expect((await post(`${batches}?token=s3cret`, batch())).status).toBe(200);
  });

  it('answers 503 with Retry-After when too many batches are in flight, and takes the next one after', async () => {
    const { batches, base } = await start({ maxInFlight: 1 });
    const port = Number(new URL(base).port);
    const slow = net.connect(port, '127.0.0.1');
    await new Promise((resolve) => slow.once('connect', resolve));
    slow.write('POST /v1/batches HTTP/1.1\r\nhost: 127.0.0.1\r\ncontent-type: application/json\r\ncontent-length: 1000\r\n\r\n{"sche');
    await new Promise((resolve) => setTimeout(resolve, 50));
    const busy = await post(batches, makeBatch([makeRecord()]));
    expect(busy.status).toBe(503);
    expect(busy.headers.get('retry-after')).toBe('2');
    slow.destroy();
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect((await post(batches, makeBatch([makeRecord()]))).status).toBe(200);
  });

  it('drops a request whose body never finishes (slow clients cannot hold a slot)', async () => {
    const { base } = await start({ requestTimeoutMs: 300 });
    const slow = net.connect(Number(new URL(base).port), '127.0.0.1');
    const closed = new Promise<string>((resolve) => {
      let answer = '';
      slow.on('data', (chunk) => (answer += chunk));
      slow.on('close', () => resolve(answer));
    });
    slow.write('POST /v1/batches HTTP/1.1\r\nhost: x\r\ncontent-length: 100\r\n\r\n{');
    expect(await closed).toMatch(/^HTTP\/1.1 408/);
  });

  it('survives hostile bodies: deep nesting, huge strings, wrong types, arrays', async () => {
    const { batches, base } = await start();
    const hostile = ['['.repeat(200_000), `{"schema":"shadowcast.batch/1","records":${'['.repeat(100_000)}`, JSON.stringify([1, 2, 3]), 'null', '"x"', JSON.stringify({ ...makeBatch([]), dropped: { x: -1 } })];
    for (const body of hostile) expect((await post(batches, undefined, {}, body)).status).toBe(400);
    const deepRecord = makeRecord({ live: { ok: true, latencyMs: 1, output: JSON.parse(`${'['.repeat(1000)}${']'.repeat(1000)}`) } });
    expect((await post(batches, makeBatch([deepRecord]))).status).toBe(200);
    expect((await fetch(`${base}/healthz`)).status).toBe(200);
  });

  it('answers concurrent posts without losing or doubling records', async () => {
    const { batches, dir } = await start();
    const answers = await Promise.all(Array.from({ length: 25 }, () => post(batches, makeBatch(Array.from({ length: 20 }, () => makeRecord())))));
    expect(answers.every((answer) => answer.status === 200 && answer.body.accepted === 20)).toBe(true);
    expect(new Set(storedLines(dir).map((line) => (JSON.parse(line) as { id: string }).id)).size).toBe(500);
  });

  it('counts a retried racing duplicate once, even while the first copy is still being written', async () => {
    const { batches, dir } = await start();
    const batch = makeBatch(Array.from({ length: 10 }, () => makeRecord()));
    const answers = await Promise.all([post(batches, batch), post(batches, batch), post(batches, batch)]);
    expect(answers.reduce((sum, answer) => sum + (answer.body.accepted as number), 0)).toBe(10);
    expect(storedLines(dir)).toHaveLength(10);
  });
});

describe('routes', () => {
  it('serves /healthz, the JSON report, 404 and 405', async () => {
    const { base, batches } = await start();
    await post(batches, makeBatch([makeRecord({ experiment: 'routes' })]));
    expect(await (await fetch(`${base}/healthz`)).json()).toEqual({ ok: true });
    const report = (await (await fetch(`${base}/v1/report`)).json()) as { experiments: { experiment: string }[] };
    expect(report.experiments.map((e) => e.experiment)).toEqual(['routes']);
    expect((await fetch(`${base}/nope`)).status).toBe(404);
    const wrong = await fetch(batches);
    expect(wrong.status).toBe(405);
    expect(wrong.headers.get('allow')).toBe('POST, OPTIONS');
  });

  it('answers CORS preflights for allowed origins only', async () => {
    const { batches } = await start({ allowOrigins: ['https://app.example'] });
    const allowed = await fetch(batches, { method: 'OPTIONS', headers: { origin: 'https://app.example', 'access-control-request-method': 'POST' } });
    expect(allowed.status).toBe(204);
    expect(allowed.headers.get('access-control-allow-origin')).toBe('https://app.example');
    expect(allowed.headers.get('access-control-allow-headers')).toContain('content-encoding');
    const other = await fetch(batches, { method: 'OPTIONS', headers: { origin: 'https://evil.example' } });
    expect(other.headers.get('access-control-allow-origin')).toBeNull();
  });
});

describe('durability', () => {
  it('keeps dedupe and the once-per-batch drop counts across a restart on the same directory', async () => {
    const first = await start();
    const batch = makeBatch([makeRecord({ experiment: 'restart', seq: 0, session: 's' }), makeRecord({ experiment: 'restart', seq: 3, session: 's' })], { dropped: { queue_full: 2 } });
    await post(first.batches, batch);
    await first.collector.close();
    running.splice(0, 1);
    const second = await start({}, first.dir);
    expect((await post(second.batches, batch)).body).toEqual({ accepted: 0, duplicates: 2, rejected: [] });
    const report = await buildReport(first.dir);
    expect(report.experiments[0]!.loss).toMatchObject({ droppedBySdk: { queue_full: 2 }, missing: 2, unexplained: 0 });
  });
});

describe('capacity', () => {
  it('frees the in-flight slot of a client that disconnects mid-body', async () => {
    const { batches, base } = await start({ maxInFlight: 1 });
    for (let i = 0; i < 3; i++) {
      const quitter = net.connect(Number(new URL(base).port), '127.0.0.1');
      await new Promise((resolve) => quitter.once('connect', resolve));
      quitter.write('POST /v1/batches HTTP/1.1\r\nhost: x\r\ncontent-length: 500\r\n\r\n{"sch');
      await new Promise((resolve) => setTimeout(resolve, 30));
      quitter.destroy();
      await new Promise((resolve) => setTimeout(resolve, 30));
    }
    expect((await post(batches, makeBatch([makeRecord()]))).status).toBe(200);
  });
});
