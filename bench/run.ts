/**
 * `npm run bench`: every benchmark, one table. Ratios are against a baseline measured in the same run.
 * Flags: --quick (shorter runs), --only=<name,...> (live-path, throughput, uploader, memory, browser, bundle, collector).
 * Writes bench/results.json next to the table.
 */
import { writeFileSync } from 'node:fs';
import { benchBundles } from './bundle.ts';
import { findChromium } from '../scripts/chromium.ts';
import { benchBrowser } from './browser.ts';
import { benchLivePath } from './live-path.ts';
import { benchMemory } from './memory.ts';
import { benchThroughput } from './throughput.ts';
import { benchUploader } from './uploader.ts';
import { kb, ms, ratio } from './lib/stats.ts';
import { BUDGETS } from './budgets.ts';

const args = process.argv.slice(2);
const quick = args.includes('--quick');
const only = args.find((arg) => arg.startsWith('--only='))?.slice('--only='.length).split(',');
const wanted = (name: string) => !only || only.includes(name);

type Row = [section: string, measure: string, value: string, baseline: string, verdict: string];
const rows: Row[] = [];
const results: Record<string, unknown> = {};
const goal = (ok: boolean, text: string) => `${ok ? 'ok' : 'MISSED'} (${text})`;

if (wanted('live-path')) {
  const r = await benchLivePath(quick ? { rounds: 4, perRound: 80, slowCalls: 40 } : {});
  results.livePath = r;
  for (const [mode, table] of [['sequential', r.sequential], ['concurrent ×16', r.concurrent]] as const) {
    const base = table['plain fetch']!;
    for (const [name, d] of Object.entries(table)) {
      const p50 = d.p50 / base.p50;
      const p99 = d.p99 / base.p99;
      const verdict = name === 'shadowcast predict' ? goal(p50 <= 1.02 && p99 <= 1.05, 'goal p50 ≤ 1.02×, p99 ≤ 1.05×') : '';
      rows.push([`live path, ${mode}`, name, `p50 ${ms(d.p50)}  p95 ${ms(d.p95)}  p99 ${ms(d.p99)}`, `p50 ${ratio(p50)}  p99 ${ratio(p99)}`, verdict]);
    }
  }
  rows.push(['live path', 'calls shadowed (100% sampling)', `${r.shadowed} of ${r.predictions}`, '', '']);
}

if (wanted('throughput')) {
  const r = await benchThroughput(quick ? { sliceMs: 1000, slices: 2 } : {});
  results.throughput = r;
  const base = r.perSecond['plain fetch']!;
  for (const [name, perSecond] of Object.entries(r.perSecond)) {
    const share = perSecond / base;
    const skipped = r.skipped[name] ? Object.entries(r.skipped[name]).map(([reason, n]) => `${reason} ${n}`).join(', ') : '';
    rows.push(['throughput, 32 workers, CPU-bound', name, `${Math.round(perSecond)} calls/s${skipped ? ` (skipped: ${skipped})` : ''}`, ratio(share), name === 'plain fetch' ? '' : goal(share >= 0.9, 'goal ≥ 0.9×')]);
  }
}

if (wanted('uploader')) {
  const r = await benchUploader();
  results.uploader = r;
  const per1000 = 1000 / r.records;
  rows.push(['uploader', 'requests per 1000 records', String(Math.round(r.requests * per1000)), '', '']);
  rows.push(['uploader', 'bytes on the wire per 1000 records', kb(r.wireBytes * per1000), `gzip would be ${kb(r.gzipBytes * per1000)} (${(r.wireBytes / r.gzipBytes).toFixed(1)}×)`, '']);
  rows.push(['uploader', 'cost per record (capture → queued)', `p50 ${r.recordCost.p50.toFixed(1)} µs  p95 ${r.recordCost.p95.toFixed(1)} µs`, '', '']);
}

if (wanted('memory')) {
  const r = benchMemory(quick ? { predictions: 30_000 } : {});
  results.memory = r;
  const dropped = Object.entries(r.dropped).map(([reason, n]) => `${reason} ${n}`).join(', ') || 'none';
  rows.push(['memory, collector down', `${r.predictions} predictions: retained heap`, `+${(r.heapGrowth / 1e6).toFixed(1)} MB (queued ${r.queued})`, `dropped: ${dropped}`, goal(r.heapGrowth <= 20e6, 'bounded ≤ 20 MB')]);
  rows.push(['memory, collector down', 'RSS growth (V8 defaults)', `+${(r.rssGrowth / 1e6).toFixed(1)} MB`, '', goal(r.rssGrowth <= 20e6, 'goal ≤ 20 MB')]);
  const capped = benchMemory({ predictions: r.predictions, v8Flags: ['--max-old-space-size=32'] });
  results.memoryCapped = capped;
  rows.push(['memory, collector down', 'RSS growth, V8 old space capped at 32 MB', `+${(capped.rssGrowth / 1e6).toFixed(1)} MB`, 'completes: memory is bounded', goal(capped.rssGrowth <= 40e6, 'no OOM')]);
}

if (wanted('browser')) {
  if (!findChromium()) {
    rows.push(['browser (Chromium)', 'skipped', 'no Chromium (apt-get install -y chromium, or set CHROMIUM_PATH)', '', '']);
  } else {
    const r = await benchBrowser(quick ? { seconds: 4 } : {});
    results.browser = r;
    const base = r.latency['fetch']!;
    for (const [name, d] of Object.entries(r.latency)) {
      rows.push(['browser, 200 calls/s × 10 s', name, `p50 ${ms(d.p50)}  p95 ${ms(d.p95)}  p99 ${ms(d.p99)}`, `p50 ${ratio(d.p50 / base.p50)}`, '']);
    }
    const sdkLongTasks = (r.longTasks['shadowcast'] ?? 0) - (r.longTasks['fetch'] ?? 0);
    rows.push(['browser, 200 calls/s × 10 s', 'long tasks > 50 ms (shadowcast vs fetch)', `${r.longTasks['shadowcast']} vs ${r.longTasks['fetch']}`, `longest ${r.longestTaskMs['shadowcast']} ms`, goal(sdkLongTasks <= 0, 'goal 0 attributable')]);
  }
}

if (wanted('bundle')) {
  const r = await benchBundles();
  results.bundle = r;
  for (const [name, size] of Object.entries(r)) {
    const budget = BUDGETS[name];
    const lazy = size.lazyGzip ? ` + ${kb(size.lazyGzip)} loaded on demand` : '';
    const verdict = budget ? `${goal(size.gzip <= budget.gzipBytes, `budget ${kb(budget.gzipBytes)}`)}${budget.goalBytes ? `; goal ${kb(budget.goalBytes)} ${size.gzip <= budget.goalBytes ? 'met' : `missed by ${kb(size.gzip - budget.goalBytes)}`}` : ''}` : '';
    rows.push(['bundle, min+gzip', name, `${kb(size.gzip)} up front${lazy}`, `${kb(size.minified)} minified`, verdict]);
  }
}

if (wanted('collector')) {
  try {
    // The collector's own benchmark (ingest records/s, report over 1M records) lives in bench/collector.ts.
    const { benchCollector } = (await import(new URL('./collector.ts', import.meta.url).href)) as { benchCollector: (options: { quick: boolean }) => Promise<Row[]> };
    rows.push(...(await benchCollector({ quick })));
  } catch (error) {
    rows.push(['collector', 'not measured', String((error as Error).message).slice(0, 80), '', '']);
  }
}

printTable(rows);
writeFileSync(new URL('./results.json', import.meta.url), `${JSON.stringify({ at: new Date().toISOString(), node: process.version, quick, results }, null, 2)}\n`);
process.exit(0);

function printTable(table: Row[]): void {
  const header: Row = ['section', 'measure', 'value', 'vs baseline', 'goal'];
  const widths = header.map((_, column) => Math.max(...[header, ...table].map((row) => row[column]!.length)));
  const line = (row: Row) => `| ${row.map((cell, column) => cell.padEnd(widths[column]!)).join(' | ')} |`;
  console.log(line(header));
  console.log(`|${widths.map((width) => '-'.repeat(width + 2)).join('|')}|`);
  for (const row of table) console.log(line(row));
}
