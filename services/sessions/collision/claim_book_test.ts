import assert from "node:assert/strict";
import { connect } from "@nats-io/transport-node";
import { DomainError } from "@ticketd/shared/errors.ts";
import { createLogger } from "@ticketd/shared/log/logger.ts";
import { openTtlBucket } from "@ticketd/shared/runtime/ttl_bucket.ts";
import { withNats } from "../../../tests/support/nats.ts";
import { ClaimBook, CLAIMS_BUCKET } from "./claim_book.ts";
import { collisionSubject } from "./collision.ts";

const log = createLogger("error", { service: "sessions-test" });

function withBook(claimMs: number, fn: (book: ClaimBook, told: unknown[]) => Promise<void>) {
  return withNats(async (url) => {
    const nc = await connect({ servers: url });
    try {
      const told: unknown[] = [];
      nc.subscribe(collisionSubject("acme", "42"), {
        callback: (_e, m) => void told.push(m.json()),
      });
      const book = new ClaimBook(nc, await openTtlBucket(nc, CLAIMS_BUCKET, claimMs), claimMs, log);
      await fn(book, told);
      await nc.flush();
    } finally {
      await nc.close();
    }
  });
}

const claimed = (e: unknown) => e instanceof DomainError && e.code === "claimed";

Deno.test("ClaimBook - one agent holds the claim; another is refused 409 until it is released", () =>
  withBook(60_000, async (book, told) => {
    const first = await book.take("acme", "42", "alice");
    await assert.rejects(() => book.take("acme", "42", "bob"), claimed);
    const renewed = await book.take("acme", "42", "alice");
    assert.ok(renewed.until >= first.until, "renewing moves the end on");
    await assert.rejects(() => book.release("acme", "42", "bob"), claimed);
    assert.equal(await book.release("acme", "42", "alice"), true);
    assert.equal(await book.current("acme", "42"), null);
    assert.equal((await book.take("acme", "42", "bob")).agentId, "bob");
    await new Promise((done) => setTimeout(done, 50));
    assert.deepEqual(told.map((t) => (t as { claim: { agentId: string } | null }).claim?.agentId), [
      "alice",
      "alice",
      undefined,
      "bob",
    ]);
  }));

Deno.test("ClaimBook - a claim not renewed expires and another agent may take it", () =>
  withBook(1_000, async (book) => {
    await book.take("acme", "42", "alice");
    await assert.rejects(() => book.take("acme", "42", "bob"), claimed);
    await new Promise((done) => setTimeout(done, 1_300));
    assert.equal(await book.current("acme", "42"), null);
    assert.equal((await book.take("acme", "42", "bob")).agentId, "bob");
  }));

Deno.test("ClaimBook - of two agents taking a free claim at once, exactly one gets it", () =>
  withBook(60_000, async (book) => {
    const results = await Promise.allSettled([
      book.take("acme", "42", "alice"),
      book.take("acme", "42", "bob"),
    ]);
    assert.equal(results.filter((r) => r.status === "fulfilled").length, 1);
    const refused = results.find((r) => r.status === "rejected") as PromiseRejectedResult;
    assert.ok(claimed(refused.reason), String(refused.reason));
  }));
