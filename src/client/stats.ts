import type { DropReason, Outcome, SkipReason } from '../schema/codes';

type Counts<K extends string> = Partial<Record<K, number>>;

/** The counters behind `stats()`, plus the drops not yet reported to the collector. */
export interface Counters {
  predictions: number;
  sampled: number;
  shadowed: number;
  shadowErrors: number;
  shadowTimeouts: number;
  agreed: number;
  disagreed: number;
  recorded: number;
  uploaded: number;
  skipped: Counts<SkipReason>;
  outcomes: Counts<Outcome>;
  dropped: Counts<DropReason>;
}

export interface StatsRecorder {
  readonly counters: Counters;
  skip(reason: SkipReason): void;
  outcome(outcome: Outcome): void;
  /** Counts records given up on; they also wait to travel in the next sealed batch's `dropped`. */
  drop(reason: DropReason, count?: number): void;
  /** Hands the unreported drops to a batch being sealed (contract: attached at seal time). */
  takeUnreportedDrops(): Counts<DropReason>;
  /** Puts drops back when the batch carrying them could not be kept. */
  returnUnreportedDrops(drops: Counts<DropReason>): void;
  /** Whether some drops still wait for a batch to carry them. */
  hasUnreportedDrops(): boolean;
}

export function createStats(): StatsRecorder {
  const counters: Counters = {
    predictions: 0,
    sampled: 0,
    shadowed: 0,
    shadowErrors: 0,
    shadowTimeouts: 0,
    agreed: 0,
    disagreed: 0,
    recorded: 0,
    uploaded: 0,
    skipped: {},
    outcomes: {},
    dropped: {},
  };
  let unreported: Counts<DropReason> = {};
  const bump = <K extends string>(counts: Counts<K>, key: K, by = 1) => {
    counts[key] = (counts[key] ?? 0) + by;
  };
  return {
    counters,
    skip: (reason) => bump(counters.skipped, reason),
    outcome: (outcome) => bump(counters.outcomes, outcome),
    drop(reason, count = 1) {
      if (count <= 0) return;
      bump(counters.dropped, reason, count);
      bump(unreported, reason, count);
    },
    takeUnreportedDrops() {
      const taken = unreported;
      unreported = {};
      return taken;
    },
    hasUnreportedDrops: () => Object.keys(unreported).length > 0,
    returnUnreportedDrops(drops) {
      for (const [reason, count] of Object.entries(drops) as [DropReason, number][]) bump(unreported, reason, count);
    },
  };
}
