/**
 * SM2 against the GM/T 0003.5-2012 (GB/T 32918.5-2017) examples on the recommended curve, interop
 * with raw `sm-crypto-v2`, and each of the library's traps next to the guard that closes it.
 * @module
 */
import assert from "node:assert/strict";
import { kdf, sm2, sm3 } from "sm-crypto-v2";
import { DomainError } from "../../errors.ts";
import {
  DEFAULT_USER_ID,
  generateSm2KeyPair,
  sm2Decrypt,
  sm2Encrypt,
  sm2PublicKeyOf,
  sm2Sign,
  sm2Verify,
} from "./sm2.ts";

// GM/T 0003.5-2012 Annex A.2 (signature) and Annex C (encryption); the same d and k serve both.
const D = "3945208f7b2144b13f36e38ac6d39f95889393692860b51a42fb81ef4df7c5b8";
const P = "04" +
  "09f9df311e5421a150dd7d161e4bc5c672179fad1833fc076bb08ff356f35020" +
  "ccea490ce26775a52dc6ea718cc1aa600aed05fbf35e084a6632f6072da9ad13";
const K = "59276e27d506861a16680f3ad9c02dccef3cc1fa3cdbe4ce6d54b80deac1bc21";
const KG_X = "04ebfc718e8d1798620432268e77feb6415e2ede0e073c0f4f640ecd2e149a73";
const KG_Y = "e858f9d81e5430a57b36daab8f950a3c64e6ee6a63094d99283aff767e124df0";
const Z_A = "b2e14c5c79c6df5b85f4fe7ed8db7a262b9da7e07ccb0ea9f4747b8ccda8a4f3";
const E = "f0b43e94ba45accaace692ed534382eb17e6ab5a19ce7b31f4486fdfc0d28640";
const R = "f5a03b0648d2c4630eeac513e1bb81a15944da3827d5b74143ac7eaceee720b3";
const S = "b1b6aa29df212fd8763182bc0d421ca1bb9038fd1f7f42d4840b69c485bbc1aa";
const C3 = "59983c18f809e262923c53aec295d30383b54e39d609d160afcb1908d0bd8766";
const C2 = "21886ca989ca9c7d58087307ca93092d651efa";
const N = 0xFFFFFFFEFFFFFFFFFFFFFFFFFFFFFFFF7203DF6B21C6052B53BBF40939D54123n;

const text = (s: string) => new TextEncoder().encode(s);
const SIGNED = text("message digest");
const ENCRYPTED = text("encryption standard");
const standardSignature = Uint8Array.fromHex(R + S);
const standardCiphertext = Uint8Array.fromHex("04" + KG_X + KG_Y + C3 + C2);

function assertDecryptionFailed(fn: () => unknown) {
  assert.throws(fn, (e) => e instanceof DomainError && e.code === "decryption_failed");
}

Deno.test("the standard key pair, Z_A and e of GM/T 0003.5 A.2 come out of the library", () => {
  assert.equal(sm2.getPublicKeyFromPrivateKey(D), P);
  assert.equal(sm2.getZ(P, DEFAULT_USER_ID).toHex(), Z_A);
  assert.equal(sm2.getHash(SIGNED, P, DEFAULT_USER_ID), E);
});

Deno.test("sm2PublicKeyOf derives the standard public key and refuses a malformed private key", () => {
  assert.equal(sm2PublicKeyOf(D), P);
  assert.equal(sm2PublicKeyOf(D.toUpperCase()), P);
  const pair = generateSm2KeyPair();
  assert.equal(sm2PublicKeyOf(pair.privateKey), pair.publicKey);
  assert.throws(
    () => sm2PublicKeyOf("00".repeat(32)),
    (e) => e instanceof DomainError && e.code === "invalid_key",
  );
});

Deno.test("sm2Verify accepts the published GM/T 0003.5 signature of 'message digest'", () => {
  assert.equal(sm2Verify(SIGNED, standardSignature, P), true);
  assert.equal(sm2Verify(text("message digesT"), standardSignature, P), false);
  assert.equal(sm2Verify(SIGNED, standardSignature, P, "ALICE123@YAHOO.COM"), false);
});

Deno.test("the options sm2Sign passes reproduce the published signature when k is the standard's", () => {
  // The wrapper cannot take k; the library's point pool can, so this pins the option set.
  const x1 = BigInt("0x" + KG_X);
  const hex = sm2.doSignature(SIGNED, D, {
    hash: true,
    der: false,
    publicKey: P,
    userId: DEFAULT_USER_ID,
    pointPool: [{ k: BigInt("0x" + K), x1 }],
  });
  assert.equal(hex, R + S);
});

Deno.test("trap: the library signs without SM3/Z_A by default; sm2Sign always hashes", () => {
  const raw = sm2.doSignature(SIGNED, D, {
    pointPool: [{ k: BigInt("0x" + K), x1: BigInt("0x" + KG_X) }],
  });
  assert.notEqual(raw, R + S);
  assert.equal(sm2Verify(SIGNED, Uint8Array.fromHex(raw), P), false);

  const ours = sm2Sign(SIGNED, D);
  assert.equal(ours.length, 64);
  assert.equal(sm2.doVerifySignature(SIGNED, ours.toHex(), P, { hash: true }), true);
  assert.equal(sm2.doVerifySignature(SIGNED, ours.toHex(), P), false);
});

Deno.test("trap: the library's verify throws on malformed signatures; sm2Verify returns false", () => {
  const zeroS = R + "00".repeat(32);
  const sIsN = R + N.toString(16);
  assert.throws(() => sm2.doVerifySignature(SIGNED, zeroS, P, { hash: true }));
  assert.throws(() => sm2.doVerifySignature(SIGNED, sIsN, P, { hash: true }));
  assert.throws(() => sm2.doVerifySignature(SIGNED, R + S, "04abcd", { hash: true }));

  assert.equal(sm2Verify(SIGNED, Uint8Array.fromHex(zeroS), P), false);
  assert.equal(sm2Verify(SIGNED, Uint8Array.fromHex(sIsN), P), false);
  assert.equal(sm2Verify(SIGNED, Uint8Array.fromHex(N.toString(16) + S), P), false);
  assert.equal(sm2Verify(SIGNED, new Uint8Array(64), P), false);
  assert.equal(sm2Verify(SIGNED, standardSignature.subarray(0, 63), P), false);
  assert.equal(sm2Verify(SIGNED, new Uint8Array(65), P), false);
  assert.equal(sm2Verify(SIGNED, standardSignature, "04abcd"), false);
  assert.equal(sm2Verify(SIGNED, standardSignature, "04" + "zz".repeat(64)), false);
  // A point off the curve.
  assert.equal(sm2Verify(SIGNED, standardSignature, P.slice(0, -1) + "4"), false);
});

Deno.test("sm2Sign signatures verify for their message, key and user id only", () => {
  const alice = generateSm2KeyPair();
  const bob = generateSm2KeyPair();
  const message = text("ticket 42 closed");
  const signature = sm2Sign(message, alice.privateKey, "alice@tenant");
  assert.equal(sm2Verify(message, signature, alice.publicKey, "alice@tenant"), true);
  assert.equal(sm2Verify(message, signature, alice.publicKey), false);
  assert.equal(sm2Verify(message, signature, bob.publicKey, "alice@tenant"), false);
  assert.equal(
    sm2Verify(text("ticket 43 closed"), signature, alice.publicKey, "alice@tenant"),
    false,
  );
  assert.equal(sm2Verify(message, sm2Sign(message, alice.privateKey), alice.publicKey), true);
});

Deno.test("signatures made by the raw library with hash:true verify with sm2Verify", () => {
  const { privateKey, publicKey } = generateSm2KeyPair();
  const message = text("interop");
  const raw = sm2.doSignature(message, privateKey, { hash: true, publicKey });
  assert.equal(sm2Verify(message, Uint8Array.fromHex(raw), publicKey), true);
});

Deno.test("sm2Sign refuses keys that are not SM2 private keys", () => {
  const invalid = (e: unknown) => e instanceof DomainError && e.code === "invalid_key";
  assert.throws(() => sm2Sign(SIGNED, "00".repeat(32)), invalid);
  assert.throws(() => sm2Sign(SIGNED, (N - 1n).toString(16)), invalid);
  assert.throws(() => sm2Sign(SIGNED, D.slice(2)), invalid);
  assert.throws(() => sm2Sign(SIGNED, "zz" + D.slice(2)), invalid);
});

Deno.test("sm2Decrypt opens the published GM/T 0003.5 Annex C ciphertext (04||C1||C3||C2)", () => {
  assert.deepEqual(sm2Decrypt(standardCiphertext, D), ENCRYPTED);
});

Deno.test("the standard's ciphertext is 04||C1||C3||C2 rebuilt from the library's parts with k fixed", () => {
  // (x2, y2) = [k]P_B is the ECDH of k with P_B; C2 = M xor KDF(x2||y2), C3 = SM3(x2||M||y2).
  const shared = sm2.ecdh(Uint8Array.fromHex(K), P, false);
  const x2 = shared.subarray(1, 33);
  const y2 = shared.subarray(33, 65);
  const t = kdf(new Uint8Array([...x2, ...y2]), ENCRYPTED.length);
  const c2 = ENCRYPTED.map((b, i) => b ^ t[i]);
  const c3 = sm3(new Uint8Array([...x2, ...ENCRYPTED, ...y2]));
  const c1 = sm2.getPublicKeyFromPrivateKey(K);
  assert.equal(c1 + c3 + c2.toHex(), standardCiphertext.toHex());
});

Deno.test("sm2Encrypt output is 04||C1||C3||C2 and round-trips through sm2Decrypt", () => {
  const { privateKey, publicKey } = generateSm2KeyPair();
  const dataKey = crypto.getRandomValues(new Uint8Array(32));
  const sealed = sm2Encrypt(dataKey, publicKey);
  assert.equal(sealed.length, 1 + 64 + 32 + 32);
  assert.equal(sealed[0], 0x04);
  assert.equal(sm2.verifyPublicKey(sealed.subarray(0, 65).toHex()), true);
  assert.deepEqual(sm2Decrypt(sealed, privateKey), dataKey);
  // Repeated encryption to one key goes through the precomputed-point cache.
  for (let i = 0; i < 5; i++) {
    const one = crypto.getRandomValues(new Uint8Array(1 + i * 40));
    assert.deepEqual(sm2Decrypt(sm2Encrypt(one, publicKey), privateKey), one);
  }
});

Deno.test("trap: raw library ciphertext lacks the 04 prefix; both directions interoperate once it is added", () => {
  const { privateKey, publicKey } = generateSm2KeyPair();
  const message = text("wrapped data key");
  const raw = sm2.doEncrypt(message, publicKey, 1);
  assert.equal(raw.length, 2 * (64 + 32 + message.length));
  assertDecryptionFailed(() => sm2Decrypt(Uint8Array.fromHex(raw), privateKey));
  assert.deepEqual(sm2Decrypt(Uint8Array.fromHex("04" + raw), privateKey), message);

  const ours = sm2Encrypt(message, publicKey);
  const back = sm2.doDecrypt(ours.subarray(1).toHex(), privateKey, 1, { output: "array" });
  assert.deepEqual(back, message);
  // The library's other order (cipherMode 0, C1C2C3) does not open ours.
  assert.deepEqual(sm2.doDecrypt(ours.subarray(1).toHex(), privateKey, 0, { output: "array" }), []);
});

Deno.test("trap: the library's decrypt returns an empty value on failure; sm2Decrypt throws", () => {
  const { privateKey, publicKey } = generateSm2KeyPair();
  const other = generateSm2KeyPair();
  const sealed = sm2Encrypt(text("secret"), publicKey);
  const tampered = sealed.slice();
  tampered[tampered.length - 1] ^= 1;

  assert.equal(sm2.doDecrypt(sealed.subarray(1).toHex(), other.privateKey, 1), "");
  assert.deepEqual(
    sm2.doDecrypt(tampered.subarray(1).toHex(), privateKey, 1, { output: "array" }),
    [],
  );
  assertDecryptionFailed(() => sm2Decrypt(sealed, other.privateKey));
  assertDecryptionFailed(() => sm2Decrypt(tampered, privateKey));

  const badC3 = sealed.slice();
  badC3[70] ^= 0x80;
  assertDecryptionFailed(() => sm2Decrypt(badC3, privateKey));
  const badC1 = sealed.slice();
  badC1[10] ^= 1;
  assertDecryptionFailed(() => sm2Decrypt(badC1, privateKey));
  assertDecryptionFailed(() => sm2Decrypt(sealed.subarray(0, 97), privateKey));
  assertDecryptionFailed(() => sm2Decrypt(new Uint8Array(0), privateKey));
});

Deno.test("trap: an empty plaintext decrypts to the same empty value as a failure, so sm2Encrypt refuses it", () => {
  const { privateKey, publicKey } = generateSm2KeyPair();
  const emptyRoundTrip = sm2.doDecrypt(
    sm2.doEncrypt(new Uint8Array(0), publicKey, 1),
    privateKey,
    1,
  );
  assert.equal(emptyRoundTrip, "");
  assert.throws(
    () => sm2Encrypt(new Uint8Array(0), publicKey),
    (e) => e instanceof DomainError && e.code === "empty_plaintext",
  );
});

Deno.test("sm2Encrypt refuses a public key that is malformed or off the curve", () => {
  const invalid = (e: unknown) => e instanceof DomainError && e.code === "invalid_key";
  assert.throws(() => sm2Encrypt(ENCRYPTED, P.slice(2)), invalid);
  assert.throws(() => sm2Encrypt(ENCRYPTED, P.slice(0, -1) + "4"), invalid);
});
