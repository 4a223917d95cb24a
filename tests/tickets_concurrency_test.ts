/**
 * Optimistic concurrency and idempotency on real JetStream: stale versions, races, retries.
 * @module
 */
import assert from "node:assert/strict";
import { jetstream } from "@nats-io/jetstream";
import { decodeCommit, encodeCommit, ticketSubject } from "@ticketd/shared/events/tickets.ts";
import { JetStreamEventStore } from "@ticketd/shared/eventstore/jetstream.ts";
import {
  agentA,
  createTicket,
  customerA,
  projected,
  supervisorA,
  ticketBody,
  withHarness,
} from "./support/tickets_harness.ts";
import type { Harness } from "./support/tickets_harness.ts";

async function streamCount(h: Harness, subject = "tickets.>"): Promise<number> {
  const info = await h.jsm.streams.info("TICKETS", { subjects_filter: subject });
  return Object.values(info.state.subjects ?? {}).reduce((a, b) => a + b, 0);
}

Deno.test("If-Match - a stale version gets 412 version_conflict with the current version", () =>
  withHarness(async (h) => {
    const { id, version } = await createTicket(h, customerA);
    const first = await h.call(agentA, "PUT", `/v1/tickets/${id}/priority`, { priority: "high" }, {
      "if-match": `"${version}"`,
    });
    assert.equal(first.status, 200);
    const current = Number(JSON.parse(first.headers.get("etag")!));
    const stale = await h.call(agentA, "POST", `/v1/tickets/${id}/status`, { status: "open" }, {
      "if-match": `"${version}"`,
    });
    assert.equal(stale.status, 412);
    const problem = await stale.json();
    assert.equal(problem.code, "version_conflict");
    assert.equal(problem.currentVersion, current);
    assert.equal(stale.headers.get("etag"), `"${current}"`);
  }));

Deno.test("If-Match - of two concurrent changes with the same version exactly one wins", () =>
  withHarness(async (h) => {
    const { id, version } = await createTicket(h, customerA);
    const ifMatch = { "if-match": `"${version}"` };
    const results = await Promise.all([
      h.call(agentA, "POST", `/v1/tickets/${id}/status`, { status: "pending" }, ifMatch),
      h.call(agentA, "POST", `/v1/tickets/${id}/status`, { status: "on_hold" }, ifMatch),
      h.call(agentA, "PUT", `/v1/tickets/${id}/priority`, { priority: "urgent" }, ifMatch),
    ]);
    assert.deepEqual(results.map((r) => r.status).sort(), [200, 412, 412]);
    assert.equal(await streamCount(h, ticketSubject("acme", id)), 2);
  }));

Deno.test("without If-Match - concurrent changes are re-decided and none is lost", () =>
  withHarness(async (h) => {
    const { id } = await createTicket(h, customerA);
    const tags = Array.from({ length: 12 }, (_, i) => `t${i}`);
    const results = await Promise.all(
      tags.map((tag) => h.call(agentA, "POST", `/v1/tickets/${id}/tags`, { add: [tag] })),
    );
    assert.deepEqual(results.map((r) => r.status), tags.map(() => 200));
    const versions = await Promise.all(results.map(async (r) => (await r.json()).version));
    await projected(h, Math.max(...versions));
    const ticket = await (await h.call(agentA, "GET", `/v1/tickets/${id}`)).json();
    assert.deepEqual([...ticket.tags].sort(), [...tags].sort());
  }));

Deno.test("without If-Match - a command that lost the race to another process is re-decided", () =>
  withHarness(async (h) => {
    const { id } = await createTicket(h, customerA);
    await h.call(agentA, "POST", `/v1/tickets/${id}/tags`, { add: ["mine"] }); // cached here
    // Another process appends behind this one's back.
    const store = new JetStreamEventStore(jetstream(h.nc), h.jsm, "TICKETS");
    const subject = ticketSubject("acme", id);
    const [last] = (await store.readSubject(subject)).slice(-1);
    await store.append(
      subject,
      encodeCommit({
        meta: { ...decodeCommit(last.data).meta, commandId: "1", at: new Date().toISOString() },
        events: [{ type: "TicketTagsChanged", data: { added: ["theirs"], removed: [] } }],
      }),
      { expectedVersion: last.version, messageId: "foreign-1" },
    );
    const response = await h.call(agentA, "POST", `/v1/tickets/${id}/tags`, { add: ["again"] });
    assert.equal(response.status, 200);
    assert.deepEqual((await response.json()).tags, ["mine", "theirs", "again"]);
  }));

Deno.test("without If-Match - a change that no longer makes sense after the race is refused", () =>
  withHarness(async (h) => {
    const { id } = await createTicket(h, customerA);
    await h.call(agentA, "POST", `/v1/tickets/${id}/status`, { status: "solved" });
    const [close, reopen] = await Promise.all([
      h.call(supervisorA, "POST", `/v1/tickets/${id}/status`, { status: "closed" }),
      h.call(agentA, "POST", `/v1/tickets/${id}/status`, { status: "open" }),
    ]);
    const statuses = [close.status, reopen.status].sort();
    // Either order is possible; "closed then open" must be refused, "open then closed" too.
    assert.deepEqual(statuses, [200, 409]);
  }));

Deno.test("Idempotency-Key - a retried create returns the original ticket and stores one", () =>
  withHarness(async (h) => {
    const headers = { "idempotency-key": "order-7781-retry" };
    const first = await h.call(customerA, "POST", "/v1/tickets", ticketBody(), headers);
    const again = await h.call(customerA, "POST", "/v1/tickets", ticketBody(), headers);
    assert.equal(first.status, 201);
    assert.equal(again.status, 200);
    const [a, b] = [await first.json(), await again.json()];
    assert.equal(b.id, a.id);
    assert.equal(b.number, a.number);
    assert.equal(b.duplicate, true);
    assert.equal(await streamCount(h), 1);
  }));

Deno.test("Idempotency-Key - concurrent retries of one create still make one ticket", () =>
  withHarness(async (h) => {
    const headers = { "idempotency-key": "burst" };
    const results = await Promise.all(
      Array.from(
        { length: 8 },
        () => h.call(customerA, "POST", "/v1/tickets", ticketBody(), headers),
      ),
    );
    const ids = new Set(await Promise.all(results.map(async (r) => (await r.json()).id)));
    assert.equal(ids.size, 1);
    assert.equal(await streamCount(h), 1);
  }));

Deno.test("Idempotency-Key - the same key for a different request is refused", () =>
  withHarness(async (h) => {
    const headers = { "idempotency-key": "k" };
    await h.call(customerA, "POST", "/v1/tickets", ticketBody(), headers);
    const other = await h.call(
      customerA,
      "POST",
      "/v1/tickets",
      ticketBody({ subject: "Else" }),
      headers,
    );
    assert.equal(other.status, 422);
    assert.equal((await other.json()).code, "idempotency_key_reused");
  }));

Deno.test("Idempotency-Key - keys are scoped per caller, so two users cannot collide", () =>
  withHarness(async (h) => {
    const headers = { "idempotency-key": "same" };
    const a = await h.call(customerA, "POST", "/v1/tickets", ticketBody(), headers);
    const b = await h.call(agentA, "POST", "/v1/tickets", ticketBody(), headers);
    assert.equal(a.status, 201);
    assert.equal(b.status, 201);
    assert.notEqual((await a.json()).id, (await b.json()).id);
  }));

Deno.test("Idempotency-Key - a retried reply is stored once", () =>
  withHarness(async (h) => {
    const { id } = await createTicket(h, customerA);
    const headers = { "idempotency-key": "reply-1" };
    const path = `/v1/tickets/${id}/messages`;
    const first = await h.call(agentA, "POST", path, { body: "Hello" }, headers);
    const again = await h.call(agentA, "POST", path, { body: "Hello" }, headers);
    assert.equal((await first.json()).version, (await again.json()).version);
    assert.equal(await streamCount(h, ticketSubject("acme", id)), 2);
  }));

Deno.test("Idempotency-Key with If-Match - a retry after success gets the original, not 412", () =>
  withHarness(async (h) => {
    const { id, version } = await createTicket(h, customerA);
    const headers = { "idempotency-key": "reply-2", "if-match": `"${version}"` };
    const path = `/v1/tickets/${id}/messages`;
    const first = await h.call(agentA, "POST", path, { body: "Hello" }, headers);
    const again = await h.call(agentA, "POST", path, { body: "Hello" }, headers);
    assert.equal(first.status, 200);
    assert.equal(again.status, 200);
    assert.equal((await first.json()).version, (await again.json()).version);
    const different = await h.call(agentA, "POST", path, { body: "Other" }, {
      ...headers,
      "idempotency-key": "reply-3",
    });
    assert.equal(different.status, 412);
    assert.equal(await streamCount(h, ticketSubject("acme", id)), 2);
  }));

Deno.test("Idempotency-Key - the same reply key on another ticket is refused, never taken as a repeat", () =>
  withHarness(async (h) => {
    const [one, two] = [await createTicket(h, customerA), await createTicket(h, customerA)];
    const headers = { "idempotency-key": "same-key-1" };
    const reply = (id: string) =>
      h.call(agentA, "POST", `/v1/tickets/${id}/messages`, { body: "thanks, looking" }, headers);
    assert.equal((await reply(one.id)).status, 200);
    const other = await reply(two.id);
    assert.equal(other.status, 422);
    assert.equal((await other.json()).code, "idempotency_key_reused");
    assert.equal(await streamCount(h, ticketSubject("acme", two.id)), 1);
  }));

Deno.test("externalId - a second create with the same external id answers with the first ticket", () =>
  withHarness(async (h) => {
    const first = await h.call(
      agentA,
      "POST",
      "/v1/tickets",
      ticketBody({ externalId: "jira:HADOOP-1" }),
    );
    const again = await h.call(
      agentA,
      "POST",
      "/v1/tickets",
      ticketBody({ externalId: "jira:HADOOP-1" }),
    );
    assert.equal(first.status, 201);
    assert.equal(again.status, 200);
    assert.equal((await again.json()).id, (await first.json()).id);
    assert.equal(await streamCount(h), 1);
  }));

Deno.test("ticket numbers - are unique per tenant and survive a restart", () =>
  withHarness(async (h) => {
    const before = await Promise.all(Array.from({ length: 5 }, () => createTicket(h, customerA)));
    await h.restart();
    const after = await createTicket(h, customerA);
    const numbers = [...before.map((t) => t.number), after.number];
    assert.equal(new Set(numbers).size, numbers.length);
    assert.ok(after.number > Math.max(...before.map((t) => t.number)));
  }));

Deno.test("externalId - concurrent creates with one external id make one ticket and answer all", () =>
  withHarness(async (h) => {
    const results = await Promise.all(
      Array.from(
        { length: 10 },
        () => h.call(agentA, "POST", "/v1/tickets", ticketBody({ externalId: "mail:<a@b>" })),
      ),
    );
    assert.deepEqual(results.map((r) => r.status).sort(), [
      200,
      200,
      200,
      200,
      200,
      200,
      200,
      200,
      200,
      201,
    ]);
    const ids = new Set(await Promise.all(results.map(async (r) => (await r.json()).id)));
    assert.equal(ids.size, 1);
    assert.equal(await streamCount(h), 1);
  }));
