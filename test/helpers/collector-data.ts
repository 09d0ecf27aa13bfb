/** Reads what a collector stored on disk (records/<day>/<segment>.ndjson), for tests that count deliveries. */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

export function storedLines(dir: string): string[] {
  const records = join(dir, 'records');
  if (!existsSync(records)) return [];
  return readdirSync(records).flatMap((day) =>
    readdirSync(join(records, day)).flatMap((file) => readFileSync(join(records, day, file), 'utf8').split('\n').filter(Boolean)),
  );
}

/** Ids of every stored record (unique: the collector dedupes). */
export function storedIds(dir: string): string[] {
  return storedLines(dir).map((line) => (JSON.parse(line) as { id: string }).id);
}
