/**
 * The control of a client with `remoteConfig` once the remote-config machinery has loaded (lazy
 * chunk): it holds the settings in force and answers every call synchronously, while the poller
 * (remote-config.ts) feeds it through a `RemoteSink`. It takes over the eager forwarder's pinned view,
 * so a `setMode` pin and `onConfigChange` listeners from before the load carry over.
 */
import type { Control, ControlFacts, NoSettings, PinnedView, Settings } from '../client/control';
import type { ConfigState } from '../client/types';
import type { ShadowcastError } from '../errors';
import type { ResolvedOptions } from '../options';
import type { ConfigStatus } from '../schema/codes';
import type { RemoteConfigDocument } from '../schema/remote-config';
import { safeUnref } from '../utils/safe-unref';

/** A confirmed document, ready to apply. */
export interface Confirmation {
  document: RemoteConfigDocument;
  /** `toSettings(document)`: the same frozen object for as long as the version does not change. */
  settings: Settings;
  confirmedAt: number;
  source: 'network' | 'storage';
  /** True only for a stored copy saved under a kill (kill fast path), which still holds. */
  killed: boolean;
}

/** How the poller feeds the control. */
export interface RemoteSink {
  /** A valid document (or a 304 for its ETag) arrived: it is in force, and any kill is lifted unless it says otherwise. */
  confirm(confirmation: Confirmation): void;
  /** An invalid document asked for this experiment to be off: off it is, until the next confirmation. */
  kill(): void;
  report(error: ShadowcastError): void;
}

/** The control part, without refresh/close (the poller owns those). */
export type LiveControl = Omit<Control, 'refresh' | 'close'> & { close(): void };

/** setTimeout fires at once for longer delays (a 32-bit signed int in browsers and Node). */
const MAX_TIMER_MS = 2_147_483_647;

export function createLiveControl(options: ResolvedOptions, view: PinnedView): { control: LiveControl; sink: RemoteSink } {
  const remote = options.remoteConfig!;
  let document: RemoteConfigDocument | undefined;
  let confirmedAt: number | undefined;
  let source: 'network' | 'storage' | undefined;
  let killed = false;
  let closed = false;
  let staleTimer: ReturnType<typeof setTimeout> | undefined;

  const status = (): ConfigStatus => {
    if (confirmedAt === undefined) return 'pending';
    return options.now() - confirmedAt > remote.maxConfigAgeMs ? 'stale' : 'confirmed';
  };
  const facts = (): ControlFacts => ({ status: status(), document, confirmedAt, source, killed });
  const state = (): ConfigState => view.state(facts());
  const emit = () => view.emit(state());
  const off = (settings: Settings): Settings => Object.freeze({ ...settings, mode: 'off' });

  /** The status turns stale on its own as time passes; listeners hear it when it does. */
  function armStaleTimer() {
    clearTimeout(staleTimer);
    const due = Math.max(0, confirmedAt! + remote.maxConfigAgeMs - options.now() + 1);
    staleTimer = safeUnref(setTimeout(emit, Math.min(due, MAX_TIMER_MS)));
  }

  const sink: RemoteSink = {
    confirm(confirmation) {
      if (closed) return;
      ({ document, confirmedAt, source, killed } = confirmation);
      view.setBase(killed ? off(confirmation.settings) : confirmation.settings);
      armStaleTimer();
      emit();
    },
    kill() {
      if (closed || killed) return;
      killed = true;
      // The next confirmation brings its own settings, so lifting the kill needs no remembered copy.
      const base = view.base();
      if (base) view.setBase(off(base));
      emit();
    },
    report: options.onError,
  };

  const current = (): Settings | NoSettings => {
    if (confirmedAt === undefined) return 'config_pending';
    if (options.now() - confirmedAt > remote.maxConfigAgeMs) return 'config_stale';
    return view.effective()!;
  };

  const control: LiveControl = {
    current,
    setMode(mode) {
      view.setPin(mode);
      emit();
    },
    mode() {
      const settings = current();
      return typeof settings === 'string' ? 'off' : settings.mode;
    },
    state,
    subscribe: view.subscribe,
    close() {
      closed = true;
      clearTimeout(staleTimer);
    },
  };
  return { control, sink };
}
