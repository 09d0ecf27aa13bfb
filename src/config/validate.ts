/**
 * The trust boundary: a fetched (or stored) body becomes a validated document, or a rejection that
 * carries only what is always safe to apply — this experiment's kill (DESIGN.md "Kill fast path").
 */
import { SchemaError, type ShadowcastError, RemoteConfigError } from '../errors';
import { issueLines } from '../schema/issues';
import { experimentEntry, parseRemoteConfig, type RemoteConfigDocument } from '../schema/remote-config';

export type Verdict =
  | { ok: true; document: RemoteConfigDocument }
  /** `kill`: the body is JSON whose entry for this experiment is a well-formed `enabled: false` or `mode: "off"`. */
  | { ok: false; error: ShadowcastError; kill: boolean };

export interface JudgeContext {
  experiment: string;
  /** Origins this experiment's `shadowUrl` may point to: `allowOrigins` plus the shadow URL's origin set in code. */
  allowedOrigins: ReadonlySet<string>;
  /** Names the source in messages: the config URL, or "the stored copy". */
  source: string;
}

export function judgeText(text: string, context: JudgeContext): Verdict {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    return { ok: false, kill: false, error: new RemoteConfigError('invalid_json', `Remote config from ${context.source} is not JSON; the settings in force stay. Serve the document as JSON (validateRemoteConfig() checks it before you publish).`, { cause: error }) };
  }
  return judge(raw, context);
}

export function judge(raw: unknown, context: JudgeContext): Verdict {
  const parsed = parseRemoteConfig(raw);
  if (!parsed.success) {
    const { issues } = parsed.error;
    const message = `Remote config from ${context.source} was rejected: ${issueLines(issues).join('; ')}. The settings in force stay; check documents with validateRemoteConfig() or schema/remote-config.schema.json before publishing.`;
    return { ok: false, kill: killRequested(raw, context.experiment), error: new SchemaError(message, issues, { reason: 'invalid_document' }) };
  }
  const document = parsed.data;
  const shadowUrl = experimentEntry(document, context.experiment)?.shadowUrl;
  if (shadowUrl !== undefined) {
    const origin = new URL(shadowUrl).origin;
    if (!context.allowedOrigins.has(origin)) {
      const allowed = [...context.allowedOrigins].join(', ') || 'none';
      const issue = { code: 'custom', path: ['experiments', context.experiment, 'shadowUrl'], message: `origin ${origin} is not allowed` };
      const message = `Remote config from ${context.source} (version ${document.version}) was rejected: experiments.${context.experiment}.shadowUrl points to ${origin}, which is not in allowOrigins (${allowed}). The settings in force stay; add the origin to remoteConfig.allowOrigins in code if it is yours.`;
      return { ok: false, kill: killRequested(raw, context.experiment), error: new SchemaError(message, [issue], { reason: 'origin_not_allowed' }) };
    }
  }
  return { ok: true, document: deepFreeze(document) };
}

/** Less shadow traffic is always safe, so a kill is read even from a document that is otherwise broken. */
export function killRequested(raw: unknown, experiment: string): boolean {
  if (!isPlainObject(raw) || !isPlainObject(raw.experiments) || !Object.hasOwn(raw.experiments, experiment)) return false;
  const entry = raw.experiments[experiment];
  return isPlainObject(entry) && (entry.enabled === false || entry.mode === 'off');
}

/** `config()` hands the document out; frozen, no caller can change what is in force. */
function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const child of Object.values(value)) deepFreeze(child);
  }
  return value;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
