/** Memory with the collector down: RSS and heap growth over 100k predictions, and the counted drops. */
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export interface MemoryResult {
  predictions: number;
  rssGrowth: number;
  heapGrowth: number;
  queued: number;
  recorded: number;
  dropped: Record<string, number>;
}

export function benchMemory({ predictions = 100_000, v8Flags = [] as string[] } = {}): MemoryResult {
  const root = fileURLToPath(new URL('../', import.meta.url));
  const output = execFileSync(process.execPath, ['--expose-gc', ...v8Flags, '--import', './scripts/source-hooks.mjs', 'bench/lib/memory-child.ts', String(predictions)], { cwd: root, encoding: 'utf8' });
  return JSON.parse(output) as MemoryResult;
}
