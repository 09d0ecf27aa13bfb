/** What a comparator decides for one pair of predictions (contract). */
export interface Comparison {
  match: boolean;
  /** A similarity in [0, 1] or a distance, per comparator; reported, never required. */
  score?: number;
  /** Where the two differ, small and JSON-serializable; recorded as is. */
  diff?: unknown;
}

/**
 * Any function `(live, shadow) => Comparison` is a comparator (contract). Built-ins carry a `kind`
 * that records name; a plain function is recorded as `custom`. A comparator that throws gives the
 * outcome `compare_error`, never an exception at the caller.
 */
export interface Comparator<T = unknown> {
  (live: T, shadow: T): Comparison;
  readonly kind?: string;
}
