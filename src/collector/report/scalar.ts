/**
 * Which single value of a prediction the report studies for distribution shift, constant outputs and
 * confusion. The same rule on both sides, so they are comparable:
 * - a number is a number; a string or boolean is a label;
 * - an array of numbers: one element is that number; several are class scores, read as the label of the
 *   highest one (`#2`);
 * - an object: the first of label, class, category, prediction(s), score, probability, value, output(s),
 *   data that it has, else its first number or string field (up to 4 levels deep).
 */
export type Scalar = { kind: 'number'; value: number } | { kind: 'label'; value: string };

const PREFERRED = ['label', 'class', 'category', 'prediction', 'predictions', 'score', 'probability', 'value', 'output', 'outputs', 'data'];

export function scalarOf(output: unknown, depth = 0): Scalar | undefined {
  if (typeof output === 'number') return Number.isFinite(output) ? { kind: 'number', value: output } : undefined;
  if (typeof output === 'string') return { kind: 'label', value: output };
  if (typeof output === 'boolean') return { kind: 'label', value: String(output) };
  if (depth > 4 || output === null || typeof output !== 'object') return undefined;
  if (Array.isArray(output)) {
    if (output.length === 0) return undefined;
    if (output.every((item) => typeof item === 'number')) {
      if (output.length === 1) return scalarOf(output[0], depth + 1);
      let best = 0;
      for (let i = 1; i < output.length; i++) if ((output[i] as number) > (output[best] as number)) best = i;
      return { kind: 'label', value: `#${best}` };
    }
    return scalarOf(output[0], depth + 1);
  }
  const record = output as Record<string, unknown>;
  for (const key of PREFERRED) if (Object.hasOwn(record, key)) return scalarOf(record[key], depth + 1);
  for (const value of Object.values(record)) {
    if (typeof value === 'number' || typeof value === 'string') return scalarOf(value, depth + 1);
  }
  return undefined;
}
