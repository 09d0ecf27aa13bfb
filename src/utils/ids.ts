/** Random hex from the platform CSPRNG; `crypto.getRandomValues` exists in browsers, Node >= 19, Deno, Bun, workers. */
export function randomHex(bytes: number): string {
  const buffer = crypto.getRandomValues(new Uint8Array(bytes));
  let out = '';
  for (const byte of buffer) out += byte.toString(16).padStart(2, '0');
  return out;
}

/** A uniform draw in [0, 1) with 32-bit resolution, the same resolution as the sampling hash. */
export function randomUnit(): number {
  return crypto.getRandomValues(new Uint32Array(1))[0]! / 4294967296;
}
