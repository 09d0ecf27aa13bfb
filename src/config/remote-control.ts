/**
 * The control of a client with `remoteConfig`: eager and zod-free. It holds the settings in force and
 * answers every call synchronously; the machinery that fetches, validates and persists documents
 * (./remote-config.ts, with zod) is loaded with a dynamic import() only here, so apps without
 * `remoteConfig` never download it, and bundlers split it into a chunk of its own. Calls made before
 * it confirms a document are not sampled (`config_pending`), so loading it lazily costs calls nothing.
 */
import type { Control, ControlFacts, NoSettings, Settings } from '../client/control';
import { createPinnedView } from '../client/control';
import type { ConfigState } from '../client/types';
import { RemoteConfigError, type ShadowcastError } from '../errors';
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

/** How the remote-config machinery feeds the control. */
export interface RemoteSink {
  /** A valid document (or a 304 for its ETag) arrived: it is in force, and any kill is lifted unless it says otherwise. */
  confirm(confirmation: Confirmation): void;
  /** An invalid document asked for this experiment to be off: off it is, until the next confirmation. */
  kill(): void;
  report(error: ShadowcastError): void;
  isClosed(): boolean;
}

/** What the machinery gives back once it runs. */
export interface RemoteConfigHandle {
  /** Polls now, aborting a poll in flight; resolves when done, never rejects. */
  refresh(): Promise<void>;
  /** Stops polling at once; resolves when the last known good config write in progress (if any) is done. */
  close(): Promise<void>;
}

export type StartRemoteConfig = (deps: { options: ResolvedOptions; sink: RemoteSink }) => RemoteConfigHandle;

export function createRemoteControl(options: ResolvedOptions, load: () => Promise<StartRemoteConfig> = loadMachinery): Control {
  const remote = options.remoteConfig!;
  const view = createPinnedView(options.onError);
  let document: RemoteConfigDocument | undefined;
  let confirmedAt: number | undefined;
  let source: 'network' | 'storage' | undefined;
  let killed = false;
  let closed = false;
  let staleTimer: ReturnType<typeof setTimeout> | undefined;
  let retryTimer: ReturnType<typeof setTimeout> | undefined;
  let handle: RemoteConfigHandle | undefined;

  const status = (): ConfigStatus => {
    if (confirmedAt === undefined) return 'pending';
    return options.now() - confirmedAt > remote.maxConfigAgeMs ? 'stale' : 'confirmed';
  };
  const facts = (): ControlFacts => ({ status: status(), document, confirmedAt, source, killed });
  const state = (): ConfigState => view.state(facts());
  const emit = () => view.emit(state());

  const sink: RemoteSink = {
    confirm(confirmation) {
      if (closed) return;
      document = confirmation.document;
      confirmedAt = confirmation.confirmedAt;
      source = confirmation.source;
      killed = confirmation.killed;
      view.setBase(killed ? Object.freeze({ ...confirmation.settings, mode: 'off' }) : confirmation.settings);
      armStaleTimer();
      emit();
    },
    kill() {
      if (closed || killed) return;
      killed = true;
      // The next confirmation brings its own settings, so the kill needs no remembered copy to lift.
      const base = view.base();
      if (base) view.setBase(Object.freeze({ ...base, mode: 'off' }));
      emit();
    },
    report: options.onError,
    isClosed: () => closed,
  };

  /** The status turns stale on its own as time passes; listeners hear it when it does. */
  function armStaleTimer() {
    clearTimeout(staleTimer);
    if (confirmedAt === undefined) return;
    const due = Math.max(0, confirmedAt + remote.maxConfigAgeMs - options.now() + 1);
    staleTimer = safeUnref(setTimeout(emit, due));
  }

  const loading = (function start(): Promise<RemoteConfigHandle | undefined> {
    return load().then(
      (startRemoteConfig) => {
        if (closed) return undefined;
        handle = startRemoteConfig({ options, sink });
        return handle;
      },
      (error: unknown) => {
        // A lazy chunk can fail to load (offline at page load); the experiment stays pending (off) and we try again later.
        options.onError(new RemoteConfigError('load_error', `Loading shadowcast's remote-config module failed; "${options.experiment}" stays off until it loads (retrying every ${remote.pollIntervalMs} ms).`, { cause: error }));
        return new Promise<RemoteConfigHandle | undefined>((resolve) => {
          retryTimer = safeUnref(setTimeout(() => resolve(closed ? undefined : start()), remote.pollIntervalMs));
        });
      },
    );
  })();

  emit(); // the baseline: listeners hear changes from here on

  const current = (): Settings | NoSettings => {
    if (confirmedAt === undefined) return 'config_pending';
    if (options.now() - confirmedAt > remote.maxConfigAgeMs) return 'config_stale';
    return view.effective()!;
  };

  return {
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
    async refresh() {
      try {
        const running = handle ?? (await loading);
        await running?.refresh();
      } catch (error) {
        options.onError(new RemoteConfigError('load_error', 'refreshConfig() failed unexpectedly.', { cause: error }));
      }
      return state();
    },
    close() {
      if (closed) return Promise.resolve();
      closed = true;
      clearTimeout(staleTimer);
      clearTimeout(retryTimer);
      view.clear();
      return handle?.close() ?? Promise.resolve();
    },
  };
}

/** The one dynamic import: bundlers make ./remote-config (and zod/mini) a chunk of its own. */
function loadMachinery(): Promise<StartRemoteConfig> {
  return import('./remote-config').then((module) => module.startRemoteConfig);
}
