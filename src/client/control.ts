/**
 * Which settings apply to the next call. Code options make a static control; remote config
 * (config/) makes a live one with the same interface. Either way a local `setMode` pin wins,
 * and `off` from either side always wins.
 */
import type { Mode } from '../schema/codes';
import type { ResolvedOptions } from '../options';

/** The effective settings of the experiment for one call: an immutable snapshot. */
export interface Settings {
  readonly mode: Mode;
  readonly sampleRate: number;
  readonly canaryRate: number;
  readonly noiseRate: number;
  readonly salt: string;
  readonly shadowUrl: string | undefined;
  readonly configVersion: number | undefined;
  readonly maxConcurrentShadows: number;
  readonly maxShadowsPerMinute: number;
  readonly shadowTimeoutMs: number;
}

/** No settings yet (`config_pending`) or no longer (`config_stale`): the experiment is off. */
export type NoSettings = 'config_pending' | 'config_stale';

export interface Control {
  current(): Settings | NoSettings;
  setMode(mode: Mode | undefined): void;
  /** The mode calls are routed by now (for `stats()`). */
  mode(): Mode;
  close(): void;
}

/** Settings from code only. */
export function createStaticControl(options: ResolvedOptions): Control {
  const base: Settings = Object.freeze({
    mode: 'shadow',
    sampleRate: options.sampleRate ?? 0,
    canaryRate: options.canaryRate,
    noiseRate: options.noiseRate,
    salt: options.salt,
    shadowUrl: options.shadow.url,
    configVersion: undefined,
    maxConcurrentShadows: options.maxConcurrentShadows,
    maxShadowsPerMinute: options.maxShadowsPerMinute,
    shadowTimeoutMs: options.shadow.timeoutMs,
  });
  let pinned: Mode | undefined;
  let settings = base;
  return {
    current: () => settings,
    setMode(mode) {
      pinned = mode;
      settings = mode === undefined ? base : Object.freeze({ ...base, mode });
    },
    mode: () => pinned ?? base.mode,
    close() {},
  };
}

/** Combines a local pin with the document's mode: the pin wins, except that `off` from either side wins. */
export function effectiveMode(pinned: Mode | undefined, remote: Mode): Mode {
  if (pinned === 'off' || remote === 'off') return 'off';
  return pinned ?? remote;
}
