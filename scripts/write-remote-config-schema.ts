// Writes schema/remote-config.schema.json from the zod schema (npm run schema); a test fails when the
// committed file is not current, so the published JSON Schema never drifts from what clients accept.
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { remoteConfigJsonSchema } from '../src/schema/remote-config-json-schema.ts';

export const SCHEMA_FILE = fileURLToPath(new URL('../schema/remote-config.schema.json', import.meta.url));

export function renderRemoteConfigSchema(): string {
  return `${JSON.stringify(remoteConfigJsonSchema(), null, 2)}\n`;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  writeFileSync(SCHEMA_FILE, renderRemoteConfigSchema());
  console.log(`wrote ${SCHEMA_FILE}`);
}
