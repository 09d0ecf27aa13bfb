/**
 * The per-call decision: which model serves, whether the call is sampled, and whether a sampled
 * call may reach the shadow under the budgets. Everything here is synchronous and cheap: it runs
 * before the live call starts.
 */
import type { RecordedSkipReason } from '../schema/codes';
import { hashUnit, normalizeKey, type SamplingPurpose } from '../sampling/hash';
import { userAskedToSaveData, type CircuitBreaker, type RateBudget } from './budgets';
import type { Control, Settings } from './control';
import type { StatsRecorder } from './stats';

export type ModelRole = 'baseline' | 'candidate';

export type Plan =
  | { readonly sampled: false; readonly served: ModelRole; readonly settings?: Settings }
  | {
      readonly sampled: true;
      readonly served: ModelRole;
      readonly settings: Settings;
      /** Live vs live: the shadow role re-runs the serving model to measure its nondeterminism. */
      readonly noise: boolean;
      /** Set when the shadow must not run; the call is still recorded with its live half. */
      readonly skip: RecordedSkipReason | undefined;
      readonly key: string | undefined;
    };

export interface DecideDeps {
  experiment: string;
  control: Control;
  stats: StatsRecorder;
  breaker: CircuitBreaker;
  rate: RateBudget;
  random: () => number;
  inFlight: () => number;
  isClosed: () => boolean;
}

const BASELINE_ONLY: Plan = Object.freeze({ sampled: false, served: 'baseline' });

export function createDecider(deps: DecideDeps) {
  const draw = (settings: Settings, purpose: SamplingPurpose, key: string | undefined) =>
    key === undefined ? deps.random() : hashUnit(settings.salt, deps.experiment, purpose, key);

  /** `hasCandidate`: false when predict has no URL for the new model (then it can neither serve nor shadow). */
  return function decide(rawKey: unknown, hasCandidate: (settings: Settings) => boolean): Plan {
    const settings = deps.control.current();
    if (typeof settings === 'string') {
      deps.stats.skip(settings);
      return BASELINE_ONLY;
    }
    if (settings.mode === 'off' || !hasCandidate(settings)) return BASELINE_ONLY;

    const key = normalizeKey(rawKey);
    const served: ModelRole =
      settings.mode === 'promoted' || (settings.mode === 'canary' && draw(settings, 'canary', key) < settings.canaryRate)
        ? 'candidate'
        : 'baseline';
    if (!(draw(settings, 'sample', key) < settings.sampleRate)) return { sampled: false, served, settings };

    const noise = settings.noiseRate > 0 && draw(settings, 'noise', key) < settings.noiseRate;
    return { sampled: true, served, settings, noise, key, skip: gate(settings) };
  };

  function gate(settings: Settings): RecordedSkipReason | undefined {
    if (deps.isClosed()) return 'closed';
    if (userAskedToSaveData()) return 'save_data';
    if (deps.inFlight() >= settings.maxConcurrentShadows) return 'concurrency';
    if (!deps.rate.available(settings.maxShadowsPerMinute)) return 'budget';
    if (!deps.breaker.allow()) return 'circuit_open';
    deps.rate.take(settings.maxShadowsPerMinute);
    return undefined;
  }
}
