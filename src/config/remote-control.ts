/**
 * The control of a client with `remoteConfig`, as it exists before the remote-config machinery has
 * loaded: eager, tiny and zod-free. Everything that fetches, validates, persists and holds documents
 * (./remote-config.ts, ./live-control.ts, zod/mini) is loaded with one dynamic import() here, so apps
 * without `remoteConfig` never download it and bundlers split it into a chunk of its own. Until it has
 * confirmed a document every call is `config_pending` (not sampled), so loading it lazily costs calls
 * nothing. Once loaded, this forwards to the control it returns.
 */
import { createPinnedView, type Control, type PinnedView } from '../client/control';
import { RemoteConfigError } from '../errors';
import type { ResolvedOptions } from '../options';
import { safeUnref } from '../utils/safe-unref';

/** The lazy chunk's entry: starts polling and returns the control that takes over. */
export type StartRemoteConfig = (deps: { options: ResolvedOptions; view: PinnedView }) => Control;

export function createRemoteControl(options: ResolvedOptions, load: () => Promise<StartRemoteConfig> = loadMachinery): Control {
  const view = createPinnedView(options.onError);
  const pending = () => view.state({ status: 'pending', document: undefined, confirmedAt: undefined, source: undefined, killed: false });
  let inner: Control | undefined;
  let closed = false;
  let retryTimer: ReturnType<typeof setTimeout> | undefined;

  const loading = (function start(): Promise<Control | undefined> {
    return load().then(
      (startRemoteConfig) => (closed ? undefined : (inner = startRemoteConfig({ options, view }))),
      (error: unknown) => {
        // A lazy chunk can fail to load (offline at page load): the experiment stays off and we try again later.
        options.onError(new RemoteConfigError('load_error', `Loading shadowcast's remote-config module failed; "${options.experiment}" stays off until it loads (retrying every ${options.remoteConfig!.pollIntervalMs} ms).`, { cause: error }));
        return new Promise<Control | undefined>((resolve) => {
          retryTimer = safeUnref(setTimeout(() => resolve(closed ? undefined : start()), options.remoteConfig!.pollIntervalMs));
        });
      },
    );
  })();
  view.emit(pending()); // the baseline: listeners hear changes from here on

  return {
    current: () => (inner ? inner.current() : 'config_pending'),
    setMode(mode) {
      if (inner) return inner.setMode(mode);
      view.setPin(mode);
      view.emit(pending());
    },
    mode: () => (inner ? inner.mode() : 'off'),
    state: () => (inner ? inner.state() : pending()),
    subscribe: view.subscribe,
    async refresh() {
      const control = inner ?? (await loading);
      return control ? control.refresh().catch(() => control.state()) : pending();
    },
    close() {
      closed = true;
      clearTimeout(retryTimer);
      view.clear();
      return inner?.close() ?? Promise.resolve();
    },
  };
}

/** The one dynamic import: bundlers make ./remote-config (and zod/mini) a chunk of its own. */
function loadMachinery(): Promise<StartRemoteConfig> {
  return import('./remote-config').then((module) => module.startRemoteConfig);
}
