/**
 * Publisher-side check of a remote-config document, before it is deployed (AppConfig and Firebase
 * validate on publish; research §5). Same schema as the client, plus warnings for what the client
 * accepts but quietly turns off. Exported from `shadowcast/node`, so it never weighs on browser bundles.
 */
import { MAX_DOCUMENT_BYTES } from '../config/limits';
import { HASH_VERSION, MODES } from './codes';
import { issueLines } from './issues';
import { isHttpUrl, parseRemoteConfig, type RemoteConfigDocument } from './remote-config';

/** What `validateRemoteConfig` found. */
export interface RemoteConfigValidation {
  /** True when every client of this SDK version accepts the document. */
  ok: boolean;
  /** The document as clients see it (unknown keys stripped), when `ok`. */
  document: RemoteConfigDocument | undefined;
  /** One line per problem that makes clients reject the document (`path: message`); empty when `ok`. */
  errors: string[];
  /** Accepted, but probably not meant: parts clients turn off, modes that need what is missing. */
  warnings: string[];
}

/** Options of `validateRemoteConfig`. */
export interface ValidateRemoteConfigOptions {
  /** Check every `shadowUrl` against these origins, as clients with this `allowOrigins` would. */
  allowOrigins?: string[];
}

/**
 * Validates a remote-config document (an object, or its JSON text, which is also size-checked)
 * exactly as clients will, so publishers can check before they deploy.
 * @example
 * const result = validateRemoteConfig(await readFile('shadowcast.json', 'utf8'));
 * if (!result.ok) throw new Error(result.errors.join('\n'));
 */
export function validateRemoteConfig(input: unknown, options: ValidateRemoteConfigOptions = {}): RemoteConfigValidation {
  let raw = input;
  if (typeof input === 'string') {
    const bytes = new TextEncoder().encode(input).length;
    if (bytes > MAX_DOCUMENT_BYTES) return failed(`(document): ${bytes} bytes is larger than the ${MAX_DOCUMENT_BYTES}-byte limit; clients reject it unread`);
    try {
      raw = JSON.parse(input);
    } catch (error) {
      return failed(`(document): not JSON (${(error as Error).message})`);
    }
  }
  const parsed = parseRemoteConfig(raw);
  if (!parsed.success) return failed(...issueLines(parsed.error.issues, Number.POSITIVE_INFINITY));

  const document = parsed.data;
  const errors: string[] = [];
  const warnings: string[] = [];
  const allowed = options.allowOrigins?.map((origin) => new URL(origin).origin);
  if (document.hashVersion !== HASH_VERSION) {
    warnings.push(`hashVersion: ${document.hashVersion} is unknown to this SDK (it uses ${HASH_VERSION}); clients turn every experiment off`);
  }
  for (const [name, entry] of Object.entries(document.experiments)) {
    const at = `experiments.${name}`;
    if (!(MODES as readonly string[]).includes(entry.mode)) {
      warnings.push(`${at}.mode: "${entry.mode}" is not a mode this SDK knows (${MODES.join(', ')}); clients turn ${name} off`);
    }
    if (entry.mode === 'canary' && !entry.canaryRate) {
      warnings.push(`${at}.canaryRate: canary mode without a canaryRate in the document serves the new model only to the share set in code (0 by default)`);
    }
    if (entry.shadowUrl !== undefined && allowed && isHttpUrl(entry.shadowUrl) && !allowed.includes(new URL(entry.shadowUrl).origin)) {
      errors.push(`${at}.shadowUrl: origin ${new URL(entry.shadowUrl).origin} is not in allowOrigins (${allowed.join(', ')}); clients reject the document`);
    }
  }
  if (errors.length > 0) return { ok: false, document: undefined, errors, warnings };
  return { ok: true, document, errors, warnings };
}

function failed(...errors: string[]): RemoteConfigValidation {
  return { ok: false, document: undefined, errors, warnings: [] };
}
