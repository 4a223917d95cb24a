/**
 * `deno run -A bench/token_bench.ts`: bearer-token verifications per second through
 * `createVerifier` for EdDSA, ES256 and SM2, each cold (every token distinct, so every one is
 * a signature check) and cached (one token repeated), with the ratios; about 10-20 s.
 * {@link runTokenBench} returns the numbers for the main benchmark's report.
 * @module
 */
import { exportJWK, generateKeyPair, SignJWT } from "jose";
import { createVerifier, type Verifier } from "../shared/http/auth.ts";
import { generateSm2Jwk, signSm2Jwt } from "../shared/http/jws_sm2.ts";
import { printFigures } from "./figures_table.ts";

const ALGORITHMS = ["EdDSA", "ES256", "SM2"] as const;
type Alg = typeof ALGORITHMS[number];
// Per algorithm: minting the cold tokens (not timed) stops at either bound.
const MINT_BUDGET_MS = 1_200;
const MAX_COLD_TOKENS = 5_000;
const WARM_UP_TOKENS = 50;
const CACHED_BUDGET_MS = 700;
const ISSUER = "bench-issuer";
const AUDIENCE = "ticketd";

/** Runs every measurement once; keys end in `_ops` (verifications per second) or `_ratio`. */
export async function runTokenBench(): Promise<Record<string, number>> {
  const results: Record<string, number> = {};
  for (const alg of ALGORITHMS) {
    const { sign, jwks } = await signer(alg);
    const tokens = await mintTokens(sign);
    const key = alg.toLowerCase();
    results[`token_${key}_cold_ops`] = await coldRate(verifierFor(jwks), tokens);
    results[`token_${key}_cached_ops`] = await cachedRate(verifierFor(jwks), tokens[0]);
    results[`token_${key}_cached_vs_cold_ratio`] = results[`token_${key}_cached_ops`] /
      results[`token_${key}_cold_ops`];
  }
  results.token_eddsa_vs_sm2_cold_ratio = results.token_eddsa_cold_ops / results.token_sm2_cold_ops;
  results.token_es256_vs_sm2_cold_ratio = results.token_es256_cold_ops / results.token_sm2_cold_ops;
  return results;
}

async function signer(alg: Alg) {
  if (alg === "SM2") {
    const { privateJwk, publicJwk } = generateSm2Jwk("bench-sm2");
    const sign = (claims: Record<string, unknown>) =>
      Promise.resolve(signSm2Jwt(claims, { kid: "bench-sm2", privateJwk }));
    return { sign, jwks: { keys: [publicJwk] } };
  }
  const { privateKey, publicKey } = await generateKeyPair(alg, { extractable: true });
  const kid = `bench-${alg}`;
  const sign = (claims: Record<string, unknown>) =>
    new SignJWT(claims).setProtectedHeader({ alg, kid, typ: "JWT" }).sign(privateKey);
  return { sign, jwks: { keys: [{ ...(await exportJWK(publicKey)), kid, alg, use: "sig" }] } };
}

async function mintTokens(sign: (claims: Record<string, unknown>) => Promise<string>) {
  const now = Math.floor(Date.now() / 1000);
  const tokens: string[] = [];
  const until = performance.now() + MINT_BUDGET_MS;
  while (tokens.length < MAX_COLD_TOKENS && (performance.now() < until || tokens.length < 200)) {
    tokens.push(
      await sign({
        iss: ISSUER,
        aud: AUDIENCE,
        sub: `user-${tokens.length}`,
        jti: crypto.randomUUID(),
        tenant: "bench",
        roles: ["agent"],
        iat: now,
        exp: now + 3_600,
      }),
    );
  }
  return tokens;
}

function verifierFor(jwks: { keys: unknown[] }): Verifier {
  return createVerifier({ audience: AUDIENCE, issuer: ISSUER, jwks });
}

// Every token verified once: each is a miss, so each pays the signature check.
async function coldRate(verify: Verifier, tokens: string[]): Promise<number> {
  for (const token of tokens.slice(0, WARM_UP_TOKENS)) await verify(token);
  const timed = tokens.slice(WARM_UP_TOKENS);
  const start = performance.now();
  for (const token of timed) await verify(token);
  return timed.length / ((performance.now() - start) / 1000);
}

async function cachedRate(verify: Verifier, token: string): Promise<number> {
  for (let i = 0; i < 1_000; i++) await verify(token);
  let count = 0;
  const start = performance.now();
  let now = start;
  while (now - start < CACHED_BUDGET_MS) {
    for (let i = 0; i < 64; i++) await verify(token);
    count += 64;
    now = performance.now();
  }
  return count / ((now - start) / 1000);
}

if (import.meta.main) await printFigures(runTokenBench, { _ops: "verifications/s", _ratio: "x" });
