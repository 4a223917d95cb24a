/**
 * Time tracking against real NATS JetStream and PostgreSQL: entries, corrections, totals per
 * ticket and agent, the note sealed at rest, idempotent retries, who may log and read.
 * @module
 */
import assert from "node:assert/strict";
import { resetReadModel, streamHead } from "../services/tickets/projections/rebuild.ts";
import {
  adminA,
  agentA,
  agentGoA,
  type Caller,
  createTicket,
  customerA,
  type Harness,
  projected,
  supervisorA,
  withHarness,
} from "./support/tickets_harness.ts";

async function logTime(
  h: Harness,
  who: Caller,
  ticketId: string,
  body: unknown,
  headers: Record<string, string> = {},
) {
  const response = await h.call(who, "POST", `/v1/tickets/${ticketId}/time`, body, headers);
  return {
    status: response.status,
    etag: response.headers.get("etag"),
    json: await response.json(),
  };
}

async function timeOf(h: Harness, who: Caller, ticketId: string, version: number) {
  const response = await h.call(who, "GET", `/v1/tickets/${ticketId}/time?min_version=${version}`);
  return { status: response.status, json: await response.json() };
}

Deno.test("POST /v1/tickets/:id/time - an entry is one commit; GET shows it with its note and the totals", () =>
  withHarness(async (h) => {
    const ticket = await createTicket(h, customerA);
    const logged = await logTime(h, agentA, ticket.id, { minutes: 25, note: "Rebuilt the index" });
    assert.equal(logged.status, 200, JSON.stringify(logged.json));
    assert.equal(logged.etag, `"${logged.json.version}"`);
    assert.deepEqual(logged.json.events, ["TimeLogged"]);
    const time = await timeOf(h, agentA, ticket.id, logged.json.version);
    assert.equal(time.status, 200);
    assert.equal(time.json.totalSeconds, 1_500);
    assert.deepEqual(time.json.byAgent, [{ agentId: agentA.sub, seconds: 1_500 }]);
    assert.equal(time.json.entries.length, 1);
    assert.equal(time.json.entries[0].note, "Rebuilt the index");
    assert.equal(time.json.entries[0].agentId, agentA.sub);
  }));

Deno.test('POST /v1/tickets/:id/time - "note": null is taken as no note', () =>
  withHarness(async (h) => {
    const ticket = await createTicket(h, customerA);
    const logged = await logTime(h, agentA, ticket.id, { minutes: 5, note: null });
    assert.equal(logged.status, 200, JSON.stringify(logged.json));
    const time = await timeOf(h, agentA, ticket.id, logged.json.version);
    assert.equal(time.json.entries[0].note, null);
  }));

Deno.test("POST /v1/tickets/:id/time - the note is sealed in the stream and the read model", () =>
  withHarness(async (h) => {
    const ticket = await createTicket(h, customerA);
    const logged = await logTime(h, agentA, ticket.id, { seconds: 90, note: "secret-wombat" });
    await projected(h, logged.json.version);
    const [row] = await h.sql<{ noteSealed: string }[]>`
      select note_sealed from ticket_time_entries where ticket_id = ${ticket.id}`;
    assert.match(row.noteSealed, /^enc:/);
    const raw = await h.jsm.streams.getMessage(h.config.stream.name, {
      seq: logged.json.version,
    });
    assert.ok(!new TextDecoder().decode(raw!.data).includes("secret-wombat"));
  }));

Deno.test("POST /v1/tickets/:id/time - corrections are negative entries, at most what the agent logged", () =>
  withHarness(async (h) => {
    const ticket = await createTicket(h, customerA);
    await logTime(h, agentA, ticket.id, { minutes: 30 });
    await logTime(h, supervisorA, ticket.id, { minutes: 60 });
    const corrected = await logTime(h, agentA, ticket.id, { minutes: -10 });
    assert.equal(corrected.status, 200);
    const tooMuch = await logTime(h, agentA, ticket.id, { minutes: -21 });
    assert.equal(tooMuch.status, 422);
    assert.equal(tooMuch.json.code, "time_below_zero");
    assert.equal(tooMuch.json.loggedSeconds, 1_200);
    const time = await timeOf(h, supervisorA, ticket.id, corrected.json.version);
    assert.equal(time.json.totalSeconds, 4_800);
    assert.deepEqual(time.json.byAgent, [
      { agentId: agentA.sub, seconds: 1_200 },
      { agentId: supervisorA.sub, seconds: 3_600 },
    ]);
    assert.deepEqual(time.json.entries.map((e: { seconds: number }) => e.seconds), [
      1_800,
      3_600,
      -600,
    ]);
  }));

Deno.test("POST /v1/tickets/:id/time - a retry with the same Idempotency-Key logs once", () =>
  withHarness(async (h) => {
    const ticket = await createTicket(h, customerA);
    const key = { "idempotency-key": "time-1" };
    const first = await logTime(h, agentA, ticket.id, { minutes: 5 }, key);
    const again = await logTime(h, agentA, ticket.id, { minutes: 5 }, key);
    assert.equal(again.status, 200);
    assert.equal(again.json.version, first.json.version);
    const time = await timeOf(h, agentA, ticket.id, first.json.version);
    assert.equal(time.json.totalSeconds, 300);
  }));

Deno.test("POST /v1/tickets/:id/time - amounts out of bounds or ambiguous are refused with codes", () =>
  withHarness(async (h) => {
    const ticket = await createTicket(h, customerA);
    for (
      const body of [{ minutes: 1, seconds: 60 }, {}, { minutes: 0 }, { minutes: 1_441 }, {
        seconds: 1.5,
      }]
    ) {
      const refused = await logTime(h, agentA, ticket.id, body);
      assert.equal(refused.status, 422, JSON.stringify(body));
      assert.equal(refused.json.code, "invalid_request");
    }
    const stale = await logTime(h, agentA, ticket.id, { minutes: 1 }, { "if-match": '"1"' });
    assert.equal(stale.status, 200, "If-Match of the current version is accepted");
    const conflict = await logTime(h, agentA, ticket.id, { minutes: 1 }, { "if-match": '"1"' });
    assert.equal(conflict.status, 412);
    assert.equal(conflict.json.code, "version_conflict");
  }));

Deno.test("GET /v1/tickets/:id/time - customers may not read time; an agent outside the group finds no ticket", () =>
  withHarness(async (h) => {
    const ticket = await createTicket(h, supervisorA, {
      requesterId: customerA.sub,
      groupId: "db",
    });
    const logged = await logTime(h, supervisorA, ticket.id, { minutes: 3 });
    const customer = await timeOf(h, customerA, ticket.id, logged.json.version);
    assert.equal(customer.status, 403);
    assert.equal(customer.json.code, "forbidden");
    const outsider = await timeOf(h, agentGoA, ticket.id, logged.json.version);
    assert.equal(outsider.status, 404);
    const refused = await logTime(h, customerA, ticket.id, { minutes: 3 });
    assert.equal(refused.status, 403);
  }));

Deno.test("GET /v1/time/agents/:id - an agent reads their own total; supervisors anyone's", () =>
  withHarness(async (h) => {
    const one = await createTicket(h, customerA);
    const two = await createTicket(h, customerA);
    await logTime(h, agentA, one.id, { minutes: 10 });
    const last = await logTime(h, agentA, two.id, { minutes: 20 });
    const path = `/v1/time/agents/${agentA.sub}?min_version=${last.json.version}`;
    const own = await (await h.call(agentA, "GET", path)).json();
    assert.equal(own.seconds, 1_800);
    assert.equal(own.tickets, 2);
    const lead = await (await h.call(supervisorA, "GET", path)).json();
    assert.equal(lead.seconds, 1_800);
    const other = await h.call(agentGoA, "GET", path);
    assert.equal(other.status, 403);
    assert.equal((await other.json()).code, "forbidden");
  }));

Deno.test("replay - time entries and custom statuses are rebuilt from the stream as they were live", () =>
  withHarness(async (h) => {
    const status = await (await h.call(adminA, "POST", "/v1/statuses", {
      category: "on_hold",
      names: { en: "Parts ordered" },
    })).json();
    const ticket = await createTicket(h, customerA);
    await logTime(h, agentA, ticket.id, { minutes: 12, note: "first look" });
    await logTime(h, agentA, ticket.id, { minutes: -2 });
    await h.call(agentA, "POST", `/v1/tickets/${ticket.id}/status`, { customStatusId: status.id });
    await projected(h, await streamHead(h.jsm, "TICKETS"));
    const snapshot = async () => ({
      tickets: [...await h.sql`select * from tickets order by id`],
      time: [...await h.sql`select * from ticket_time_entries order by ticket_id, id`],
    });
    const live = await snapshot();
    assert.equal(live.time.length, 2);
    assert.equal(live.tickets[0].customStatusId, status.id);
    await h.service.stop();
    await resetReadModel(h.sql, h.jsm, "TICKETS", h.config.projector.name);
    assert.equal((await snapshot()).time.length, 0);
    await h.restart();
    await projected(h, await streamHead(h.jsm, "TICKETS"));
    assert.deepEqual(await snapshot(), live);
  }));
