/**
 * `deno run -A bench/crypto_bench.ts`: throughput of the GM primitives next to what they would
 * replace, in one bounded run (about 20 s): AES-256-GCM (node:crypto) vs our SM4-GCM vs
 * `sm-crypto-v2`'s SM4-GCM on 1 KiB and 64 KiB, SM3 vs SHA-256, and SM2 operations per second.
 * {@link runCryptoBench} returns the numbers for the main benchmark's report.
 * @module
 */
import { createCipheriv, createHash, randomBytes } from "node:crypto";
import { sm2 as referenceSm2, sm3 as referenceSm3, sm4 as referenceSm4 } from "sm-crypto-v2";
import {
  generateSm2KeyPair,
  sm2Decrypt,
  sm2Encrypt,
  sm2Sign,
  sm2Verify,
} from "../shared/crypto/gm/sm2.ts";
import { sm3 } from "../shared/crypto/gm/sm3.ts";
import { sm4GcmSeal } from "../shared/crypto/gm/sm4_gcm.ts";
import { printFigures } from "./figures_table.ts";

// Per measurement; 20 measurements plus warm-up stay well under 30 s.
const BUDGET_MS = 700;
const ROUNDS = 5;
const SIZES = [["1k", 1024], ["64k", 65536]] as const;

/** Runs every measurement once; keys end in `_mbps`, `_ops` or `_ratio`. */
export async function runCryptoBench(): Promise<Record<string, number>> {
  const results: Record<string, number> = {};
  const aesKey = randomBytes(32);
  const sm4Key = new Uint8Array(randomBytes(16));
  const iv = new Uint8Array(randomBytes(12));
  const aad = new Uint8Array(randomBytes(32));

  for (const [label, size] of SIZES) {
    const message = new Uint8Array(randomBytes(size));
    results[`aes256gcm_${label}_mbps`] = await throughput(size, () => {
      const cipher = createCipheriv("aes-256-gcm", aesKey, iv).setAAD(aad);
      cipher.update(message);
      cipher.final();
      cipher.getAuthTag();
    });
    results[`sm4gcm_${label}_mbps`] = await throughput(size, () => {
      sm4GcmSeal(sm4Key, iv, message, aad);
    });
    results[`sm4gcm_sm_crypto_v2_${label}_mbps`] = await throughput(size, () => {
      referenceSm4.encrypt(message, sm4Key, {
        mode: "gcm",
        iv,
        associatedData: aad,
        output: "array",
        outputTag: true,
      });
    });
    results[`aes_vs_sm4gcm_${label}_ratio`] = results[`aes256gcm_${label}_mbps`] /
      results[`sm4gcm_${label}_mbps`];
    results[`sm4gcm_vs_sm_crypto_v2_${label}_ratio`] = results[`sm4gcm_${label}_mbps`] /
      results[`sm4gcm_sm_crypto_v2_${label}_mbps`];
  }

  const data = new Uint8Array(randomBytes(65536));
  results.sha256_64k_mbps = await throughput(data.length, () => {
    createHash("sha256").update(data).digest();
  });
  results.sm3_64k_mbps = await throughput(data.length, () => {
    sm3(data);
  });
  results.sm3_sm_crypto_v2_64k_mbps = await throughput(data.length, () => {
    referenceSm3(data);
  });
  results.sm3_native_64k_mbps = await throughput(data.length, () => {
    createHash("sm3").update(data).digest();
  });
  results.sha256_vs_sm3_ratio = results.sha256_64k_mbps / results.sm3_64k_mbps;
  results.sm3_vs_sm_crypto_v2_ratio = results.sm3_64k_mbps / results.sm3_sm_crypto_v2_64k_mbps;

  const { privateKey, publicKey } = generateSm2KeyPair();
  const digest = new Uint8Array(randomBytes(32));
  const signature = sm2Sign(digest, privateKey);
  const dataKey = new Uint8Array(randomBytes(32));
  const wrapped = sm2Encrypt(dataKey, publicKey);
  results.sm2_sign_ops = await rate(() => sm2Sign(digest, privateKey));
  results.sm2_verify_ops = await rate(() => sm2Verify(digest, signature, publicKey));
  const signatureHex = signature.toHex();
  results.sm2_verify_no_precompute_ops = await rate(() =>
    referenceSm2.doVerifySignature(digest, signatureHex, publicKey, { hash: true })
  );
  results.sm2_encrypt_ops = await rate(() => sm2Encrypt(dataKey, publicKey));
  results.sm2_encrypt_no_precompute_ops = await rate(() =>
    referenceSm2.doEncrypt(dataKey, publicKey, 1)
  );
  results.sm2_decrypt_ops = await rate(() => sm2Decrypt(wrapped, privateKey));
  results.sm2_encrypt_precompute_speedup_ratio = results.sm2_encrypt_ops /
    results.sm2_encrypt_no_precompute_ops;
  results.sm2_verify_precompute_speedup_ratio = results.sm2_verify_ops /
    results.sm2_verify_no_precompute_ops;
  return results;
}

async function throughput(bytes: number, op: () => void): Promise<number> {
  return (await rate(op)) * bytes / 1e6;
}

// Operations per second: the best of ROUNDS rounds within BUDGET_MS, after a short warm-up.
// The best, not the mean, because the machine is shared and contention only ever slows a
// round down. Yields between rounds so a caller's timers still fire.
async function rate(op: () => unknown): Promise<number> {
  const warmUntil = performance.now() + BUDGET_MS / 5;
  while (performance.now() < warmUntil) op();
  let best = 0;
  for (let round = 0; round < ROUNDS; round++) {
    let count = 0;
    const start = performance.now();
    let now = start;
    while (now - start < BUDGET_MS / ROUNDS) {
      for (let i = 0; i < 4; i++) op();
      count += 4;
      now = performance.now();
    }
    best = Math.max(best, count / ((now - start) / 1000));
    await new Promise((resolve) => setTimeout(resolve, 0));
  }
  return best;
}

if (import.meta.main) {
  await printFigures(runCryptoBench, { _mbps: "MB/s", _ops: "ops/s", _ratio: "x" });
}
