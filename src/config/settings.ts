/**
 * A validated document becomes this experiment's settings: one frozen snapshot per version, so a call
 * reads one consistent set of values. Fields the entry leaves out fall back to the code options.
 */
import type { Settings } from '../client/control';
import type { ResolvedOptions } from '../options';
import { HASH_VERSION, MODES, type Mode } from '../schema/codes';
import { experimentEntry, type RemoteConfigDocument } from '../schema/remote-config';

export function toSettings(document: RemoteConfigDocument, options: ResolvedOptions): Settings {
  const entry = experimentEntry(document, options.experiment);
  // Missing, disabled, an unknown mode or an unknown hash version: off, so new modes fail closed on old clients (contract).
  const on = entry !== undefined && entry.enabled && document.hashVersion === HASH_VERSION && isMode(entry.mode);
  return Object.freeze({
    mode: on ? (entry.mode as Mode) : 'off',
    sampleRate: entry?.sampleRate ?? 0,
    canaryRate: entry?.canaryRate ?? options.canaryRate,
    noiseRate: entry?.noiseRate ?? options.noiseRate,
    salt: entry?.salt ?? options.salt,
    shadowUrl: entry?.shadowUrl ?? options.shadow.url,
    configVersion: document.version,
    maxConcurrentShadows: entry?.maxConcurrentShadows ?? options.maxConcurrentShadows,
    maxShadowsPerMinute: entry?.maxShadowsPerMinute ?? options.maxShadowsPerMinute,
    shadowTimeoutMs: entry?.shadowTimeoutMs ?? options.shadow.timeoutMs,
  });
}

function isMode(mode: string): mode is Mode {
  return (MODES as readonly string[]).includes(mode);
}
