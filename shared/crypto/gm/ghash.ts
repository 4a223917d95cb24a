/**
 * GHASH (NIST SP 800-38D §6.4) with Shoup's 8-bit tables: per hash key, the 256 products b·H
 * (4 KiB), so a block costs 16 table lookups and byte shifts instead of 128 bit steps.
 * Words are big-endian 32-bit, word 0 holding the block's first bytes (GCM's low-degree end).
 *
 * Not constant-time: the lookups are indexed by data and tag-state bytes, as in every
 * table-driven GHASH without carry-less multiply instructions.
 * @module
 */

// R8[b]: what shifting out the byte b (eight multiplications by x) folds back into the top
// word, via x^128 = x^7 + x^2 + x + 1 (0xE1 in GCM's reflected bit order).
const R8 = new Int32Array(256);
for (let b = 0; b < 256; b++) {
  let high = 0;
  let low = b;
  for (let i = 0; i < 8; i++) {
    const carry = low & 1;
    low = (low >>> 1) | ((high & 1) << 31);
    high = (high >>> 1) ^ (carry ? 0xe1000000 : 0);
  }
  R8[b] = high;
}

/** GHASH keyed by H, accumulating into its own 128-bit state. */
export class Ghash {
  // table[4b .. 4b+3] = b(x)·H, where b's most significant bit is the coefficient of x^0.
  readonly #table = new Int32Array(256 * 4);
  readonly #state = new Int32Array(4);

  /** Builds the table for the hash key `h` (16 bytes, E_K(0^128) in GCM). */
  constructor(h: Uint8Array) {
    const t = this.#table;
    let v0 = word(h, 0), v1 = word(h, 4), v2 = word(h, 8), v3 = word(h, 12);
    // 0x80 is the polynomial 1, so T[0x80] = H; each lower bit is one more multiplication by x.
    for (let bit = 0x80; bit > 0; bit >>>= 1) {
      t[4 * bit] = v0;
      t[4 * bit + 1] = v1;
      t[4 * bit + 2] = v2;
      t[4 * bit + 3] = v3;
      const carry = v3 & 1;
      v3 = (v3 >>> 1) | (v2 << 31);
      v2 = (v2 >>> 1) | (v1 << 31);
      v1 = (v1 >>> 1) | (v0 << 31);
      v0 = (v0 >>> 1) ^ (carry ? 0xe1000000 | 0 : 0);
    }
    // The product is linear in b: T[b] = T[highest bit of b] ^ T[the rest].
    for (let b = 2; b < 256; b <<= 1) {
      for (let rest = 1; rest < b; rest++) {
        for (let k = 0; k < 4; k++) t[4 * (b + rest) + k] = t[4 * b + k] ^ t[4 * rest + k];
      }
    }
  }

  /** Clears the state to start a new hash with the same key. */
  reset(): void {
    this.#state.fill(0);
  }

  /** Absorbs `length` bytes of `data` from `offset`, zero-padding the last partial block. */
  update(data: Uint8Array, offset: number, length: number): void {
    const end = offset + length;
    const full = end - (length % 16);
    for (; offset < full; offset += 16) {
      this.updateWords(
        word(data, offset),
        word(data, offset + 4),
        word(data, offset + 8),
        word(data, offset + 12),
      );
    }
    if (offset < end) {
      const last = new Uint8Array(16);
      last.set(data.subarray(offset, end));
      this.updateWords(word(last, 0), word(last, 4), word(last, 8), word(last, 12));
    }
  }

  /** Absorbs one block given as four big-endian words: state = (state ^ block)·H. */
  updateWords(x0: number, x1: number, x2: number, x3: number): void {
    const s = this.#state;
    const t = this.#table;
    const a0 = s[0] ^ x0, a1 = s[1] ^ x1, a2 = s[2] ^ x2, a3 = s[3] ^ x3;
    let z0 = 0, z1 = 0, z2 = 0, z3 = 0;
    // Horner from the last byte (highest degree) to the first: Z = Z·x^8 ^ T[byte].
    for (let k = 3; k >= 0; k--) {
      const w = k === 3 ? a3 : k === 2 ? a2 : k === 1 ? a1 : a0;
      for (let shift = 0; shift < 32; shift += 8) {
        const m = ((w >>> shift) & 0xff) << 2;
        const rem = z3 & 0xff;
        z3 = ((z3 >>> 8) | (z2 << 24)) ^ t[m + 3];
        z2 = ((z2 >>> 8) | (z1 << 24)) ^ t[m + 2];
        z1 = ((z1 >>> 8) | (z0 << 24)) ^ t[m + 1];
        z0 = (z0 >>> 8) ^ R8[rem] ^ t[m];
      }
    }
    s[0] = z0;
    s[1] = z1;
    s[2] = z2;
    s[3] = z3;
  }

  /** Copies the current state (the GHASH value so far) into `out` as four words. */
  digestWords(out: Int32Array): void {
    out.set(this.#state);
  }
}

/** Reads the big-endian 32-bit word at `offset`. */
export function word(bytes: Uint8Array, offset: number): number {
  return (bytes[offset] << 24) | (bytes[offset + 1] << 16) | (bytes[offset + 2] << 8) |
    bytes[offset + 3];
}
