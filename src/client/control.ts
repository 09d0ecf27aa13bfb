/**
 * Which settings apply to the next call. Code options make a static control; remote config
 * (config/remote-control.ts) makes a live one with the same interface. Either way a local `setMode`
 * pin wins, and `off` from either side always wins. Zod-free: this is on every client's eager path.
 */
import { RemoteConfigError, type ShadowcastError } from '../errors';
import type { ResolvedOptions } from '../options';
import type { ConfigStatus, Mode } from '../schema/codes';
import type { RemoteConfigDocument } from '../schema/remote-config';
import type { ConfigState, ExperimentSettings } from './types';

/** The effective settings of the experiment for one call: an immutable snapshot. */
export type Settings = ExperimentSettings;

/** No settings yet (`config_pending`) or no longer (`config_stale`): the experiment is off. */
export type NoSettings = 'config_pending' | 'config_stale';

export interface Control {
  /** Read once per call, synchronously; cheap (one clock read at most). */
  current(): Settings | NoSettings;
  setMode(mode: Mode | undefined): void;
  /** The mode calls are routed by now (for `stats()`); `off` while no config is in force. */
  mode(): Mode;
  state(): ConfigState;
  subscribe(listener: (state: ConfigState) => void): () => void;
  /** Polls the remote config now; resolves with the state afterwards and never rejects. */
  refresh(): Promise<ConfigState>;
  /** Stops at once; resolves when state being persisted (the last known good config) is written. */
  close(): Promise<void>;
}

/** Combines a local pin with the document's mode: the pin wins, except that `off` from either side wins. */
export function effectiveMode(pinned: Mode | undefined, remote: Mode): Mode {
  if (pinned === 'off' || remote === 'off') return 'off';
  return pinned ?? remote;
}

/** Settings from code only (also the fallbacks for fields a remote document leaves out). */
export function codeSettings(options: ResolvedOptions): Settings {
  return Object.freeze({
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
}

/** What a control knows beyond its settings, for `config()`. */
export interface ControlFacts {
  status: ConfigStatus;
  document: RemoteConfigDocument | undefined;
  confirmedAt: number | undefined;
  source: 'network' | 'storage' | undefined;
  killed: boolean;
}

/**
 * The part both controls share: the pin, the pinned settings (one frozen object per change, none per
 * call), and change listeners that hear each distinct state once.
 */
export type PinnedView = ReturnType<typeof createPinnedView>;

export function createPinnedView(report: (error: ShadowcastError) => void) {
  let pinned: Mode | undefined;
  let base: Settings | undefined;
  let effective: Settings | undefined;
  const listeners = new Set<(state: ConfigState) => void>();
  let last: ConfigState | undefined;

  const recompute = () => {
    if (!base) effective = undefined;
    else {
      const mode = effectiveMode(pinned, base.mode);
      effective = mode === base.mode ? base : Object.freeze({ ...base, mode });
    }
  };

  return {
    setBase(settings: Settings | undefined) {
      base = settings;
      recompute();
    },
    setPin(mode: Mode | undefined) {
      pinned = mode;
      recompute();
    },
    effective: () => effective,
    base: () => base,
    state(facts: ControlFacts): ConfigState {
      const live = facts.status === 'local' || facts.status === 'confirmed' ? effective : undefined;
      return Object.freeze({
        ...facts,
        version: facts.document?.version,
        settings: live,
        mode: live?.mode ?? 'off',
        pinned,
      });
    },
    subscribe(listener: (state: ConfigState) => void): () => void {
      listeners.add(listener);
      return () => void listeners.delete(listener);
    },
    /** Tells listeners when what governs calls changed (not on mere re-confirmations). */
    emit(state: ConfigState): void {
      if (last && sameState(last, state)) return;
      last = state;
      for (const listener of [...listeners]) {
        try {
          listener(state);
        } catch (error) {
          report(new RemoteConfigError('listener_error', 'An onConfigChange listener threw; the config change was applied regardless.', { cause: error }));
        }
      }
    },
    clear: () => listeners.clear(),
  };
}

function sameState(a: ConfigState, b: ConfigState): boolean {
  return a.status === b.status && a.version === b.version && a.killed === b.killed && a.settings === b.settings && a.pinned === b.pinned;
}

/** Settings from code only: the status is `local` and only `setMode` changes anything. */
export function createStaticControl(options: ResolvedOptions): Control {
  const view = createPinnedView(options.onError);
  view.setBase(codeSettings(options));
  const facts: ControlFacts = { status: 'local', document: undefined, confirmedAt: undefined, source: undefined, killed: false };
  const state = () => view.state(facts);
  view.emit(state()); // the baseline: listeners hear changes from here on
  return {
    current: () => view.effective()!,
    setMode(mode) {
      view.setPin(mode);
      view.emit(state());
    },
    mode: () => view.effective()!.mode,
    state,
    subscribe: view.subscribe,
    refresh: async () => state(),
    async close() {
      view.clear();
    },
  };
}
