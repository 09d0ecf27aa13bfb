/**
 * The remote-config document as JSON Schema (draft 2020-12), for publishers' pipelines (contract:
 * "The schema is exported as JSON Schema"). Generated from the zod schema, then made stricter where
 * clients are lenient on purpose: clients turn unknown modes and hash versions off and strip unknown
 * keys (forward compatibility), but at publish time those are almost always typos, so the JSON Schema
 * rejects them. Node-side only (`shadowcast/node` and scripts/): it never reaches a browser bundle.
 */
import * as z from 'zod/mini';
import { HASH_VERSION, MODES } from './codes';
import { RemoteConfigSchema } from './remote-config';

type JsonObject = Record<string, unknown>;

/** The JSON Schema of the remote-config document; `schema/remote-config.schema.json` is this, written by `npm run schema`. */
export function remoteConfigJsonSchema(): JsonObject {
  const schema = z.toJSONSchema(RemoteConfigSchema) as JsonObject;
  const top = properties(schema);
  const experiment = (schema.properties as { experiments: { additionalProperties: JsonObject } }).experiments.additionalProperties;
  const entry = properties(experiment);

  describe(top, {
    version: 'Integer that only ever increases; clients ignore an older version and treat the same version as unchanged. Roll back by publishing the old content as a new version.',
    issuedAt: 'When this document was published, ISO-8601 date-time.',
    hashVersion: `Sampling hash version; this SDK knows ${HASH_VERSION} (clients turn every experiment off for any other).`,
    pollIntervalMs: 'Overrides the clients\' poll interval while this document is in force (10 s to 1 h).',
    experiments: 'Entries by experiment name; an experiment missing here is off.',
  });
  Object.assign(top.issuedAt as JsonObject, { format: 'date-time' });
  Object.assign(top.hashVersion as JsonObject, { const: HASH_VERSION });

  describe(entry, {
    enabled: 'false turns the experiment off (kill switch); applied even from a document that is otherwise invalid.',
    mode: 'shadow: live serves, a sample also goes to the new model. canary: a sticky canaryRate share is served by the new model. promoted: the new model serves, the old one is shadowed. off: no shadow calls.',
    sampleRate: 'Share of predictions compared (0..1), sticky per key.',
    canaryRate: 'Share of keys served by the new model in canary mode (0..1); default: the client option.',
    noiseRate: 'Share of sampled calls that re-run the serving model (live vs live) to measure its own nondeterminism (0..1).',
    salt: 'Sampling salt; changing it re-draws who is sampled.',
    shadowUrl: 'The new model\'s URL; its origin must be in the client\'s allowOrigins (or be the shadow URL set in code).',
    maxConcurrentShadows: 'Shadow calls in flight at once.',
    maxShadowsPerMinute: 'Shadow calls per rolling minute.',
    shadowTimeoutMs: 'Timeout of the call in the shadow role, in ms.',
  });
  Object.assign(entry.mode as JsonObject, { enum: [...MODES] });
  Object.assign(entry.shadowUrl as JsonObject, { format: 'uri', pattern: '^https?://[^/@]+(/|$)' });

  return {
    $schema: schema.$schema,
    title: 'shadowcast remote config',
    description: 'Dials sampling, kills, promotes or rolls back shadow experiments without a release. See the README, "Remote config".',
    ...Object.fromEntries(Object.entries(schema).filter(([key]) => key !== '$schema')),
  };
}

function properties(schema: JsonObject): Record<string, JsonObject> {
  return schema.properties as Record<string, JsonObject>;
}

function describe(props: Record<string, JsonObject>, descriptions: Record<string, string>): void {
  for (const [key, description] of Object.entries(descriptions)) props[key] = { description, ...props[key] };
}
