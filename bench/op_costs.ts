/**
 * CPU cost of the single operations a ticket creation and a list page are made of, timed in
 * this process with the service's own code (µs per call, after a warm-up). They explain the
 * end-to-end figures: a creation seals twice, verifies a token, parses a body, and the
 * projector opens twice and hashes every token; a list page opens 50 subjects.
 * @module
 */
import { createHmac } from "node:crypto";
import { decodeBase64, encodeBase64Url } from "@ticketd/shared/crypto/base64.ts";
import { memoryEnvelope } from "@ticketd/shared/keys/testing.ts";
import { generateKeyringFile, parseKeyring } from "@ticketd/shared/crypto/keyring.ts";
import { createVerifier } from "@ticketd/shared/http/auth.ts";
import {
  DEV_AUDIENCE,
  DEV_ISSUER,
  loadOrCreateDevKeys,
  mintDevToken,
} from "@ticketd/shared/http/dev_keys.ts";
import { documentTokens, hashTokens } from "@ticketd/shared/search/tokens.ts";
import { requestSchemas } from "../services/tickets/http/schemas.ts";
import { loadConfig } from "../services/tickets/config.ts";
import type { CorpusDoc } from "./corpus.ts";

export interface OpCost {
  op: string;
  /** Wall time per call, one call at a time (what one request waits). */
  microseconds: number;
  /** Wall time per call with 64 calls in flight (what throughput allows); async ops only. */
  concurrentMicroseconds: number | null;
}

/** Times each operation `rounds` times, one at a time and (async ones) 64 at once. */
export async function measureOpCosts(
  docs: CorpusDoc[],
  dir: string,
  rounds = 2_000,
): Promise<OpCost[]> {
  const keyring = parseKeyring(generateKeyringFile());
  const { envelope } = memoryEnvelope(keyring);
  const scope = { tenant: "bench", ticketId: "1", ownerId: "bench-customer" };
  const keys = await loadOrCreateDevKeys(`${dir}/op_costs`);
  const token = await mintDevToken(keys, { sub: "bench", tenant: "bench", role: "supervisor" });
  const verify = createVerifier({
    audience: DEV_AUDIENCE,
    issuer: DEV_ISSUER,
    jwks: { keys: [keys.publicJwk] },
  });
  const schema = requestSchemas(loadConfig({}).limits).createTicket;
  const doc = docs.find((d) => d.lang === "en" && d.body.length > 300 && d.body.length < 600)!;
  const text = `${doc.subject}\n${doc.body}`;
  const request = { subject: doc.subject, body: doc.body, priority: "high", tags: ["hadoop"] };
  const [sealedBody, sealedSubject] = await Promise.all([
    envelope.seal(doc.body, scope),
    envelope.seal(doc.subject, scope),
  ]);
  const base64 = encodeBase64Url(crypto.getRandomValues(new Uint8Array(700)));
  const tokens = [...documentTokens(text)];
  // deno-fmt-ignore
  const ops: [string, () => unknown, number?][] = [
    ["bearer token verify (jose, EdDSA)", () => verify(token)],
    [
      "createTicket body: JSON.parse + zod",
      () => schema.parse(JSON.parse(JSON.stringify(request))),
    ],
    [`Envelope.seal (body, ${doc.body.length} chars)`, () => envelope.seal(doc.body, scope)],
    [`Envelope.open (body, ${doc.body.length} chars)`, () => envelope.open(sealedBody, scope)],
    [
      `Envelope.open (subject, ${doc.subject.length} chars)`,
      () => envelope.open(sealedSubject, scope),
    ],
    ["decodeBase64 (shared/crypto/base64.ts), 700 bytes", () => decodeBase64(base64)],
    ["Uint8Array.fromBase64 (built in), 700 bytes", () => fromBase64(base64)],
    [`documentTokens (${tokens.length} tokens)`, () => documentTokens(text)],
    [
      "hashTokens, per token",
      () => hashTokens(tokens, keyring.searchKey),
      tokens.length,
    ],
    [
      "node:crypto createHmac-sha256 of a request",
      () =>
        createHmac("sha256", keyring.searchKey).update(JSON.stringify(request)).digest("base64url"),
    ],
  ];
  const costs: OpCost[] = [];
  for (const [op, run, per] of ops) costs.push({ op, ...await timeOp(run, rounds, per ?? 1) });
  return costs;
}

async function timeOp(run: () => unknown, rounds: number, per: number) {
  for (let i = 0; i < 200; i++) await run(); // warm-up
  let started = performance.now();
  for (let i = 0; i < rounds; i++) await run();
  const microseconds = ((performance.now() - started) * 1000) / rounds / per;
  let concurrentMicroseconds = null;
  if (run() instanceof Promise) {
    const batches = Math.ceil(rounds / 64);
    started = performance.now();
    for (let i = 0; i < batches; i++) await Promise.all(Array.from({ length: 64 }, run));
    concurrentMicroseconds = ((performance.now() - started) * 1000) / (batches * 64);
  }
  return { microseconds, concurrentMicroseconds };
}

function fromBase64(text: string): Uint8Array {
  // Built into V8 (TC39 "Uint8Array to/from base64"); not yet in TypeScript's lib here.
  const u8 = Uint8Array as unknown as {
    fromBase64(text: string, options: { alphabet: "base64url" }): Uint8Array;
  };
  return u8.fromBase64(text, { alphabet: "base64url" });
}
