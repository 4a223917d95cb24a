import assert from "node:assert/strict";
import { parseTenantProfiles } from "@ticketd/shared/crypto/profiles.ts";
import { DomainError } from "@ticketd/shared/errors.ts";
import { SimilarIndex, type SimilarSettings, similarTokenHasher } from "./mod.ts";

const hasher = similarTokenHasher(new Uint8Array(32).fill(3), parseTenantProfiles("intl"));

function indexOf(settings: Partial<SimilarSettings> = {}): SimilarIndex {
  const index = new SimilarIndex(hasher, settings);
  index.upsert("acme", "1", {
    subject: "NameNode crashes on startup",
    body: "OOM in the fsimage loader",
  });
  index.upsert("acme", "2", { subject: "Docs typo in the README", body: "A word is misspelt" });
  index.upsert("acme", "3", {
    subject: "NameNode OOM while loading fsimage",
    body: "crashes on startup",
  });
  index.upsert("acme", "4", { subject: "Printer jams", body: "The paper tray is stuck" });
  return index;
}

const ids = (hits: { ticketId: string }[]) => hits.map((hit) => hit.ticketId);

Deno.test("SimilarIndex - a ticket's duplicate ranks first and the ticket itself never appears", () => {
  const hits = indexOf().similarTo("acme", "1", 10);
  assert.equal(hits[0].ticketId, "3");
  assert.ok(!ids(hits).includes("1"));
  assert.ok(hits.every((hit, i) => i === 0 || hits[i - 1].score >= hit.score));
});

Deno.test("SimilarIndex - query finds tickets for new text and skips the excluded ids", () => {
  const index = indexOf();
  const text = { subject: "fsimage OOM", body: "" };
  assert.deepEqual(ids(index.query("acme", text, 10)).sort(), ["1", "3"]);
  assert.deepEqual(ids(index.query("acme", text, 10, { exclude: ["3"] })), ["1"]);
});

Deno.test("SimilarIndex - a removed ticket is found by no lookup and leaves no postings behind", () => {
  const index = indexOf();
  const before = index.query("acme", { subject: "printer paper tray", body: "" }, 5);
  assert.deepEqual(ids(before), ["4"]);
  assert.equal(index.remove("acme", "4"), true);
  assert.equal(index.remove("acme", "4"), false);
  assert.deepEqual(index.query("acme", { subject: "printer paper tray", body: "" }, 5), []);
  assert.deepEqual(index.similarTo("acme", "4", 5), []);
  assert.equal(index.size("acme"), 3);
  // The freed document number is reused by the next ticket, whose postings are its own.
  index.upsert("acme", "5", { subject: "Docs typo", body: "" });
  assert.deepEqual(ids(index.similarTo("acme", "5", 5)), ["2"]);
});

Deno.test("SimilarIndex - re-indexing a ticket replaces its old text", () => {
  const index = indexOf();
  index.upsert("acme", "2", { subject: "Printer jams again", body: "paper tray stuck" });
  assert.equal(index.similarTo("acme", "4", 5)[0].ticketId, "2");
  assert.deepEqual(index.query("acme", { subject: "README typo", body: "" }, 5), []);
  assert.equal(index.size("acme"), 4);
});

Deno.test("SimilarIndex - tenants never see each other's tickets", () => {
  const index = indexOf();
  index.upsert("globex", "9", { subject: "NameNode crashes on startup", body: "" });
  assert.deepEqual(ids(index.similarTo("globex", "9", 10)), []);
  assert.ok(!ids(index.similarTo("acme", "1", 10)).includes("9"));
});

Deno.test("SimilarIndex - Chinese text without spaces matches on characters and pairs", () => {
  const index = new SimilarIndex(hasher);
  index.upsert("acme", "1", { subject: "打开文件后编辑器崩溃", body: "" });
  index.upsert("acme", "2", { subject: "终端字体太小", body: "" });
  const hits = index.query("acme", { subject: "编辑器崩溃", body: "" }, 5);
  assert.deepEqual(ids(hits), ["1"]);
});

Deno.test("SimilarIndex - a stop-like token above the document-frequency ceiling finds nothing", () => {
  const index = new SimilarIndex(hasher, { stopMinDocs: 2, stopFraction: 0.5 });
  for (let id = 1; id <= 6; id++) {
    index.upsert("acme", String(id), { subject: `the issue${id}`, body: "" });
  }
  assert.deepEqual(index.query("acme", { subject: "the", body: "" }, 5), []);
  assert.deepEqual(ids(index.query("acme", { subject: "the issue4", body: "" }, 5)), ["4"]);
});

Deno.test("SimilarIndex - the postings bound reads the newest postings of a common token", () => {
  const index = new SimilarIndex(hasher, { maxPostingsPerQuery: 2, stopMinDocs: 100 });
  for (let id = 1; id <= 5; id++) {
    index.upsert("acme", String(id), { subject: "disk full", body: "" });
  }
  assert.deepEqual(ids(index.query("acme", { subject: "disk", body: "" }, 5)).sort(), ["4", "5"]);
});

Deno.test("SimilarIndex - a subject match outranks the same match in a body", () => {
  const index = new SimilarIndex(hasher);
  index.upsert("acme", "1", { subject: "other words", body: "kerberos ticket expired" });
  index.upsert("acme", "2", { subject: "kerberos ticket expired", body: "other words" });
  assert.deepEqual(ids(index.query("acme", { subject: "kerberos", body: "" }, 5)), ["2", "1"]);
});

Deno.test("SimilarIndex - refuses a k outside 1..100 and an id that is not decimal", () => {
  const index = indexOf();
  const code = (c: string) => (e: unknown) => e instanceof DomainError && e.code === c;
  assert.throws(() => index.similarTo("acme", "1", 0), code("invalid_k"));
  assert.throws(() => index.query("acme", { subject: "x", body: "" }, 101), code("invalid_k"));
  assert.throws(
    () => index.upsert("acme", "T-1", { subject: "x", body: "" }),
    code("invalid_ticket_id"),
  );
});

Deno.test("SimilarIndex - memoryBytes grows with tickets and falls back when a tenant is emptied", () => {
  const index = new SimilarIndex(hasher);
  assert.equal(index.memoryBytes(), 0);
  index.upsert("acme", "1", { subject: "hello world", body: "" });
  assert.ok(index.memoryBytes() > 0);
  index.remove("acme", "1");
  assert.equal(index.memoryBytes(), 0);
});
