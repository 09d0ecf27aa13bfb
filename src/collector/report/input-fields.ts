/**
 * The named scalar fields of a captured input, for slicing: a plain object's own fields, or the
 * features inside the standard inference request shapes people actually post:
 * - Open Inference Protocol / KServe v2: `{ inputs: [{ name, data: [x] }, …] }` → `{ name: x, … }`
 * - TF Serving: `{ instances: [{ … }] }` → the one instance's fields
 */
export function inputFields(input: unknown): Record<string, unknown> | undefined {
  if (input === null || typeof input !== 'object' || Array.isArray(input)) return undefined;
  const request = input as { inputs?: unknown; instances?: unknown };
  if (Array.isArray(request.inputs)) {
    const fields: Record<string, unknown> = {};
    for (const tensor of request.inputs as { name?: unknown; data?: unknown }[]) {
      if (typeof tensor?.name === 'string' && Array.isArray(tensor.data) && tensor.data.length === 1) fields[tensor.name] = tensor.data[0];
    }
    return fields;
  }
  if (Array.isArray(request.instances)) {
    const [instance] = request.instances as unknown[];
    return request.instances.length === 1 && instance !== null && typeof instance === 'object' && !Array.isArray(instance) ? (instance as Record<string, unknown>) : undefined;
  }
  return input as Record<string, unknown>;
}
