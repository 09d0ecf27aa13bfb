/**
 * The remote-config document (contract, DESIGN.md "Remote config"), defined once with zod/mini.
 * Only the lazily loaded remote-config module and publisher tools import this file, so apps without
 * `remoteConfig` never download zod. URLs and dates are checked with plain string code: zod's `url()`
 * and `iso.datetime()` cost ~3 KB of browser bundle (bench issue).
 */
import * as z from 'zod/mini';
import { issueMessage as sharedIssueMessage, type IssueLike } from './issues';
import { MAX_POLL_INTERVAL_MS, MIN_POLL_INTERVAL_MS, REMOTE_BUDGET_LIMITS } from '../config/limits';
import { NAME_PATTERN } from './codes';

/** Start of an ISO-8601 date-time (`2026-11-22T10:00:00Z`); `Date.parse` checks the rest. */
export const ISO_DATE_TIME_PATTERN = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/;

/** An absolute http(s) URL without `user:password@` (fetch refuses those, and they hide the real host). */
export function isHttpUrl(value: string): boolean {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return false;
  }
  return (url.protocol === 'https:' || url.protocol === 'http:') && url.username === '' && url.password === '';
}

const rate = z.number().check(z.gte(0), z.lte(1));
const wholeIn = ([min, max]: readonly [number, number]) => z.number().check(z.int(), z.gte(min), z.lte(max));

/** One experiment's entry. Unknown keys are stripped, so newer publishers never break older clients. */
export const RemoteExperimentSchema = z.object({
  /** `false` turns the experiment off (the kill switch). */
  enabled: z.boolean(),
  /** `shadow`, `promoted`, `canary` or `off`; any other string turns the experiment off on this SDK version. */
  mode: z.string().check(z.minLength(1), z.maxLength(32)),
  sampleRate: rate,
  canaryRate: z.optional(rate),
  noiseRate: z.optional(rate),
  salt: z.optional(z.string().check(z.regex(NAME_PATTERN))),
  shadowUrl: z.optional(
    z.string().check(
      z.maxLength(2048),
      z.refine(isHttpUrl, { message: 'must be an absolute http(s) URL without user:password@' }),
    ),
  ),
  maxConcurrentShadows: z.optional(wholeIn(REMOTE_BUDGET_LIMITS.maxConcurrentShadows)),
  maxShadowsPerMinute: z.optional(wholeIn(REMOTE_BUDGET_LIMITS.maxShadowsPerMinute)),
  shadowTimeoutMs: z.optional(wholeIn(REMOTE_BUDGET_LIMITS.shadowTimeoutMs)),
});

/** The whole document. A structural error anywhere rejects all of it (contract). */
export const RemoteConfigSchema = z.object({
  /** Never goes backwards: an older version is ignored, the same version counts as unchanged. */
  version: z.number().check(z.int(), z.gte(0), z.lte(Number.MAX_SAFE_INTEGER)),
  issuedAt: z.string().check(
    z.refine((value) => value.length <= 64 && ISO_DATE_TIME_PATTERN.test(value) && !Number.isNaN(Date.parse(value)), {
      message: 'must be an ISO-8601 date-time such as 2026-11-22T10:00:00Z',
    }),
  ),
  /** Sampling hash version; a version this SDK does not know turns every experiment off. */
  hashVersion: z.number().check(z.int(), z.gte(1)),
  /** Overrides the client's poll interval while this document is in force (e.g. faster during an incident). */
  pollIntervalMs: z.optional(wholeIn([MIN_POLL_INTERVAL_MS, MAX_POLL_INTERVAL_MS])),
  experiments: z.record(z.string().check(z.regex(NAME_PATTERN)), RemoteExperimentSchema),
});

/** A validated remote-config document (unknown keys stripped). */
export type RemoteConfigDocument = z.infer<typeof RemoteConfigSchema>;
/** One experiment's entry of a validated document. */
export type RemoteExperimentConfig = z.infer<typeof RemoteExperimentSchema>;

/**
 * Validates a parsed JSON value as a document. Messages come from a small error map of our own:
 * zod/mini ships no locale (its default message is "Invalid input"), and loading one would change
 * zod's global config, which belongs to the app.
 */
export function parseRemoteConfig(raw: unknown) {
  return RemoteConfigSchema.safeParse(raw, { error: issueMessage });
}

/** The shared map, plus the one message only documents need. */
function issueMessage(issue: IssueLike): string | undefined {
  return issue.code === 'invalid_key' ? 'experiment names must match ^[A-Za-z0-9._-]{1,64}$' : sharedIssueMessage(issue);
}

/** Reads one experiment's entry; own keys only, so `constructor` or `__proto__` never resolve to Object.prototype. */
export function experimentEntry(document: RemoteConfigDocument, experiment: string): RemoteExperimentConfig | undefined {
  return Object.hasOwn(document.experiments, experiment) ? document.experiments[experiment] : undefined;
}
