/**
 * FNV-1a, 32 bits, over the UTF-8 bytes of a string: the stable hash behind feature hashing and
 * the held-out split. Written here so a model trained today hashes the same on any runtime.
 * {@link fnvStep} lets n-grams be hashed one code point at a time, without building strings.
 * @module
 */

export const FNV_OFFSET_BASIS = 0x811c9dc5;
const PRIME = 0x01000193;

/** Mix the UTF-8 bytes of one code point into a running FNV-1a state. */
export function fnvStep(hash: number, code: number): number {
  if (code < 0x80) return Math.imul(hash ^ code, PRIME);
  if (code < 0x800) {
    hash = Math.imul(hash ^ (0xc0 | (code >> 6)), PRIME);
  } else if (code < 0x10000) {
    hash = Math.imul(hash ^ (0xe0 | (code >> 12)), PRIME);
    hash = Math.imul(hash ^ (0x80 | ((code >> 6) & 0x3f)), PRIME);
  } else {
    hash = Math.imul(hash ^ (0xf0 | (code >> 18)), PRIME);
    hash = Math.imul(hash ^ (0x80 | ((code >> 12) & 0x3f)), PRIME);
    hash = Math.imul(hash ^ (0x80 | ((code >> 6) & 0x3f)), PRIME);
  }
  return Math.imul(hash ^ (0x80 | (code & 0x3f)), PRIME);
}

/** Continue a running state over every code point of `text` (lone surrogates as WTF-8). */
export function fnvUpdate(hash: number, text: string): number {
  for (const char of text) hash = fnvStep(hash, char.codePointAt(0)!);
  return hash;
}

/** FNV-1a of the UTF-8 encoding of `text`, as an unsigned 32-bit integer. */
export function fnv1a32(text: string): number {
  return fnvUpdate(FNV_OFFSET_BASIS, text) >>> 0;
}
