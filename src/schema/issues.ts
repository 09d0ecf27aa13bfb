/**
 * Readable validation messages for every schema (zod-free, so it costs the browser nothing). zod/mini ships
 * no locale (its default message is "Invalid input"), and loading one would change zod's global config,
 * which belongs to the app; so parses pass this map instead.
 */

const EXPECTED: Record<string, string> = { int: 'an integer', number: 'a number', string: 'a string', boolean: 'true or false', object: 'an object', record: 'an object', array: 'an array' };

export interface IssueLike {
  code?: string;
  input?: unknown;
  expected?: string;
  maximum?: unknown;
  minimum?: unknown;
  pattern?: string;
  values?: readonly unknown[];
}

export function issueMessage(issue: IssueLike): string | undefined {
  const input = issue.input;
  const got = typeof input === 'string' ? JSON.stringify(input.slice(0, 40)) : input === null || typeof input !== 'object' ? String(input) : Array.isArray(input) ? 'an array' : 'an object';
  switch (issue.code) {
    case 'invalid_type':
      return `expected ${EXPECTED[issue.expected!] ?? issue.expected}, received ${input === undefined ? 'nothing' : got}`;
    case 'invalid_value':
      return issue.values ? `expected one of ${issue.values.map((value) => JSON.stringify(value)).join(', ')}, received ${got}` : undefined;
    case 'too_big':
      return `must be at most ${String(issue.maximum)}, received ${got}`;
    case 'too_small':
      return `must be at least ${String(issue.minimum)}, received ${got}`;
    case 'invalid_format':
      return `must match ${issue.pattern}, received ${got}`;
    default:
      return undefined;
  }
}

/** One `path.to.field: message` line per issue (at most `max`), for error messages people read. */
export function issueLines(issues: readonly { path: readonly PropertyKey[]; message: string }[], max = 5, root = '(document)'): string[] {
  const lines = issues.slice(0, max).map((issue) => `${issue.path.map(String).join('.') || root}: ${issue.message}`);
  if (issues.length > max) lines.push(`… and ${issues.length - max} more`);
  return lines;
}
