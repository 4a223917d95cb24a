/**
 * SM4 block cipher (GB/T 32907-2016) on 32-bit words. The key schedule runs once per
 * {@link Sm4}; each round is four lookups in tables that fold the S-box τ and the linear
 * transform L together (T = L∘τ), so a block costs 32 × (4 loads + 8 xors) with no allocation.
 *
 * Not constant-time: table lookups indexed by secret bytes leak through the cache to a
 * co-located attacker, as in every table-driven AES/SM4 in JavaScript.
 * @module
 */
import { fail } from "../../errors.ts";

/** SM4's block size in bytes. */
export const SM4_BLOCK_SIZE = 16;

const SBOX = Uint8Array.fromHex(
  "d690e9fecce13db716b614c228fb2c052b679a762abe04c3aa44132649860699" +
    "9c4250f491ef987a33540b43edcfac62e4b31ca9c908e89580df94fa758f3fa6" +
    "4707a7fcf37317ba83593c19e6854fa8686b81b27164da8bf8eb0f4b70569d35" +
    "1e240e5e6358d1a225227c3b01217887d40046579fd327524c3602e7a0c4c89e" +
    "eabf8ad240c738b5a3f7f2cef96115a1e0ae5da49b341a55ad933230f58cb1e3" +
    "1df6e22e8266ca60c02923ab0d534e6fd5db3745defd8e2f03ff6a726d6c5b51" +
    "8d1baf92bbddbc7f11d95c411f105ad80ac13188a5cd7bbd2d74d012b8e5b4b0" +
    "8969974a0c96777e65b9f109c56ec68418f07dec3adc4d2079ee5f3ed7cb3948",
);
const FK = Int32Array.of(0xa3b1bac6 | 0, 0x56aa3350, 0x677d9197, 0xb27022dc | 0);
// CK_i's byte j is (4i + j) * 7 mod 256 (GB/T 32907 §7.3).
const CK = Int32Array.from({ length: 32 }, (_, i) => {
  let word = 0;
  for (let j = 0; j < 4; j++) word = (word << 8) | (((4 * i + j) * 7) & 0xff);
  return word;
});

// T_k[a] = L(S[a] placed in byte k); L commutes with rotation, so T1..T3 are rotations of T0.
const T0 = new Int32Array(256);
const T1 = new Int32Array(256);
const T2 = new Int32Array(256);
const T3 = new Int32Array(256);
for (let a = 0; a < 256; a++) {
  const b = SBOX[a] << 24;
  const t = b ^ rotl(b, 2) ^ rotl(b, 10) ^ rotl(b, 18) ^ rotl(b, 24);
  T0[a] = t;
  T1[a] = rotl(t, 24);
  T2[a] = rotl(t, 16);
  T3[a] = rotl(t, 8);
}

/** One SM4 key, expanded once; blocks go between caller-owned buffers. */
export class Sm4 {
  readonly #encryptKeys = new Int32Array(32);
  readonly #decryptKeys = new Int32Array(32);

  /** Expands a 16-byte key; throws a `DomainError` `invalid_key` for any other length. */
  constructor(key: Uint8Array) {
    if (key.length !== 16) fail("invalid_key", "An SM4 key is 16 bytes", 500);
    let k0 = readWord(key, 0) ^ FK[0];
    let k1 = readWord(key, 4) ^ FK[1];
    let k2 = readWord(key, 8) ^ FK[2];
    let k3 = readWord(key, 12) ^ FK[3];
    const rk = this.#encryptKeys;
    for (let i = 0; i < 32; i++) {
      const b = tau(k1 ^ k2 ^ k3 ^ CK[i]);
      const next = k0 ^ b ^ rotl(b, 13) ^ rotl(b, 23);
      rk[i] = next;
      k0 = k1;
      k1 = k2;
      k2 = k3;
      k3 = next;
    }
    for (let i = 0; i < 32; i++) this.#decryptKeys[i] = rk[31 - i];
  }

  /** Encrypts the block at `input[inOffset..+16]` into `output[outOffset..+16]` (may alias). */
  encryptBlock(input: Uint8Array, inOffset: number, output: Uint8Array, outOffset: number): void {
    cryptBlock(this.#encryptKeys, input, inOffset, output, outOffset);
  }

  /** Decrypts the block at `input[inOffset..+16]` into `output[outOffset..+16]` (may alias). */
  decryptBlock(input: Uint8Array, inOffset: number, output: Uint8Array, outOffset: number): void {
    cryptBlock(this.#decryptKeys, input, inOffset, output, outOffset);
  }

  /**
   * Encrypts the block given as four big-endian words into `out[0..4]`, for modes (CTR, GCM)
   * that keep their counters as words and would otherwise pack and unpack bytes per block.
   */
  encryptWords(x0: number, x1: number, x2: number, x3: number, out: Int32Array): void {
    cryptWords(this.#encryptKeys, x0, x1, x2, x3, out);
  }
}

const words = new Int32Array(4);

function cryptBlock(
  rk: Int32Array,
  input: Uint8Array,
  inOffset: number,
  output: Uint8Array,
  outOffset: number,
): void {
  cryptWords(
    rk,
    readWord(input, inOffset),
    readWord(input, inOffset + 4),
    readWord(input, inOffset + 8),
    readWord(input, inOffset + 12),
    words,
  );
  for (let i = 0; i < 4; i++) {
    const w = words[i];
    const o = outOffset + 4 * i;
    output[o] = w >>> 24;
    output[o + 1] = w >>> 16;
    output[o + 2] = w >>> 8;
    output[o + 3] = w;
  }
}

// Four rounds per iteration so the state words never shuffle through temporaries.
function cryptWords(
  rk: Int32Array,
  x0: number,
  x1: number,
  x2: number,
  x3: number,
  out: Int32Array,
): void {
  for (let r = 0; r < 32; r += 4) {
    let t = x1 ^ x2 ^ x3 ^ rk[r];
    x0 ^= T0[t >>> 24] ^ T1[(t >>> 16) & 0xff] ^ T2[(t >>> 8) & 0xff] ^ T3[t & 0xff];
    t = x2 ^ x3 ^ x0 ^ rk[r + 1];
    x1 ^= T0[t >>> 24] ^ T1[(t >>> 16) & 0xff] ^ T2[(t >>> 8) & 0xff] ^ T3[t & 0xff];
    t = x3 ^ x0 ^ x1 ^ rk[r + 2];
    x2 ^= T0[t >>> 24] ^ T1[(t >>> 16) & 0xff] ^ T2[(t >>> 8) & 0xff] ^ T3[t & 0xff];
    t = x0 ^ x1 ^ x2 ^ rk[r + 3];
    x3 ^= T0[t >>> 24] ^ T1[(t >>> 16) & 0xff] ^ T2[(t >>> 8) & 0xff] ^ T3[t & 0xff];
  }
  // The output is the last four words in reverse order (the final transform R).
  out[0] = x3;
  out[1] = x2;
  out[2] = x1;
  out[3] = x0;
}

function tau(a: number): number {
  return (SBOX[a >>> 24] << 24) | (SBOX[(a >>> 16) & 0xff] << 16) |
    (SBOX[(a >>> 8) & 0xff] << 8) | SBOX[a & 0xff];
}

function readWord(bytes: Uint8Array, offset: number): number {
  return (bytes[offset] << 24) | (bytes[offset + 1] << 16) | (bytes[offset + 2] << 8) |
    bytes[offset + 3];
}

function rotl(x: number, n: number): number {
  return (x << n) | (x >>> (32 - n));
}
