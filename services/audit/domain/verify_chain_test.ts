import { deepEqual, equal, notEqual } from "node:assert/strict";
import { canonicalJson } from "./canonical_json.ts";
import { chain, EMPTY_HEAD, GENESIS_HASH, linkHash } from "./chain.ts";
import { ChainVerifier, type Finding, type StoredRow } from "./verify_chain.ts";
import { sampleChain, sampleEntry } from "./testing.ts";

function verify(rows: StoredRow[], head?: { n: number; seq: number; hash: string }) {
  const verifier = new ChainVerifier("acme", "TICKETS");
  for (const row of rows) {
    const finding = verifier.push(row);
    if (finding) return finding;
  }
  return verifier.end(head);
}

function named(finding: Finding | null) {
  return finding && { kind: finding.kind, n: finding.n, seq: finding.seq };
}

Deno.test("chain - hashes the previous hash's bytes followed by the canonical JSON", () => {
  const { chained, head } = chain(EMPTY_HEAD, sampleEntry(7), "SHA-256");
  equal(chained.text, canonicalJson({ ...sampleEntry(7), n: 1 }));
  equal(chained.prevHash, GENESIS_HASH);
  equal(chained.hash, linkHash("SHA-256", GENESIS_HASH, chained.text));
  deepEqual(head, { n: 1, seq: 7, hash: chained.hash });
});

Deno.test("chain - SM3 and SHA-256 chains of the same entry differ", () => {
  const sha = chain(EMPTY_HEAD, sampleEntry(7), "SHA-256").chained.hash;
  const sm3 = chain(EMPTY_HEAD, sampleEntry(7), "SM3").chained.hash;
  notEqual(sha, sm3);
  equal(sm3.length, 64);
});

Deno.test("ChainVerifier - an untouched chain passes, with its head", () => {
  for (const alg of ["SHA-256", "SM3"] as const) {
    const { rows, head } = sampleChain(20, alg);
    equal(verify(rows, head), null);
  }
});

Deno.test("ChainVerifier - an altered entry text is named", () => {
  const { rows, head } = sampleChain(10);
  rows[4] = { ...rows[4], text: rows[4].text.replace("change_status", "close_ticket") };
  deepEqual(named(verify(rows, head)), { kind: "altered", n: 5, seq: 50 });
});

Deno.test("ChainVerifier - an altered query column is named", () => {
  const { rows, head } = sampleChain(10);
  rows[2] = { ...rows[2], actorId: "someone-else" };
  deepEqual(named(verify(rows, head)), { kind: "altered", n: 3, seq: 30 });
});

Deno.test("ChainVerifier - an entry rewritten with a recomputed hash is named by the next link", () => {
  const { rows, head } = sampleChain(10);
  const text = rows[5].text.replace("agent-0", "agent-9");
  rows[5] = {
    ...rows[5],
    text,
    actorId: "agent-9",
    hash: linkHash("SHA-256", rows[5].prevHash, text),
  };
  deepEqual(named(verify(rows, head)), { kind: "altered", n: 6, seq: 60 });
});

Deno.test("ChainVerifier - a removed entry is named by its position", () => {
  const { rows, head } = sampleChain(10);
  rows.splice(3, 1);
  deepEqual(named(verify(rows, head)), { kind: "removed", n: 4, seq: null });
});

Deno.test("ChainVerifier - removing the last entries is caught by the head", () => {
  const { rows, head } = sampleChain(10);
  deepEqual(named(verify(rows.slice(0, 8), head)), { kind: "removed", n: 9, seq: null });
});

Deno.test("ChainVerifier - two swapped entries are named as reordered", () => {
  const { rows, head } = sampleChain(10);
  [rows[6], rows[7]] = [rows[7], rows[6]];
  deepEqual(named(verify(rows, head)), { kind: "reordered", n: 7, seq: 70 });
});

Deno.test("ChainVerifier - a checkpoint naming a later entry catches a cut tail without a head", () => {
  const { rows } = sampleChain(10);
  const verifier = new ChainVerifier("acme", "TICKETS");
  verifier.expect(100, rows[9].hash);
  for (const row of rows.slice(0, 9)) equal(verifier.push(row), null);
  deepEqual(named(verifier.end()), { kind: "removed", n: 10, seq: null });
});

Deno.test("ChainVerifier - a chain checked from a known head continues from it", () => {
  const { rows, head } = sampleChain(10);
  const verifier = new ChainVerifier("acme", "TICKETS", {
    n: 5,
    seq: 50,
    hash: rows[4].hash,
  });
  for (const row of rows.slice(5)) equal(verifier.push(row), null);
  equal(verifier.end(head), null);
  equal(verifier.checked, 5);
});
