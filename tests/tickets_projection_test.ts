/**
 * The read model on real PostgreSQL: rebuilt by replay to the same state, and never applying an
 * event twice or skipping one when the projector fails mid-batch or restarts.
 * @module
 */
import assert from "node:assert/strict";
import { DeliverPolicy, jetstream } from "@nats-io/jetstream";
import { encodeCommit, ticketSubject } from "@ticketd/shared/events/tickets.ts";
import { JetStreamEventStore } from "@ticketd/shared/eventstore/jetstream.ts";
import { parseTenantProfiles } from "@ticketd/shared/crypto/profiles.ts";
import { openEnvelope } from "@ticketd/shared/keys/open_envelope.ts";
import { decide } from "../services/tickets/domain/decide.ts";
import { createCommand, policy } from "../services/tickets/domain/testing.ts";
import { noTicket } from "../services/tickets/domain/ticket.ts";
import { resetReadModel, streamHead } from "../services/tickets/projections/rebuild.ts";
import {
  agentA,
  createTicket,
  customerA,
  type Harness,
  projected,
  withHarness,
} from "./support/tickets_harness.ts";

async function snapshot(h: Harness) {
  const tickets = await h.sql`select * from tickets order by tenant, id`;
  const messages = await h.sql`select * from ticket_messages order by tenant, ticket_id, id`;
  return { tickets: [...tickets], messages: [...messages] };
}

async function busyDay(h: Harness): Promise<number> {
  let version = 0;
  for (let i = 0; i < 6; i++) {
    const { id } = await createTicket(h, customerA, {
      subject: `Ticket ${i} 崩溃`,
      tags: [`t${i}`],
    });
    const steps = [
      ["POST", "messages", { body: `reply ${i}` }],
      ["POST", "messages", { body: `note ${i}`, internal: true }],
      ["PUT", "assignment", { assigneeId: `agent-${i % 2}`, groupId: "go" }],
      ["POST", "tags", { add: ["x"], remove: [`t${i}`] }],
      ["PUT", "priority", { priority: i % 2 ? "urgent" : "low" }],
      ["POST", "status", { status: i % 3 ? "solved" : "pending" }],
    ] as const;
    for (const [method, route, body] of steps) {
      const response = await h.call(agentA, method, `/v1/tickets/${id}/${route}`, body);
      version = (await response.json()).version;
    }
  }
  return version;
}

Deno.test("replay - rebuilding the read model from the stream gives exactly the live state", () =>
  withHarness(async (h) => {
    await projected(h, await busyDay(h));
    const live = await snapshot(h);
    assert.equal(live.tickets.length, 6);
    await h.service.stop();
    await resetReadModel(h.sql, h.jsm, "TICKETS", h.config.projector.name);
    assert.equal((await snapshot(h)).tickets.length, 0);
    await h.restart();
    await projected(h, await streamHead(h.jsm, "TICKETS"));
    assert.deepEqual(await snapshot(h), live);
  }));

Deno.test("replay - the projector on its own thread builds the same read model as inline", () =>
  withHarness(
    async (h) => {
      await projected(h, await busyDay(h));
      const threaded = await snapshot(h);
      await h.service.stop();
      await resetReadModel(h.sql, h.jsm, "TICKETS", h.config.projector.name);
      await h.restart();
      await projected(h, await streamHead(h.jsm, "TICKETS"));
      assert.deepEqual(await snapshot(h), threaded);
    },
    {},
    { projectorThread: true },
  ));

Deno.test("projector - a batch that fails mid-write is retried whole, applied once, nothing skipped", () =>
  withHarness(async (h) => {
    await h.sql`create table fail_switch (on_ boolean)`;
    await h.sql`insert into fail_switch values (true)`;
    await h.sql.unsafe(`
      create function fail_if_switched() returns trigger language plpgsql as $$
      begin
        if exists (select 1 from fail_switch) then
          raise exception 'simulated crash' using errcode = '40001';
        end if;
        return new;
      end $$;
      create trigger fail_messages before insert on ticket_messages
        for each row execute function fail_if_switched();`);
    const created = [];
    for (let i = 0; i < 3; i++) created.push(await createTicket(h, customerA));
    await new Promise((resolve) => setTimeout(resolve, 300));
    assert.equal(h.service.watch.position, 0);
    assert.equal(
      (await h.sql`select count(*)::int as n from tickets`)[0].n,
      0,
      "rolled back whole",
    );
    await h.sql`delete from fail_switch`;
    await projected(h, created.at(-1)!.version);
    const rows = await h.sql`select message_count from tickets`;
    assert.deepEqual(rows.map((r) => r.messageCount), [1, 1, 1]);
    assert.equal((await h.sql`select count(*)::int as n from ticket_messages`)[0].n, 3);
  }));

Deno.test("projector - after a restart it resumes at its stored position without re-applying", () =>
  withHarness(async (h) => {
    const first = await createTicket(h, customerA);
    await projected(h, first.version);
    await h.restart();
    const reply = await h.call(agentA, "POST", `/v1/tickets/${first.id}/messages`, {
      body: "after restart",
    });
    await projected(h, (await reply.json()).version);
    const [row] = await h.sql`select message_count from tickets where id = ${first.id}`;
    assert.equal(row.messageCount, 2);
  }));

Deno.test("projector - deliveries left unacknowledged by a crash are not applied twice", () =>
  withHarness(async (h) => {
    const ticket = await createTicket(h, customerA);
    await projected(h, ticket.version);
    const consumer = await h.jsm.consumers.info("TICKETS", h.config.projector.name);
    await h.service.stop();
    // The database has applied the commit, but the consumer forgets the ack, as after a crash
    // between commit and ack: it would deliver the commit again.
    await h.jsm.consumers.delete("TICKETS", h.config.projector.name);
    await h.jsm.consumers.add("TICKETS", { ...consumer.config, deliver_policy: DeliverPolicy.All });
    await h.restart();
    const reply = await h.call(agentA, "POST", `/v1/tickets/${ticket.id}/messages`, {
      body: "again",
    });
    await projected(h, (await reply.json()).version);
    const [row] = await h.sql`select message_count from tickets where id = ${ticket.id}`;
    assert.equal(row.messageCount, 2);
    assert.equal((await h.sql`select count(*)::int as n from ticket_messages`)[0].n, 2);
  }));

Deno.test("projector - an event the database refuses is set aside; the events around it are projected", () =>
  withHarness(async (h) => {
    const before = await createTicket(h, customerA);
    await projected(h, before.version);
    // A commit that passed the decider but carries a value PostgreSQL cannot store (NUL).
    const store = new JetStreamEventStore(jetstream(h.nc), h.jsm, "TICKETS");
    const ticketId = "123456789012345678";
    const settings = { keyring: h.keyring, profiles: parseTenantProfiles("intl") };
    const opened = await openEnvelope(h.nc, h.jsm, { ...settings, dataKeyCacheEntries: 10 });
    const subject = await opened.envelope.seal("subject", {
      tenant: "acme",
      ticketId,
      ownerId: customerA.sub,
    });
    opened.close();
    const [created] = decide(
      {
        ...createCommand({ ticketId, subject, externalId: "bad\u0000id" }),
        requesterId: customerA.sub,
      },
      noTicket,
      { id: "admin-a", role: "admin", groups: [] },
      policy,
    );
    const poison = await store.append(
      ticketSubject("acme", ticketId),
      encodeCommit({
        meta: {
          commandId: "2",
          tenant: "acme",
          ticketId,
          at: new Date().toISOString(),
          actorId: "x",
          actorRole: "admin",
        },
        events: [created],
      }),
      { expectedVersion: 0, messageId: "poison" },
    );
    const after = await createTicket(h, customerA);
    await projected(h, after.version);
    const failures = await h.sql`select position, code from projection_failures`;
    assert.deepEqual(failures.map((f) => [Number(f.position), f.code]), [[
      poison.version,
      "sqlstate_22021",
    ]]);
    const ids = (await h.sql`select id from tickets order by id`).map((r) => r.id);
    assert.deepEqual(ids, [before.id, after.id].sort());
  }));

Deno.test("projector - stopping while a batch is being retried does not hang", () =>
  withHarness(async (h) => {
    await h.sql`create function refuse() returns trigger language plpgsql as $$
      begin raise exception 'down' using errcode = '08006'; end $$`;
    await h
      .sql`create trigger refuse before insert on tickets for each row execute function refuse()`;
    await createTicket(h, customerA);
    await new Promise((resolve) => setTimeout(resolve, 300));
    const started = performance.now();
    await h.service.stop();
    assert.ok(performance.now() - started < 2_000, "stopped promptly");
    await h.sql`drop trigger refuse on tickets`;
    await h.restart();
  }));
