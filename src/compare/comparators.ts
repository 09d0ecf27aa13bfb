/**
 * Built-in comparators (contract): pure functions, no I/O. Shared rule for the typed ones:
 * when only one side is unusable (not a number, no list, no label) that is a disagreement;
 * when neither side is, the comparator is probably pointed at the wrong path, so it throws
 * and the call is recorded as `compare_error` rather than as a fake mismatch.
 */
import { ConfigError } from '../errors';
import { firstDifference } from './deep-equal';
import { hasPath, readPath } from './path';
import type { Comparator, Comparison } from './types';

/** Deep structural equality (the default comparator). */
export function exact(): Comparator {
  return named('exact', (live, shadow) => {
    const path = firstDifference(live, shadow);
    if (path === undefined) return { match: true };
    return { match: false, diff: { path, live: brief(readAt(live, path)), shadow: brief(readAt(shadow, path)) } };
  });
}

export interface NumericOptions {
  /** Absolute tolerance: |live − shadow| ≤ abs matches. @default 0 */
  abs?: number;
  /** Relative tolerance: |live − shadow| ≤ rel × max(|live|, |shadow|) matches. @default 0 */
  rel?: number;
  /** Where the number (or array of numbers) is in each prediction. @default '' (the prediction itself) */
  path?: string;
}

/**
 * Numbers, or arrays (nested too) of numbers, equal within a tolerance: a pair matches when it is within
 * `abs` OR within `rel`. NaN equals NaN (both models broke the same way); arrays of different length never match.
 * `score` is the largest absolute difference.
 * @example numeric({ abs: 0.01 })  // probabilities within one point
 */
export function numeric(options: NumericOptions = {}): Comparator {
  const abs = tolerance('abs', options.abs);
  const rel = tolerance('rel', options.rel);
  const path = options.path ?? '';
  return named('numeric', (live, shadow) => {
    const a = readPath(live, path);
    const b = readPath(shadow, path);
    if (!isNumeric(a) && !isNumeric(b)) {
      throw new TypeError(`numeric(): neither prediction holds a number or an array of numbers at path "${path}"`);
    }
    const walk: NumericWalk = { abs, rel, worst: 0 };
    compareNumbers(a, b, path, walk);
    // JSON has no Infinity: an infinite score is left out rather than sent as null.
    const score = Number.isFinite(walk.worst) ? { score: walk.worst } : {};
    return walk.failure ? { match: false, ...score, diff: walk.failure } : { match: true, ...score };
  });
}

/**
 * Agreement of a class label at a path.
 * @example label('predictions[0].class')
 */
export function label(path: string): Comparator {
  if (typeof path !== 'string') throw new ConfigError('compare', `label(path): path must be a string such as 'label' or 'outputs[0].class', received ${typeof path}.`);
  return named('label', (live, shadow) => {
    if (!hasPath(live, path) && !hasPath(shadow, path)) {
      throw new TypeError(`label(): neither prediction has a value at path "${path}"`);
    }
    const a = readPath(live, path);
    const b = readPath(shadow, path);
    return firstDifference(a, b) === undefined ? { match: true } : { match: false, diff: { live: brief(a), shadow: brief(b) } };
  });
}

export interface TopKOptions {
  /** Read this path inside each list item to identify it (e.g. `label` in `{label, score}` items). */
  by?: string;
  /** Share of the top k that must overlap to count as a match. @default 1 (the same set) */
  minOverlap?: number;
}

/**
 * Overlap of the first k items of two ranked lists; `score` is the overlap share (order within the top k ignored).
 * @example topK(3, 'recommendations', { by: 'id', minOverlap: 2 / 3 })
 */
export function topK(k: number, path = '', options: TopKOptions = {}): Comparator {
  if (!Number.isInteger(k) || k < 1) throw new ConfigError('compare', `topK(k): k must be a positive integer, received ${String(k)}.`);
  const minOverlap = options.minOverlap ?? 1;
  if (!(minOverlap >= 0 && minOverlap <= 1)) {
    throw new ConfigError('compare', `topK(): minOverlap must be in [0, 1], received ${String(minOverlap)}.`);
  }
  const identify = (item: unknown) => JSON.stringify(options.by === undefined ? item : readPath(item, options.by)) ?? 'undefined';
  return named('topK', (live, shadow) => {
    const a = readPath(live, path);
    const b = readPath(shadow, path);
    if (!Array.isArray(a) && !Array.isArray(b)) throw new TypeError(`topK(): neither prediction has a list at path "${path}"`);
    if (!Array.isArray(a) || !Array.isArray(b)) return { match: false, score: 0, diff: { reason: 'not_a_list' } };
    const left = a.slice(0, k).map(identify);
    const right = new Set(b.slice(0, k).map(identify));
    const shared = left.filter((id) => right.has(id)).length;
    const size = Math.max(left.length, right.size);
    const score = size === 0 ? 1 : shared / size;
    if (score >= minOverlap) return { match: true, score };
    const leftSet = new Set(left);
    return {
      match: false,
      score,
      diff: { onlyLive: left.filter((id) => !right.has(id)), onlyShadow: [...right].filter((id) => !leftSet.has(id)) },
    };
  });
}

function named(kind: string, compare: (live: unknown, shadow: unknown) => Comparison): Comparator {
  return Object.defineProperty(compare, 'kind', { value: kind, enumerable: true }) as Comparator;
}

function tolerance(name: string, value: number | undefined): number {
  if (value === undefined) return 0;
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
    throw new ConfigError('compare', `numeric(): ${name} must be a finite number >= 0, received ${String(value)}. Use e.g. numeric({ ${name}: 0.01 }).`);
  }
  return value;
}

function isNumeric(value: unknown): boolean {
  return typeof value === 'number' || (Array.isArray(value) && value.every(isNumeric));
}

interface NumericWalk {
  readonly abs: number;
  readonly rel: number;
  /** Largest absolute difference seen (the score). */
  worst: number;
  /** The first pair out of tolerance, or the first structural problem. */
  failure?: { path: string; reason: 'tolerance' | 'nan' | 'length' | 'not_numeric'; live?: unknown; shadow?: unknown };
}

function compareNumbers(a: unknown, b: unknown, at: string, walk: NumericWalk): void {
  if (typeof a === 'number' && typeof b === 'number') {
    if (Number.isNaN(a) || Number.isNaN(b)) {
      if (!(Number.isNaN(a) && Number.isNaN(b))) walk.failure ??= { path: at || '$', reason: 'nan', live: a, shadow: b };
      return;
    }
    if (a === b) return; // includes equal infinities, whose difference would be NaN
    const delta = Math.abs(a - b);
    walk.worst = Math.max(walk.worst, delta);
    // An infinite difference is never within a relative tolerance (rel × Infinity would say it is).
    const within = Number.isFinite(delta) && (delta <= walk.abs || delta <= walk.rel * Math.max(Math.abs(a), Math.abs(b)));
    if (!within) walk.failure ??= { path: at || '$', reason: 'tolerance', live: a, shadow: b };
    return;
  }
  if (Array.isArray(a) && Array.isArray(b)) {
    if (a.length !== b.length) {
      walk.failure ??= { path: at || '$', reason: 'length', live: a.length, shadow: b.length };
      return;
    }
    for (let i = 0; i < a.length; i++) compareNumbers(a[i], b[i], `${at}[${i}]`, walk);
    return;
  }
  walk.failure ??= { path: at || '$', reason: 'not_numeric', live: brief(a), shadow: brief(b) };
}

function readAt(value: unknown, path: string): unknown {
  if (path === '$') return value;
  if (path.endsWith('.length')) return (readPath(value, path.slice(0, -'.length'.length)) as unknown[] | undefined)?.length;
  return readPath(value, path.replace(/\["((?:[^"\\]|\\.)*)"\]/g, (_, key: string) => `.${JSON.parse(`"${key}"`) as string}`));
}

/** Keeps diffs small: values whose JSON is over 200 characters are cut (records travel in 64 KiB batches). */
function brief(value: unknown): unknown {
  const json = JSON.stringify(value);
  if (json === undefined || json.length <= 200) return value;
  return `${json.slice(0, 197)}...`;
}
