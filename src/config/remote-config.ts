/**
 * The remote-config machinery, loaded lazily by remote-control.ts (the entry of its own chunk): start
 * from the last known good config, poll with If-None-Match, validate, apply, persist, back off. Never
 * throws into anything: every failure goes to `sink.report` and the settings in force stay (contract).
 */
import { RemoteConfigError, type ShadowcastError } from '../errors';
import type { RemoteConfigDocument } from '../schema/remote-config';
import { murmur3Utf8 } from '../sampling/murmur3';
import { safeUnref } from '../utils/safe-unref';
import { fetchConfig, type FetchOutcome } from './fetch-config';
import type { Control } from '../client/control';
import { CONFIG_FETCH_TIMEOUT_MS, MAX_DOCUMENT_BYTES } from './limits';
import { createLastKnownGoodWriter, loadLastKnownGood, type LastKnownGood } from './lkg';
import { createLiveControl } from './live-control';
import { delayAfterFailure } from './poll-delay';
import type { StartRemoteConfig } from './remote-control';
import { toSettings } from './settings';
import { judgeText, type JudgeContext } from './validate';
import { watchWakeUps } from './wake-ups';

interface Active {
  document: RemoteConfigDocument;
  etag: string | undefined;
  settings: ReturnType<typeof toSettings>;
}

export const startRemoteConfig: StartRemoteConfig = ({ options, view }) => {
  const { control, sink } = createLiveControl(options, view);
  const remote = options.remoteConfig!;
  const codeOrigin = options.shadow.url === undefined ? [] : [new URL(options.shadow.url).origin];
  const context: JudgeContext = { experiment: options.experiment, allowedOrigins: new Set([...remote.allowOrigins, ...codeOrigin]), source: remote.url };

  let active: Active | undefined; // the newest valid document known (its version is the floor)
  let confirmedAt: number | undefined;
  let killed = false;
  let failures = 0;
  let notBefore = 0; // a server's Retry-After
  let timer: ReturnType<typeof setTimeout> | undefined;
  let inFlight: { controller: AbortController; done: Promise<void> } | undefined;
  let lastRejection: string | undefined; // identical rejected documents are reported once
  let reuseReported: string | undefined;
  let closed = false;
  let pollsStarted = 0;

  const interval = () => active?.document.pollIntervalMs ?? remote.pollIntervalMs;
  const report = (error: ShadowcastError) => sink.report(error);

  const persistence = createLastKnownGoodWriter(options.storage, options.experiment, remote.url, report);
  const persist = () => {
    if (active && confirmedAt !== undefined) persistence.save({ document: active.document, etag: active.etag, confirmedAt, killed });
  };

  function confirm(source: 'network' | 'storage', at: number, stillKilled = false) {
    confirmedAt = at;
    killed = stillKilled;
    lastRejection = undefined;
    sink.confirm({ document: active!.document, settings: active!.settings, confirmedAt: at, source, killed });
  }

  function kill() {
    killed = true;
    sink.kill();
  }

  function schedule(delay: number) {
    clearTimeout(timer);
    if (!closed) timer = safeUnref(setTimeout(() => void poll(), delay));
  }

  function poll(): Promise<void> {
    if (closed) return Promise.resolve();
    clearTimeout(timer);
    inFlight?.controller.abort(new DOMException('A newer config poll started', 'AbortError'));
    pollsStarted++;
    const controller = new AbortController();
    const done = fetchConfig({ url: remote.url, etag: active?.etag, fetch: options.fetch, signal: controller.signal, timeoutMs: CONFIG_FETCH_TIMEOUT_MS, maxBytes: MAX_DOCUMENT_BYTES, now: options.now })
      .then((outcome) => {
        if (!controller.signal.aborted && !closed) schedule(handle(outcome));
      })
      .catch((error: unknown) => {
        report(new RemoteConfigError('http_error', 'A config poll failed unexpectedly; polling continues.', { cause: error }));
        schedule(interval());
      })
      .finally(() => {
        if (inFlight?.controller === controller) inFlight = undefined;
      });
    inFlight = { controller, done };
    return done;
  }

  /** Applies one poll's outcome; returns the delay before the next poll. */
  function handle(outcome: FetchOutcome): number {
    if (outcome.kind === 'aborted') return interval();
    if (outcome.kind === 'not_modified') {
      failures = 0;
      confirm('network', options.now());
      persist();
      return interval();
    }
    if (outcome.kind === 'failed') return failed(outcome);

    failures = 0;
    const verdict = judgeText(outcome.text, context);
    if (!verdict.ok) {
      const fingerprint = `${outcome.text.length}:${murmur3Utf8(outcome.text)}`;
      if (fingerprint !== lastRejection) report(verdict.error);
      lastRejection = fingerprint;
      // The ETag of a rejected document is never kept (contract): the next poll fetches it in full again.
      if (verdict.kill && !killed) {
        kill();
        persist();
      }
      return interval();
    }

    const { document } = verdict;
    const floor = active?.document.version ?? -1;
    if (document.version < floor) {
      const fingerprint = `older:${document.version}`;
      if (fingerprint !== lastRejection) {
        report(new RemoteConfigError('version_older', `Remote config from ${remote.url} has version ${document.version}, older than version ${floor} already seen; it is ignored (a stale cache?). Versions must only increase: to roll back, publish the old content as version ${floor + 1}.`));
      }
      lastRejection = fingerprint;
      return interval();
    }
    if (document.version === floor) {
      // Same version = unchanged (contract); different content under it is a publisher mistake worth one report.
      if (JSON.stringify(document) !== JSON.stringify(active!.document) && reuseReported !== `${floor}:${outcome.etag}`) {
        reuseReported = `${floor}:${outcome.etag}`;
        report(new RemoteConfigError('version_reused', `Remote config from ${remote.url} changed its content but kept version ${floor}; the content of version ${floor} already in force stays. Publish changes as version ${floor + 1}.`));
      }
      active = { ...active!, etag: outcome.etag };
    } else {
      active = { document, etag: outcome.etag, settings: toSettings(document, options) };
    }
    confirm('network', options.now());
    persist();
    return interval();
  }

  function failed(outcome: Extract<FetchOutcome, { kind: 'failed' }>): number {
    report(new RemoteConfigError(outcome.reason, `Polling remote config from ${remote.url} failed: ${outcome.message}. The settings in force stay.`, { cause: outcome.cause, ...(outcome.status === undefined ? {} : { status: outcome.status }) }));
    if (outcome.reason === 'too_large') return interval(); // a document problem: the server itself is fine
    const { delayMs, backedOff } = delayAfterFailure({ failures: failures + 1, status: outcome.status, retryAfterMs: outcome.retryAfterMs }, interval(), options.random);
    if (backedOff) failures++;
    if (outcome.retryAfterMs !== undefined) notBefore = options.now() + delayMs;
    return delayMs;
  }

  /** Browsers throttle timers in hidden tabs; poll when the page comes back if the last confirmation is old. */
  const due = () => options.now() >= notBefore && (confirmedAt === undefined || options.now() - confirmedAt >= interval());
  const unwatch = watchWakeUps({
    visible: () => {
      if (!inFlight && due()) void poll();
    },
    online: () => {
      if (due()) void poll(); // a request started while offline may hang: start over
    },
  });

  const starting = (async () => {
    const loaded = await loadLastKnownGood(options.storage, options.experiment, remote.url, { ...context, source: 'the stored copy' });
    if (closed) return;
    if (loaded.error) report(loaded.error);
    const found: LastKnownGood | undefined = loaded.found;
    if (found) {
      active = { document: found.document, etag: found.etag, settings: toSettings(found.document, options) };
      const age = options.now() - found.confirmedAt;
      // Fresh: confirmed within maxConfigAgeMs. An older copy is not used, but its ETag and version still count.
      if (age >= 0 && age <= remote.maxConfigAgeMs) {
        confirm('storage', found.confirmedAt, found.killed);
      }
    }
    void poll();
  })()
    .catch((error: unknown) => {
      report(new RemoteConfigError('store_error', 'Starting remote config failed unexpectedly; polling anyway.', { cause: error }));
      void poll();
    });

  /** Polls now (aborting a poll in flight) unless a Retry-After pause holds; resolves when done. */
  async function refresh(): Promise<void> {
    const before = pollsStarted;
    await starting;
    if (closed || options.now() < notBefore) return;
    // A poll that started after this call (the first one, at start) is the fresh poll asked for.
    if (pollsStarted > before && inFlight) return inFlight.done;
    return poll();
  }

  const full: Control = {
    ...control,
    async refresh() {
      await refresh();
      return control.state();
    },
    close() {
      closed = true;
      clearTimeout(timer);
      inFlight?.controller.abort(new DOMException('The shadowcast client closed', 'AbortError'));
      unwatch();
      control.close();
      return persistence.idle();
    },
  };
  return full;
};
