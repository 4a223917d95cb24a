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
import { createLogger } from "@ticketd/shared/log/logger.ts";
import { resetReadModel, streamHead } from "../services/tickets/projections/rebuild.ts";
import { startTicketsService } from "../services/tickets/service.ts";
import { commit, type PairSpec, reserve } from "../services/tickets/domain/pairs.ts";
import { evolve, noTicket, type Ticket } from "../services/tickets/domain/ticket.ts";
import {
  adminA,
  agentA,
  type Caller,
  createTicket,
  customerA,
  customerA2,
  customFields,
  type Harness,
  projected,
  withHarness,
} from "./support/tickets_harness.ts";
import { tusUpload, withAttachments } from "./support/attachments_harness.ts";

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
    // The list shows it too, and the ticket history names the merge.
    const list = await (await h.call(agentA, "GET", `/v1/tickets?id=${a}&id=${b}`)).json();
    assert.deepEqual(
      list.tickets.map((t: { id: string; mergedInto: string | null }) => [t.id, t.mergedInto])
        .sort(),
      [[a, b], [b, null]].sort(),
    );
    const staffHistory = await (await h.call(agentA, "GET", `/v1/tickets/${b}/history`)).json();
    assert.ok(
      staffHistory.entries.some((e: { events: { type: string }[] }) =>
        e.events.some((x) => x.type === "TicketMerged")
      ),
    );

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

Deno.test("unmerge - refused (409 merge_answered) once a merged requester posted on the target or staff replied publicly there; notes and the target's own requester do not count", () =>
  withHarness(async (h) => {
    const unmerge = async (id: string) => {
      const response = await h.call(agentA, "POST", `/v1/tickets/${id}/unmerge`);
      return [response.status, (await response.json()).code];
    };
    const post = async (who: Caller, id: string, body: unknown) =>
      assert.equal((await h.call(who, "POST", `/v1/tickets/${id}/messages`, body)).status, 200);
    // Notes and the target's own requester take nothing from the merged requester.
    const quiet = await ticketPair(h);
    assert.equal((await merge(h, agentA, quiet.a, quiet.b)).status, 200);
    await post(agentA, quiet.b, { body: "Staff only", internal: true });
    await post(customerA2, quiet.b, { body: "Still broken here" });
    assert.equal((await unmerge(quiet.a))[0], 200);

    // The merged requester replied on the target, then an agent answered: undo would hide both.
    const { a, b } = await ticketPair(h);
    assert.equal((await merge(h, agentA, a, b)).status, 200);
    await post(customerA, b, { body: "My reply on the merged ticket" });
    await post(agentA, b, { body: "The answer to both" });
    assert.deepEqual(await unmerge(a), [409, "merge_answered"]);
    const target = (await read(h, customerA, b)).json;
    assert.ok(bodies(target).includes("The answer to both"), "the requester still reads it");
    assert.equal((await read(h, agentA, a)).json.mergedInto, b);

    // A public staff reply alone is enough.
    const answered = await ticketPair(h);
    assert.equal((await merge(h, agentA, answered.a, answered.b)).status, 200);
    await post(agentA, answered.b, { body: "Answered" });
    assert.deepEqual(await unmerge(answered.a), [409, "merge_answered"]);
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

/** Reads `id` until `done` holds. */
async function eventually(
  h: Harness,
  id: string,
  done: (ticket: Record<string, unknown>) => boolean,
) {
  for (let i = 0; i < 160; i++) { // 40 s: the sweeper runs every second here
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

/** A ticket of customerA with three more messages after the first; returns their ids. */
async function conversation(h: Harness) {
  const { id } = await createTicket(h, customerA, { body: "First question", tags: ["t"] });
  for (const body of ["Agent answer", "Second question", "Agent again"]) {
    const who = body.startsWith("Agent") ? agentA : customerA;
    await h.call(who, "POST", `/v1/tickets/${id}/messages`, { body });
  }
  const ticket = (await read(h, agentA, id)).json;
  return { id, messageIds: ticket.messages.map((m: { id: string }) => m.id) as string[] };
}

const bodies = (ticket: { messages: { body: string }[] }) => ticket.messages.map((m) => m.body);

Deno.test("split - a new follow-up ticket gets the message and those after it; the original keeps the rest", () =>
  withHarness(async (h) => {
    const { id, messageIds } = await conversation(h);
    const response = await h.call(agentA, "POST", `/v1/tickets/${id}/split`, {
      atMessageId: messageIds[2],
    });
    const json = await response.json();
    assert.equal(response.status, 200, JSON.stringify(json));
    const newId = json.other.id;
    const original = (await read(h, agentA, id)).json;
    assert.deepEqual(bodies(original), ["First question", "Agent answer"]);
    assert.deepEqual(
      original.links.map((l: { ticketId: string; kind: string }) => [l.ticketId, l.kind]),
      [[newId, "followed_up_by"]],
    );
    const split = (await read(h, agentA, newId)).json;
    assert.deepEqual(bodies(split), ["Second question", "Agent again"]);
    assert.deepEqual([split.followUpOf, split.requesterId, split.status, split.tags], [
      id,
      customerA.sub,
      "open",
      ["t"],
    ]);
    assert.equal(split.subject, original.subject);
    assert.deepEqual(split.links.map((l: { kind: string }) => l.kind), ["follow_up_of"]);
    assert.equal((await read(h, customerA, newId)).status, 200, "the requester follows it");
  }));

Deno.test("split - refused at the first message or a message of another ticket", () =>
  withHarness(async (h) => {
    const { id, messageIds } = await conversation(h);
    const first = await h.call(agentA, "POST", `/v1/tickets/${id}/split`, {
      atMessageId: messageIds[0],
    });
    assert.deepEqual([first.status, (await first.json()).code], [422, "split_at_first_message"]);
    const other = await conversation(h);
    const foreign = await h.call(agentA, "POST", `/v1/tickets/${id}/split`, {
      atMessageId: other.messageIds[1],
    });
    assert.deepEqual([foreign.status, (await foreign.json()).code], [422, "invalid_split_message"]);
    const byCustomer = await h.call(customerA, "POST", `/v1/tickets/${id}/split`, {
      atMessageId: messageIds[1],
    });
    assert.deepEqual([byCustomer.status, (await byCustomer.json()).code], [403, "forbidden"]);
  }));

Deno.test("split - two splits of one ticket at once move its messages once", () =>
  withHarness(async (h) => {
    for (let round = 0; round < 6; round++) {
      const { id, messageIds } = await conversation(h);
      const split = (at: string) =>
        h.call(agentA, "POST", `/v1/tickets/${id}/split`, { atMessageId: at });
      const results = await Promise.all([split(messageIds[2]), split(messageIds[1])]);
      const statuses = results.map((r) => r.status);
      assert.equal(statuses.filter((s) => s === 200).length >= 1, true, String(statuses));
      const made = await Promise.all(
        results.filter((r) => r.ok).map(async (r) => (await r.json()).other.id as string),
      );
      for (const r of results) if (!r.ok) await r.body?.cancel();
      const shown = [id, ...made].map(async (ticket) =>
        bodies((await read(h, agentA, ticket)).json)
      );
      const all = (await Promise.all(shown)).flat().sort();
      assert.deepEqual(all, ["Agent again", "Agent answer", "First question", "Second question"]);
    }
  }));

Deno.test("unsplit - the original shows every message again and the split-off ticket closes; refused once it was answered", () =>
  withHarness(async (h) => {
    const { id, messageIds } = await conversation(h);
    const split = async () => {
      const response = await h.call(agentA, "POST", `/v1/tickets/${id}/split`, {
        atMessageId: messageIds[1],
      });
      assert.equal(response.status, 200);
      return (await response.json()).other.id as string;
    };
    const first = await split();
    const undone = await h.call(agentA, "POST", `/v1/tickets/${first}/unsplit`);
    assert.equal(undone.status, 200, JSON.stringify(await undone.clone().json()));
    const original = (await read(h, agentA, id)).json;
    assert.equal(original.messages.length, 4);
    assert.deepEqual(original.links, []);
    const closed = (await read(h, agentA, first)).json;
    assert.deepEqual([closed.status, closed.links], ["closed", []]);

    const second = await split();
    await h.call(agentA, "POST", `/v1/tickets/${second}/messages`, { body: "New answer" });
    const refused = await h.call(agentA, "POST", `/v1/tickets/${second}/unsplit`);
    assert.deepEqual([refused.status, (await refused.json()).code], [409, "split_answered"]);
    const notSplit = await h.call(agentA, "POST", `/v1/tickets/${id}/unsplit`);
    assert.deepEqual([notSplit.status, (await notSplit.json()).code], [409, "not_split"]);
  }));

Deno.test("recovery - a split interrupted after the original committed opens its new ticket on recovery", () =>
  withHarness(async (h) => {
    const { id, messageIds } = await conversation(h);
    const store = new JetStreamEventStore(jetstream(h.nc), h.jsm, "TICKETS");
    const newId = String(BigInt(id) + 1_000_000n);
    const spec: PairSpec = {
      opId: String(BigInt(id) + 2_000_000n),
      op: "split",
      sourceId: id,
      targetId: newId,
      linkKind: null,
      undoes: null,
      reservedAt: new Date().toISOString(),
    };
    const actor = { id: agentA.sub, role: agentA.role, groups: agentA.groups ?? [] };
    const subject = ticketSubject("acme", id);
    for (
      const [step, decide] of [
        (s: Ticket) => reserve(spec, "source", s, actor),
        (s: Ticket) => commit(spec, s, { customFields: {}, maxTags: 50 }, messageIds.slice(2)),
      ].entries()
    ) {
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
    const split = await eventually(
      h,
      newId,
      (t) => Array.isArray(t.messages) && t.messages.length === 2,
    );
    assert.deepEqual(bodies(split as { messages: { body: string }[] }), [
      "Second question",
      "Agent again",
    ]);
  }, FAST_RECOVERY));

Deno.test("replay - merges, links and splits rebuild to the same read model", () =>
  withHarness(async (h) => {
    const { a, b } = await ticketPair(h);
    const c = (await createTicket(h, customerA)).id;
    const { id, messageIds } = await conversation(h);
    assert.equal((await merge(h, agentA, a, b)).status, 200);
    assert.equal((await merge(h, agentA, b, c)).status, 200);
    assert.equal((await h.call(agentA, "POST", `/v1/tickets/${b}/unmerge`)).status, 200);
    await h.call(agentA, "POST", `/v1/tickets/${id}/links`, { ticketId: c, kind: "related" });
    await h.call(agentA, "POST", `/v1/tickets/${id}/split`, { atMessageId: messageIds[3] });
    await projected(h, await streamHead(h.jsm, "TICKETS"));
    const snapshot = async () => ({
      tickets: [...await h.sql`select * from tickets order by tenant, id`],
      messages: [...await h.sql`select * from ticket_messages order by tenant, ticket_id, id`],
      relations: [
        ...await h.sql`select * from ticket_relations order by tenant, ticket_id, kind, other_id`,
      ],
    });
    const live = await snapshot();
    assert.ok(live.relations.length > 0);
    await h.service.stop();
    await resetReadModel(h.sql, h.jsm, "TICKETS", h.config.projector.name);
    await h.restart();
    await projected(h, await streamHead(h.jsm, "TICKETS"));
    assert.deepEqual(await snapshot(), live);
  }));

Deno.test("merge - opposite merges sent at once to two tickets processes end with exactly one merge", () =>
  withHarness(async (h) => {
    // A second tickets service on the same NATS and database: its own state cache and queue, so
    // only JetStream's expected versions stand between the two merges.
    const other = await startTicketsService(h.config, {
      nc: h.nc,
      sql: h.sql,
      keyring: h.keyring,
      verify: h.verify,
      customFields,
      log: createLogger("error", { service: "tickets-second" }),
    });
    try {
      const viaOther = async (id: string, into: string) => {
        const response = await other.fetch(
          new Request(`http://tickets.test/v1/tickets/${id}/merge`, {
            method: "POST",
            headers: {
              authorization: `Bearer ${await h.token(agentA)}`,
              "content-type": "application/json",
            },
            body: JSON.stringify({ into }),
          }),
        );
        return { status: response.status, json: await response.json() };
      };
      for (let round = 0; round < 12; round++) {
        const { a, b } = await ticketPair(h);
        const results = await Promise.all([merge(h, agentA, a, b), viaOther(b, a)]);
        assert.deepEqual(
          results.map((r) => r.status).sort(),
          [200, 409],
          JSON.stringify(results.map((r) => r.json)),
        );
        const [ta, tb] = [(await read(h, agentA, a)).json, (await read(h, agentA, b)).json];
        assert.equal([ta.mergedInto, tb.mergedInto].filter((x) => x !== null).length, 1);
        assert.deepEqual([ta.pendingOperation, tb.pendingOperation], [null, null]);
      }
    } finally {
      await other.stop();
    }
  }));

Deno.test("merge, unmerge - a retry with the same Idempotency-Key gets the first answer; the key reused for another request is 422; a stale If-Match is 412 and changes nothing", () =>
  withHarness(async (h) => {
    const { a, b } = await ticketPair(h);
    const c = (await createTicket(h, customerA, { body: "Gamma" })).id;
    const post = (path: string, body: unknown, headers: Record<string, string>) =>
      h.call(agentA, "POST", path, body, headers);
    const version = (await read(h, agentA, a)).json.version as number;

    const stale = await post(`/v1/tickets/${a}/merge`, { into: b }, {
      "if-match": `"${version - 1}"`,
    });
    assert.deepEqual([stale.status, (await stale.json()).code], [412, "version_conflict"]);
    assert.deepEqual([
      (await read(h, agentA, a)).json.pendingOperation,
      (await read(h, agentA, a)).json.mergedInto,
    ], [null, null]);

    const key = { "idempotency-key": "merge-a-into-b", "if-match": `"${version}"` };
    const first = await post(`/v1/tickets/${a}/merge`, { into: b }, key);
    const firstJson = await first.json();
    assert.equal(first.status, 200, JSON.stringify(firstJson));
    const retry = await post(`/v1/tickets/${a}/merge`, { into: b }, key);
    const retryJson = await retry.json();
    assert.equal(retry.status, 200, JSON.stringify(retryJson));
    assert.deepEqual(
      [retryJson.ticket.id, retryJson.ticket.version, retryJson.other.id],
      [a, firstJson.ticket.version, b],
    );
    assert.equal(retry.headers.get("etag"), first.headers.get("etag"));
    const reused = await post(`/v1/tickets/${a}/merge`, { into: c }, key);
    assert.deepEqual([reused.status, (await reused.json()).code], [422, "idempotency_key_reused"]);
    // Exactly one merge: the target shows the source once.
    const target = (await read(h, agentA, b)).json;
    assert.deepEqual(target.merged.map((m: { ticketId: string }) => m.ticketId), [a]);

    const undoKey = { "idempotency-key": "unmerge-a" };
    const undone = await post(`/v1/tickets/${a}/unmerge`, undefined, undoKey);
    assert.equal(undone.status, 200, JSON.stringify(await undone.clone().json()));
    const undoneAgain = await post(`/v1/tickets/${a}/unmerge`, undefined, undoKey);
    assert.equal(undoneAgain.status, 200, JSON.stringify(await undoneAgain.clone().json()));
    assert.equal((await undoneAgain.json()).ticket.version, (await undone.json()).ticket.version);
    const bad = await post(`/v1/tickets/${a}/unmerge`, undefined, { "idempotency-key": "é" });
    assert.deepEqual([bad.status, (await bad.json()).code], [400, "invalid_idempotency_key"]);
  }));

Deno.test("links, split, unsplit - a retried request with its Idempotency-Key is answered once: one link, one split-off ticket; If-Match is checked on the ticket in the path", () =>
  withHarness(async (h) => {
    const { a, b } = await ticketPair(h);
    const key = (k: string) => ({ "idempotency-key": k });
    const link = () =>
      h.call(agentA, "POST", `/v1/tickets/${a}/links`, { ticketId: b, kind: "related" }, key("l1"));
    const [l1, l2] = [await link(), await link()];
    assert.deepEqual([l1.status, l2.status], [200, 200]);
    assert.equal((await l2.json()).ticket.version, (await l1.json()).ticket.version);
    assert.equal((await read(h, agentA, a)).json.links.length, 1);
    const unlink = () =>
      h.call(agentA, "DELETE", `/v1/tickets/${a}/links`, { ticketId: b }, key("u1"));
    const [u1, u2] = [await unlink(), await unlink()];
    assert.deepEqual([u1.status, u2.status], [200, 200]);
    await Promise.all([u1.body?.cancel(), u2.body?.cancel()]);
    assert.deepEqual((await read(h, agentA, a)).json.links, []);
    const staleLink = await h.call(agentA, "POST", `/v1/tickets/${a}/links`, {
      ticketId: b,
      kind: "related",
    }, { "if-match": '"1"' });
    assert.deepEqual([staleLink.status, (await staleLink.json()).code], [412, "version_conflict"]);

    const { id, messageIds } = await conversation(h);
    const split = () =>
      h.call(agentA, "POST", `/v1/tickets/${id}/split`, { atMessageId: messageIds[2] }, key("s1"));
    const [s1, s2] = [await split(), await split()];
    const [j1, j2] = [await s1.json(), await s2.json()];
    assert.deepEqual([s1.status, s2.status], [200, 200], JSON.stringify(j2));
    assert.equal(j2.other.id, j1.other.id, "one split-off ticket");
    const original = (await read(h, agentA, id)).json;
    assert.deepEqual(bodies(original), ["First question", "Agent answer"]);
    const unsplit = () =>
      h.call(agentA, "POST", `/v1/tickets/${j1.other.id}/unsplit`, undefined, key("us1"));
    const [us1, us2] = [await unsplit(), await unsplit()];
    assert.deepEqual([us1.status, us2.status], [200, 200]);
    await Promise.all([us1.body?.cancel(), us2.body?.cancel()]);
    assert.equal((await read(h, agentA, id)).json.messages.length, 4);
  }));

Deno.test("merge - the merged ticket's requester finds the target in their ticket list and reads its public messages, never its notes; unanswered, unmerge takes it out again", () =>
  withHarness(async (h) => {
    const { a, b } = await ticketPair(h);
    assert.equal((await merge(h, agentA, a, b)).status, 200);
    // The target's own requester writes (a staff reply would make the merge answered).
    await h.call(customerA2, "POST", `/v1/tickets/${b}/messages`, { body: "Answered for both" });
    await h.call(agentA, "POST", `/v1/tickets/${b}/messages`, { body: "Note", internal: true });
    await read(h, agentA, b);

    const list = async (who: Caller) => {
      const page = await (await h.call(who, "GET", "/v1/tickets?sort=-updated_at")).json();
      return page.tickets.map((t: { id: string }) => t.id).sort() as string[];
    };
    assert.deepEqual(await list(customerA), [a, b].sort());
    assert.deepEqual(await list(customerA2), [b], "the target's own requester is unchanged");
    const target = (await read(h, customerA, b)).json;
    const shown = bodies(target);
    assert.ok(shown.includes("Answered for both"), shown.join());
    assert.ok(!shown.includes("Note"), shown.join());

    assert.equal((await h.call(agentA, "POST", `/v1/tickets/${a}/unmerge`)).status, 200);
    await read(h, agentA, b);
    assert.deepEqual(await list(customerA), [a]);
    assert.equal((await read(h, customerA, b)).status, 404);
  }));

Deno.test(
  "merge - the merged ticket's files are listed on the target and downloadable by those who see it; unmerge takes them back",
  withAttachments(async (h, a) => {
    const { a: source, b: target } = await ticketPair(h);
    const file = new TextEncoder().encode(`%PDF-1.7\n${"page\n".repeat(100)}%%EOF\n`);
    await tusUpload(h, a.url, customerA, { ticketId: source, file, filename: "invoice.pdf" });
    const listed = async (who: Caller) => {
      const response = await a.call(who, "GET", `/v1/attachments?ticketId=${target}`);
      assert.equal(response.status, 200);
      return (await response.json()).attachments as { attachmentId: string; ticketId: string }[];
    };
    assert.deepEqual(await listed(customerA2), []);
    assert.equal((await merge(h, agentA, source, target)).status, 200);
    await read(h, agentA, target);

    const [shown] = await listed(customerA2);
    assert.equal(shown?.ticketId, source, "listed on the target, naming its own ticket");
    assert.deepEqual((await listed(customerA)).map((f) => f.attachmentId), [shown.attachmentId]);
    assert.equal((await listed(agentA)).length, 1);
    const download = await a.call(customerA2, "GET", `/v1/attachments/${shown.attachmentId}`);
    assert.equal(download.status, 200);
    assert.deepEqual(new Uint8Array(await download.arrayBuffer()), file);

    assert.equal((await h.call(agentA, "POST", `/v1/tickets/${source}/unmerge`)).status, 200);
    await read(h, agentA, target);
    assert.deepEqual(await listed(customerA2), []);
    const refused = await a.call(customerA2, "GET", `/v1/attachments/${shown.attachmentId}`);
    assert.equal(refused.status, 404);
    await refused.body?.cancel();
    const own = await a.call(customerA, "GET", `/v1/attachments/${shown.attachmentId}`);
    assert.equal(own.status, 200, "its own requester still reads it on the source");
    assert.deepEqual(new Uint8Array(await own.arrayBuffer()), file);
  }),
);
