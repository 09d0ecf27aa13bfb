/** The report's statistics: pure functions with known answers (tested against textbook values). */

export interface Interval {
  rate: number;
  low: number;
  high: number;
  n: number;
}

/** Wilson score interval for k successes in n trials at 95% (z = 1.96). Well-behaved at 0 and n, unlike the Wald interval. */
export function wilson(k: number, n: number, z = 1.959964): Interval {
  if (n === 0) return { rate: Number.NaN, low: Number.NaN, high: Number.NaN, n };
  const p = k / n;
  const z2 = z * z;
  const denominator = 1 + z2 / n;
  const center = (p + z2 / (2 * n)) / denominator;
  const half = (z * Math.sqrt((p * (1 - p)) / n + z2 / (4 * n * n))) / denominator;
  // Exact at the ends: floating point would give 0.9999999999999999 for k = n.
  return { rate: p, low: k === 0 ? 0 : Math.max(0, center - half), high: k === n ? 1 : Math.min(1, center + half), n };
}

export interface Percentiles {
  n: number;
  p50: number;
  p95: number;
  p99: number;
}

/** Nearest-rank percentiles of the values (sorted in place). */
export function percentiles(values: Float64Array): Percentiles {
  values.sort();
  const at = (p: number) => (values.length === 0 ? Number.NaN : values[Math.min(values.length - 1, Math.max(0, Math.ceil(p * values.length) - 1))]!);
  return { n: values.length, p50: at(0.5), p95: at(0.95), p99: at(0.99) };
}

/** Proportions below this are floored, so PSI stays finite when a bin is empty on one side. */
const PSI_FLOOR = 1e-4;

/** Population stability index between two distributions given as counts per bin: Σ (q − p)·ln(q / p). */
export function psi(expected: number[], actual: number[]): number {
  const totalE = expected.reduce((a, b) => a + b, 0);
  const totalA = actual.reduce((a, b) => a + b, 0);
  if (totalE === 0 || totalA === 0) return Number.NaN;
  let sum = 0;
  for (let i = 0; i < expected.length; i++) {
    const p = Math.max(PSI_FLOOR, expected[i]! / totalE);
    const q = Math.max(PSI_FLOOR, (actual[i] ?? 0) / totalA);
    sum += (q - p) * Math.log(q / p);
  }
  return sum;
}

/** Decile edges of the (sorted) values, without duplicates: bins are [edge_i, edge_i+1). */
export function decileEdges(sorted: Float64Array): number[] {
  const edges: number[] = [];
  for (let i = 1; i < 10; i++) {
    const edge = sorted[Math.min(sorted.length - 1, Math.floor((i / 10) * sorted.length))]!;
    if (edges.length === 0 || edge > edges[edges.length - 1]!) edges.push(edge);
  }
  return edges;
}

/** Index of the bin a value falls in, given ascending inner edges (n edges make n + 1 bins). */
export function binOf(value: number, edges: number[]): number {
  let low = 0;
  let high = edges.length;
  while (low < high) {
    const middle = (low + high) >> 1;
    if (value < edges[middle]!) high = middle;
    else low = middle + 1;
  }
  return low;
}

/** How PSI is usually read. */
export function psiLevel(value: number): 'none' | 'moderate' | 'major' {
  return value < 0.1 ? 'none' : value < 0.25 ? 'moderate' : 'major';
}

/** A growable Float64Array: exact percentiles over millions of values at 8 bytes each. */
export class Floats {
  #data = new Float64Array(1024);
  #length = 0;

  push(value: number): void {
    if (this.#length === this.#data.length) {
      const grown = new Float64Array(this.#data.length * 2);
      grown.set(this.#data);
      this.#data = grown;
    }
    this.#data[this.#length++] = value;
  }

  get length(): number {
    return this.#length;
  }

  values(): Float64Array {
    return this.#data.subarray(0, this.#length);
  }
}
