/**
 * SM4-GCM (RFC 8998, NIST SP 800-38D) with 12-byte IVs and 16-byte tags. Sealed form:
 * ciphertext || tag. Opening checks the tag before releasing any plaintext and throws a
 * `DomainError` `decryption_failed` on any mismatch, including a missing or short tag (where
 * `sm-crypto-v2`'s GCM decrypt silently skips authentication when no tag is passed).
 *
 * The SM4 key schedule and the GHASH table are built once per key and kept in a small cache,
 * since one key seals many values.
 * @module
 */
import { DomainError, fail } from "../../errors.ts";
import { Ghash, word } from "./ghash.ts";
import { Sm4 } from "./sm4.ts";

/** SM4-GCM's tag length in bytes; shorter tags are not accepted. */
export const SM4_GCM_TAG_SIZE = 16;
/** SM4-GCM's IV length in bytes (RFC 8998 fixes 12). */
export const SM4_GCM_IV_SIZE = 12;

const CACHE_LIMIT = 64;
// SP 800-38D: at most 2^39 - 256 bits of plaintext per invocation.
const MAX_PLAINTEXT = 2 ** 36 - 32;
const cache = new Map<string, Sm4Gcm>();

/** SM4-GCM under one key, with its cipher and GHASH table built once. */
export class Sm4Gcm {
  readonly #cipher: Sm4;
  readonly #ghash: Ghash;
  readonly #block = new Int32Array(4);

  /** Prepares a 16-byte key; throws a `DomainError` `invalid_key` for any other length. */
  constructor(key: Uint8Array) {
    this.#cipher = new Sm4(key);
    const h = new Uint8Array(16);
    this.#cipher.encryptBlock(h, 0, h, 0);
    this.#ghash = new Ghash(h);
  }

  /** Encrypts and authenticates: returns ciphertext || 16-byte tag. */
  seal(iv: Uint8Array, plaintext: Uint8Array, aad: Uint8Array): Uint8Array {
    if (iv.length !== SM4_GCM_IV_SIZE) fail("invalid_iv", "An SM4-GCM IV is 12 bytes", 500);
    if (plaintext.length > MAX_PLAINTEXT) fail("plaintext_too_long", "Too long for GCM", 500);
    const sealed = new Uint8Array(plaintext.length + SM4_GCM_TAG_SIZE);
    this.#crypt(iv, aad, plaintext, sealed, plaintext.length, true, sealed);
    return sealed;
  }

  /** Authenticates then decrypts ciphertext || tag; throws `decryption_failed` on any mismatch. */
  open(iv: Uint8Array, sealed: Uint8Array, aad: Uint8Array): Uint8Array {
    if (iv.length !== SM4_GCM_IV_SIZE) throw decryptionFailed("An SM4-GCM IV is 12 bytes");
    if (sealed.length < SM4_GCM_TAG_SIZE) {
      throw decryptionFailed("SM4-GCM value is shorter than its 16-byte tag");
    }
    const length = sealed.length - SM4_GCM_TAG_SIZE;
    const plaintext = new Uint8Array(length);
    const expected = new Uint8Array(SM4_GCM_TAG_SIZE);
    this.#crypt(iv, aad, sealed, plaintext, length, false, expected);
    let diff = 0;
    for (let i = 0; i < SM4_GCM_TAG_SIZE; i++) diff |= expected[i] ^ sealed[length + i];
    if (diff !== 0) {
      // Decrypted in the same pass as the hash; what was decrypted never leaves.
      plaintext.fill(0);
      throw decryptionFailed("SM4-GCM tag mismatch: wrong key, IV, associated data or tampered");
    }
    return plaintext;
  }

  // One pass of CTR (from inc32(J0), J0 = IV || 0^31 || 1) and GHASH over the ciphertext side,
  // so each ciphertext block is hashed from the words just computed or read. The tag,
  // E_K(J0) ^ GHASH(A || pad || C || pad || [len(A)]64 || [len(C)]64), goes to the 16 bytes
  // after `length` in `tagOut` when sealing (tagOut = output), else to tagOut[0..16].
  #crypt(
    iv: Uint8Array,
    aad: Uint8Array,
    input: Uint8Array,
    output: Uint8Array,
    length: number,
    sealing: boolean,
    tagOut: Uint8Array,
  ): void {
    const ghash = this.#ghash;
    const cipher = this.#cipher;
    const ks = this.#block;
    const j0 = word(iv, 0), j1 = word(iv, 4), j2 = word(iv, 8);
    ghash.reset();
    ghash.update(aad, 0, aad.length);
    let counter = 2;
    let offset = 0;
    for (; offset + 16 <= length; offset += 16, counter++) {
      cipher.encryptWords(j0, j1, j2, counter, ks);
      const i0 = word(input, offset), i1 = word(input, offset + 4);
      const i2 = word(input, offset + 8), i3 = word(input, offset + 12);
      const o0 = i0 ^ ks[0], o1 = i1 ^ ks[1], o2 = i2 ^ ks[2], o3 = i3 ^ ks[3];
      putWord(output, offset, o0);
      putWord(output, offset + 4, o1);
      putWord(output, offset + 8, o2);
      putWord(output, offset + 12, o3);
      if (sealing) ghash.updateWords(o0, o1, o2, o3);
      else ghash.updateWords(i0, i1, i2, i3);
    }
    if (offset < length) {
      cipher.encryptWords(j0, j1, j2, counter, ks);
      for (let i = 0; offset + i < length; i++) {
        output[offset + i] = input[offset + i] ^ (ks[i >> 2] >>> (24 - 8 * (i & 3)));
      }
      ghash.update(sealing ? output : input, offset, length - offset);
    }
    ghash.updateWords(...bitLength(aad.length), ...bitLength(length));
    ghash.digestWords(ks);
    const s0 = ks[0], s1 = ks[1], s2 = ks[2], s3 = ks[3];
    cipher.encryptWords(j0, j1, j2, 1, ks);
    const at = sealing ? length : 0;
    putWord(tagOut, at, s0 ^ ks[0]);
    putWord(tagOut, at + 4, s1 ^ ks[1]);
    putWord(tagOut, at + 8, s2 ^ ks[2]);
    putWord(tagOut, at + 12, s3 ^ ks[3]);
  }
}

/** SM4-GCM encryption: returns ciphertext || 16-byte tag. */
export function sm4GcmSeal(
  key: Uint8Array,
  iv: Uint8Array,
  plaintext: Uint8Array,
  aad: Uint8Array = new Uint8Array(0),
): Uint8Array {
  return forKey(key).seal(iv, plaintext, aad);
}

/** SM4-GCM decryption of ciphertext || tag; throws a `DomainError` `decryption_failed`. */
export function sm4GcmOpen(
  key: Uint8Array,
  iv: Uint8Array,
  sealed: Uint8Array,
  aad: Uint8Array = new Uint8Array(0),
): Uint8Array {
  return forKey(key).open(iv, sealed, aad);
}

function forKey(key: Uint8Array): Sm4Gcm {
  if (key.length !== 16) fail("invalid_key", "An SM4 key is 16 bytes", 500);
  const id = key.toHex();
  let gcm = cache.get(id);
  if (!gcm) {
    gcm = new Sm4Gcm(key);
    cache.set(id, gcm);
    if (cache.size > CACHE_LIMIT) cache.delete(cache.keys().next().value!);
  }
  return gcm;
}

// A byte count as a 64-bit big-endian bit count, in two words.
function bitLength(bytes: number): [number, number] {
  return [Math.floor(bytes / 0x20000000), (bytes << 3) | 0];
}

function putWord(bytes: Uint8Array, offset: number, w: number): void {
  bytes[offset] = w >>> 24;
  bytes[offset + 1] = w >>> 16;
  bytes[offset + 2] = w >>> 8;
  bytes[offset + 3] = w;
}

function decryptionFailed(message: string): DomainError {
  return new DomainError("decryption_failed", message, 500);
}
