/**
 * MurmurHash3 x86_32 (Austin Appleby's reference algorithm), as an unsigned 32-bit integer.
 * Only Math.imul, shifts and `>>> 0`: ECMAScript fixes all of them, so every runtime gets the same answer.
 */

const C1 = 0xcc9e2d51;
const C2 = 0x1b873593;

function mixK(k: number): number {
  k = Math.imul(k, C1);
  k = (k << 15) | (k >>> 17);
  return Math.imul(k, C2);
}

function mixH(h: number, k: number): number {
  h ^= mixK(k);
  h = (h << 13) | (h >>> 19);
  return (Math.imul(h, 5) + 0xe6546b64) | 0;
}

function finish(h: number, tail: number, tailBytes: number, length: number): number {
  if (tailBytes > 0) h ^= mixK(tail);
  h ^= length;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** MurmurHash3 over bytes. */
export function murmur3(bytes: Uint8Array, seed = 0): number {
  let h = seed | 0;
  let k = 0;
  let n = 0;
  for (let i = 0; i < bytes.length; i++) {
    k |= bytes[i]! << (n << 3);
    if (++n === 4) {
      h = mixH(h, k);
      k = 0;
      n = 0;
    }
  }
  return finish(h, k, n, bytes.length);
}

/**
 * MurmurHash3 over the UTF-8 bytes of a string, encoded on the fly (no allocation: this runs on every
 * prediction). Byte-for-byte what TextEncoder gives, lone surrogates as U+FFFD; a property test holds
 * it equal to `murmur3(new TextEncoder().encode(text))`.
 */
export function murmur3Utf8(text: string, seed = 0): number {
  let h = seed | 0;
  let k = 0;
  let n = 0;
  let length = 0;
  const push = (byte: number) => {
    k |= byte << (n << 3);
    length++;
    if (++n === 4) {
      h = mixH(h, k);
      k = 0;
      n = 0;
    }
  };
  for (let i = 0; i < text.length; i++) {
    let code = text.charCodeAt(i);
    if (code < 0x80) push(code);
    else if (code < 0x800) {
      push(0xc0 | (code >> 6));
      push(0x80 | (code & 0x3f));
    } else {
      if (code >= 0xd800 && code <= 0xdbff) {
        const next = text.charCodeAt(i + 1);
        if (next >= 0xdc00 && next <= 0xdfff) {
          code = 0x10000 + ((code - 0xd800) << 10) + (next - 0xdc00);
          i++;
          push(0xf0 | (code >> 18));
          push(0x80 | ((code >> 12) & 0x3f));
          push(0x80 | ((code >> 6) & 0x3f));
          push(0x80 | (code & 0x3f));
          continue;
        }
      }
      if (code >= 0xd800 && code <= 0xdfff) code = 0xfffd; // a lone surrogate
      push(0xe0 | (code >> 12));
      push(0x80 | ((code >> 6) & 0x3f));
      push(0x80 | (code & 0x3f));
    }
  }
  return finish(h, k, n, length);
}
