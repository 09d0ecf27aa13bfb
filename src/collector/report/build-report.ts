/**
 * Builds the report from a collector directory in one streaming pass: record files line by line into
 * per-experiment accumulators, the batch ledger for the SDK's drop counts, the rejection log for schema
 * failures. Memory grows with experiments and fields, not with the number of records (except the
 * latency and output arrays, 8 bytes a value).
 */
import { createReadStream, existsSync } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { WireRecord } from '../../schema/wire';
import type { BatchEntry } from '../record-log';
import { createExperimentAccumulator } from './accumulate';
import type { Report } from './types';

export interface ReportOptions {
  /** Only this experiment. */
  experiment?: string;
  now?: () => number;
}

export async function buildReport(dir: string, options: ReportOptions = {}): Promise<Report> {
  const builder = createReportBuilder(options);
  const recordsDir = join(dir, 'records');
  for (const day of await listDir(recordsDir)) {
    for (const file of await listDir(join(recordsDir, day))) {
      await eachLine(join(recordsDir, day, file), (line) => builder.addLine(line));
    }
  }
  for (const file of await listDir(join(dir, 'batches'))) {
    await eachLine(join(dir, 'batches', file), (line) => builder.addBatch(JSON.parse(line) as BatchEntry));
  }
  for (const file of await listDir(join(dir, 'rejections'))) {
    await eachLine(join(dir, 'rejections', file), (line) => builder.addRejection(JSON.parse(line) as Rejection));
  }
  return builder.finish(dir);
}

interface Rejection {
  kind: 'batch' | 'records';
  reason?: string;
  rejected?: { id: string; reason: string }[];
}

/** The same report from records in memory (tests, embedding). */
export function createReportBuilder(options: ReportOptions = {}) {
  const experiments = new Map<string, ReturnType<typeof createExperimentAccumulator>>();
  const dropped = new Map<string, Record<string, number>>();
  const failures = { batches: 0, records: 0, examples: [] as string[] };
  let records = 0;
  let batches = 0;

  const builder = {
    add(record: WireRecord): void {
      if (options.experiment !== undefined && record.experiment !== options.experiment) return;
      records++;
      let accumulator = experiments.get(record.experiment);
      if (!accumulator) {
        accumulator = createExperimentAccumulator(record.experiment);
        experiments.set(record.experiment, accumulator);
      }
      accumulator.add(record);
    },
    addLine(line: string): void {
      let record: WireRecord;
      try {
        record = JSON.parse(line) as WireRecord;
      } catch {
        return; // a torn last line after a crash: it was never acknowledged
      }
      builder.add(record);
    },
    addBatch(entry: BatchEntry & { experiments?: string[] }): void {
      batches++;
      const experiment = entry.experiments?.[0];
      if (experiment === undefined) return;
      const counts = dropped.get(experiment) ?? {};
      for (const [reason, n] of Object.entries(entry.dropped)) if (n > 0) counts[reason] = (counts[reason] ?? 0) + n;
      dropped.set(experiment, counts);
    },
    addRejection(entry: Rejection): void {
      if (entry.kind === 'batch') failures.batches++;
      else failures.records += entry.rejected?.length ?? 0;
      const example = entry.reason ?? entry.rejected?.[0]?.reason;
      if (example && failures.examples.length < 5 && !failures.examples.includes(example)) failures.examples.push(example);
    },
    finish(source: string): Report {
      return {
        generatedAt: new Date((options.now ?? Date.now)()).toISOString(),
        source,
        records,
        batches,
        experiments: [...experiments.entries()].sort(([a], [b]) => (a < b ? -1 : 1)).map(([name, accumulator]) => accumulator.finish(dropped.get(name) ?? {})),
        schemaFailures: failures,
      };
    },
  };
  return builder;
}

async function listDir(path: string): Promise<string[]> {
  if (!existsSync(path)) return [];
  return (await readdir(path)).sort();
}

/** Calls back once per non-empty line, reading the file in chunks (files can be tens of megabytes). */
async function eachLine(path: string, onLine: (line: string) => void): Promise<void> {
  let rest = '';
  for await (const chunk of createReadStream(path, { encoding: 'utf8', highWaterMark: 1024 * 1024 })) {
    const text = rest + (chunk as string);
    let start = 0;
    for (let end = text.indexOf('\n'); end !== -1; end = text.indexOf('\n', start)) {
      if (end > start) onLine(text.slice(start, end));
      start = end + 1;
    }
    rest = text.slice(start);
  }
  if (rest) onLine(rest);
}
