/**
 * Merging and unmerging tickets on real NATS and PostgreSQL: what the target shows, what the
 * source refuses, opposite and circular merges racing, and recovery of an interrupted merge.
 * @module
 */
import assert from "node:assert/strict";
import { jetstream } from "@nats-io/jetstream";
import {
  decodeCommit,
  encodeCommit,
  type TicketEvent,
  ticketSubject,
} from "@ticketd/shared/events/tickets.ts";
import { JetStreamEventStore } from "@ticketd/shared/eventstore/jetstream.ts";
import { commit, type PairSpec, reserve } from "../services/tickets/domain/pairs.ts";
import { evolve, noTicket, type Ticket } from "../services/tickets/domain/ticket.ts";
import {
  adminA,
  agentA,
  type Caller,
  createTicket,
  customerA,
  customerA2,
  type Harness,
  projected,
  withHarness,
} from "./support/tickets_harness.ts";

async function merge(h: Harness, who: Caller, id: string, into: string) {
  const response = await h.call(who, "POST", `/v1/tickets/${id}/merge`, { into });
  return { status: response.status, json: await response.json() };
}

/** The ticket as the read model shows it once it has caught up with the stream. */
async function read(h: Harness, who: Caller, id: string) {
  await projected(h, (await h.jsm.streams.info("TICKETS")).state.last_seq);
  const response = await h.call(who, "GET", `/v1/tickets/${id}`);
  return { status: response.status, json: await response.json() };
}

async function ticketPair(h: Harness) {
  const a = await createTicket(h, customerA, { body: "Alpha words", tags: ["alpha"] });
  const b = await createTicket(h, customerA2, { body: "Beta words", tags: ["beta"] });
  return { a: a.id, b: b.id };
}

Deno.test("merge - the target shows the source's messages, tags and requester; the source is closed as merged and refuses changes naming its target", () =>
  withHarness(async (h) => {
    const { a, b } = await ticketPair(h);
    const merged = await merge(h, agentA, a, b);
    assert.equal(merged.status, 200, JSON.stringify(merged.json));
    assert.equal(merged.json.ticket.status, "closed");

    const target = (await read(h, agentA, b)).json;
    assert.deepEqual(target.messages.map((m: { body: string }) => m.body).sort(), [
      "Alpha words",
      "Beta words",
    ]);
    assert.deepEqual([...target.tags].sort(), ["alpha", "beta"]);
    assert.deepEqual(target.merged.map((m: { ticketId: string }) => m.ticketId), [a]);
    assert.equal(target.pendingOperation, null);

    const source = (await read(h, agentA, a)).json;
    assert.equal(source.status, "closed");
    assert.equal(source.mergedInto, b);

    // The source's requester is answered on the target, so they may read it.
    const asRequester = await read(h, customerA, b);
    assert.equal(asRequester.status, 200);
    const reply = await h.call(customerA, "POST", `/v1/tickets/${a}/messages`, { body: "Hi?" });
    const problem = await reply.json();
    assert.deepEqual([reply.status, problem.code, problem.mergedInto], [409, "merged", b]);

    // Customers' history leaves the merge workflow (other requesters' ids) out.
    const history = await (await h.call(customerA2, "GET", `/v1/tickets/${b}/history`)).json();
    const types = history.entries.flatMap((e: { events: { type: string }[] }) =>
      e.events.map((x) => x.type)
    );
    assert.ok(!types.includes("TicketMerged"), types.join());
  }));

Deno.test("merge - customers may not merge; a target the agent cannot see is 422, the ticket itself 404", () =>
  withHarness(async (h) => {
    const { a, b } = await ticketPair(h);
    const byCustomer = await merge(h, customerA, a, b);
    assert.deepEqual([byCustomer.status, byCustomer.json.code], [403, "forbidden"]);
    const hidden = await createTicket(h, adminA, {
      requesterId: customerA.sub,
      groupId: "elsewhere",
    });
    const intoHidden = await merge(h, agentA, a, hidden.id);
    assert.deepEqual([intoHidden.status, intoHidden.json.code], [422, "invalid_pair_target"]);
    const fromHidden = await merge(h, agentA, hidden.id, a);
    assert.deepEqual([fromHidden.status, fromHidden.json.code], [404, "ticket_not_found"]);
    const self = await merge(h, agentA, a, a);
    assert.deepEqual([self.status, self.json.code], [422, "merge_into_self"]);
    // Nothing of the refused attempts holds the tickets.
    assert.equal((await read(h, agentA, a)).json.pendingOperation, null);
    assert.equal((await merge(h, agentA, a, b)).status, 200);
  }));

Deno.test("merge - into a merged ticket follows it to its target; merging back is refused, never a cycle", () =>
  withHarness(async (h) => {
    const { a, b } = await ticketPair(h);
    const c = (await createTicket(h, customerA)).id;
    assert.equal((await merge(h, agentA, a, b)).status, 200);
    const followed = await merge(h, agentA, c, a);
    assert.equal(followed.status, 200);
    assert.equal(followed.json.other.id, b);
    const back = await merge(h, agentA, b, a);
    assert.deepEqual([back.status, back.json.code], [409, "merge_cycle"]);
    const target = (await read(h, agentA, b)).json;
    assert.deepEqual(
      target.merged.map((m: { ticketId: string }) => m.ticketId).sort(),
      [a, c].sort(),
    );
  }));

Deno.test("merge - two agents merging A into B and B into A at once end with exactly one merge, every time", () =>
  withHarness(async (h) => {
    for (let round = 0; round < 12; round++) {
      const { a, b } = await ticketPair(h);
      const results = await Promise.all([merge(h, agentA, a, b), merge(h, agentA, b, a)]);
      const statuses = results.map((r) => r.status).sort();
      assert.deepEqual(statuses, [200, 409], JSON.stringify(results.map((r) => r.json)));
      const [ta, tb] = [(await read(h, agentA, a)).json, (await read(h, agentA, b)).json];
      const merged = [ta.mergedInto, tb.mergedInto].filter((x) => x !== null);
      assert.equal(merged.length, 1, `round ${round}`);
      const survivor = ta.mergedInto === null ? ta : tb;
      assert.equal(survivor.pendingOperation, null);
      assert.equal((ta.mergedInto === null ? tb : ta).pendingOperation, null);
      // No ticket left unanswered: both requesters reach the survivor.
      for (const who of [customerA, customerA2]) {
        assert.equal((await read(h, who, survivor.id)).status, 200);
      }
    }
  }));

Deno.test("merge - three merges around a circle at once leave the tickets without a cycle", () =>
  withHarness(async (h) => {
    for (let round = 0; round < 8; round++) {
      const ids = [
        (await createTicket(h, customerA)).id,
        (await createTicket(h, customerA)).id,
        (await createTicket(h, customerA)).id,
      ];
      const results = await Promise.all(ids.map((id, i) => merge(h, agentA, id, ids[(i + 1) % 3])));
      assert.ok(results.some((r) => r.status === 200), `round ${round}: none won`);
      const into = new Map<string, string | null>();
      for (const id of ids) into.set(id, (await read(h, agentA, id)).json.mergedInto);
      // Following merges from any ticket ends at one that is not merged.
      for (const start of ids) {
        let current = start;
        for (let hops = 0; into.get(current); hops++) {
          assert.ok(hops < 3, `round ${round}: a cycle through ${start}`);
          current = into.get(current)!;
        }
      }
      assert.ok(ids.some((id) => into.get(id) === null));
    }
  }));

Deno.test("unmerge - both tickets are as before: the source reopens with its messages, the target drops its tags and requester", () =>
  withHarness(async (h) => {
    const { a, b } = await ticketPair(h);
    await h.call(agentA, "POST", `/v1/tickets/${a}/status`, { status: "pending" });
    assert.equal((await merge(h, agentA, a, b)).status, 200);
    const undone = await h.call(agentA, "POST", `/v1/tickets/${a}/unmerge`);
    assert.equal(undone.status, 200, JSON.stringify(await undone.clone().json()));
    const source = (await read(h, agentA, a)).json;
    assert.deepEqual([source.status, source.mergedInto], ["pending", null]);
    assert.deepEqual(source.messages.map((m: { body: string }) => m.body), ["Alpha words"]);
    const target = (await read(h, agentA, b)).json;
    assert.deepEqual(target.tags, ["beta"]);
    assert.deepEqual(target.merged, []);
    assert.deepEqual(target.messages.map((m: { body: string }) => m.body), ["Beta words"]);
    assert.equal((await read(h, customerA, b)).status, 404);
    const again = await h.call(agentA, "POST", `/v1/tickets/${a}/unmerge`);
    assert.deepEqual([again.status, (await again.json()).code], [409, "not_merged"]);
  }));

Deno.test("unmerge - refused while the target is itself merged elsewhere (undo that one first)", () =>
  withHarness(async (h) => {
    const { a, b } = await ticketPair(h);
    const c = (await createTicket(h, customerA)).id;
    assert.equal((await merge(h, agentA, a, b)).status, 200);
    assert.equal((await merge(h, agentA, b, c)).status, 200);
    const blocked = await h.call(agentA, "POST", `/v1/tickets/${a}/unmerge`);
    const problem = await blocked.json();
    assert.deepEqual([blocked.status, problem.code, problem.mergedInto], [409, "merged", c]);
    assert.equal((await h.call(agentA, "POST", `/v1/tickets/${b}/unmerge`)).status, 200);
    assert.equal((await h.call(agentA, "POST", `/v1/tickets/${a}/unmerge`)).status, 200);
  }));

/** Another process's merge that stopped after `steps` of its appends (reserve, reserve, commit). */
async function interruptedMerge(h: Harness, source: string, target: string, steps: number) {
  const store = new JetStreamEventStore(jetstream(h.nc), h.jsm, "TICKETS");
  const spec: PairSpec = {
    opId: String(9_000_000_000_000n + BigInt(Math.floor(Math.random() * 1e9))),
    op: "merge",
    sourceId: source,
    targetId: target,
    linkKind: null,
    undoes: null,
    reservedAt: new Date().toISOString(),
  };
  const actor = { id: agentA.sub, role: agentA.role, groups: agentA.groups ?? [] };
  const lower = BigInt(source) < BigInt(target);
  const plan: [string, (state: Ticket) => TicketEvent[]][] = [
    [lower ? source : target, (s) => reserve(spec, lower ? "source" : "target", s, actor)],
    [lower ? target : source, (s) => reserve(spec, lower ? "target" : "source", s, actor)],
    [source, (s) => commit(spec, s, { customFields: {}, maxTags: 50 })],
  ];
  for (const [step, [id, decide]] of plan.slice(0, steps).entries()) {
    const subject = ticketSubject("acme", id);
    const messages = await store.readSubject(subject);
    const state = messages.flatMap((m) => decodeCommit(m.data).events).reduce(evolve, noTicket);
    const last = messages.at(-1)!;
    await store.append(
      subject,
      encodeCommit({
        meta: { ...decodeCommit(last.data).meta, commandId: spec.opId, at: spec.reservedAt },
        events: decide(state),
      }),
      { expectedVersion: last.version, messageId: `${spec.opId}-${step}` },
    );
  }
}

/** Reads `id` until `done` holds (the sweeper runs every second here). */
async function eventually(
  h: Harness,
  id: string,
  done: (ticket: Record<string, unknown>) => boolean,
) {
  for (let i = 0; i < 60; i++) {
    const ticket = (await read(h, agentA, id)).json;
    if (done(ticket)) return ticket;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error(`ticket ${id} never settled`);
}

const FAST_RECOVERY = { TICKETD_PAIR_RESERVATION_SECONDS: "1", TICKETD_PAIR_SWEEP_SECONDS: "1" };

Deno.test("recovery - a merge interrupted after the source committed is completed by the sweeper", () =>
  withHarness(async (h) => {
    const { a, b } = await ticketPair(h);
    await interruptedMerge(h, a, b, 3);
    const target = await eventually(h, b, (t) => t.pendingOperation === null);
    assert.deepEqual((target.merged as { ticketId: string }[]).map((m) => m.ticketId), [a]);
    assert.deepEqual([...(target.tags as string[])].sort(), ["alpha", "beta"]);
    assert.equal((await read(h, agentA, a)).json.mergedInto, b);
  }, FAST_RECOVERY));

Deno.test("recovery - a merge interrupted between its reservations is rolled back; both tickets are free again", () =>
  withHarness(async (h) => {
    const first = await ticketPair(h);
    const second = await ticketPair(h);
    await interruptedMerge(h, first.b, first.a, 1); // only the lower id reserved
    await interruptedMerge(h, second.a, second.b, 2); // both reserved, nothing committed
    for (const { a, b } of [first, second]) {
      for (const id of [a, b]) await eventually(h, id, (t) => t.pendingOperation === null);
      for (const id of [a, b]) {
        const ticket = (await read(h, agentA, id)).json;
        assert.deepEqual([ticket.mergedInto, ticket.merged, ticket.status], [null, [], "new"]);
      }
      assert.equal((await merge(h, agentA, a, b)).status, 200);
    }
  }, FAST_RECOVERY));

Deno.test("recovery - a merge meeting a stale reservation settles it first and goes on", () =>
  withHarness(async (h) => {
    const { a, b } = await ticketPair(h);
    await interruptedMerge(h, a, b, 2);
    await new Promise((resolve) => setTimeout(resolve, 1_200)); // stale, before any sweep
    const merged = await merge(h, agentA, b, a);
    assert.equal(merged.status, 200, JSON.stringify(merged.json));
    assert.equal((await read(h, agentA, b)).json.mergedInto, a);
  }, { TICKETD_PAIR_RESERVATION_SECONDS: "1", TICKETD_PAIR_SWEEP_SECONDS: "3600" }));
