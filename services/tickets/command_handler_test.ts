import assert from "node:assert/strict";
import { memoryEnvelope } from "@ticketd/shared/keys/testing.ts";
import { tenantKeyedHash } from "@ticketd/shared/crypto/keyed_hash.ts";
import { parseTenantProfiles } from "@ticketd/shared/crypto/profiles.ts";
import { ticketSubject } from "@ticketd/shared/events/tickets.ts";
import { MemoryEventStore } from "@ticketd/shared/eventstore/memory.ts";
import { SnowflakeGenerator } from "@ticketd/shared/ids/snowflake.ts";
import { ConcurrencyError } from "@ticketd/shared/errors.ts";
import { MemoryExternalRefs } from "./adapters/external_refs.ts";
import { MemoryTicketNumbers } from "./adapters/ticket_numbers.ts";
import { type CreateRequest, TicketCommands } from "./command_handler.ts";
import { agent, createCommand, customer, policy } from "./domain/testing.ts";
import { TicketStateCache } from "./state_cache.ts";
import { TicketLoader } from "./ticket_loader.ts";

function setup() {
  const store = new MemoryEventStore();
  const ids = new SnowflakeGenerator(1);
  const deps = {
    store,
    envelope: memoryEnvelope().envelope,
    nextId: () => ids.next(),
    numbers: new MemoryTicketNumbers(),
    refs: new MemoryExternalRefs(),
    now: () => new Date("2026-12-01T10:00:00Z"),
    policy,
    keyedHash: tenantKeyedHash(new Uint8Array(32), parseTenantProfiles("intl")),
    maxAttempts: 5,
  };
  const commands = (cache = new TicketStateCache(100)) =>
    new TicketCommands({ ...deps, loader: new TicketLoader(store, cache) });
  return { store, commands };
}

// The plaintext request is the create command without the ids the handler assigns.
const { type: _type, ticketId: _id, number: _number, messageId: _messageId, ...fields } =
  createCommand({ subject: "Printer on fire", body: "It is really on fire 🔥", priority: "high" });
const request: CreateRequest = fields;

Deno.test("TicketCommands.create - appends one commit with sealed text and a number", async () => {
  const { store, commands } = setup();
  const created = await commands().create("acme", customer, request);
  assert.equal(created.ticket.number, 1);
  const [stored] = await store.readSubject(ticketSubject("acme", created.ticketId));
  const raw = new TextDecoder().decode(stored.data);
  assert.ok(!raw.includes("fire"), "no plaintext in the stream");
  assert.equal(created.version, stored.version);
});

Deno.test("TicketCommands.create - a retry with the same idempotency key returns the first ticket", async () => {
  const { commands } = setup();
  const handler = commands();
  const first = await handler.create("acme", customer, request, { idempotencyKey: "k1" });
  const again = await handler.create("acme", customer, request, { idempotencyKey: "k1" });
  assert.equal(again.ticketId, first.ticketId);
  assert.equal(again.duplicate, true);
  assert.equal(again.ticket.number, first.ticket.number);
});

Deno.test("TicketCommands.create - an idempotency key reused for another request is refused", async () => {
  const { commands } = setup();
  await commands().create("acme", customer, request, { idempotencyKey: "k1" });
  await assert.rejects(
    commands().create("acme", customer, { ...request, subject: "other" }, { idempotencyKey: "k1" }),
    { code: "idempotency_key_reused" },
  );
});

Deno.test("TicketCommands.create - the same external id always answers with the same ticket", async () => {
  const { commands } = setup();
  const first = await commands().create("acme", agent, { ...request, externalId: "src-1" });
  const again = await commands().create("acme", agent, { ...request, externalId: "src-1" });
  assert.equal(again.ticketId, first.ticketId);
  assert.equal(again.duplicate, true);
});

Deno.test("TicketCommands.change - a stale If-Match fails with the current version", async () => {
  const { commands } = setup();
  const handler = commands();
  const created = await handler.create("acme", customer, request);
  await handler.change("acme", created.ticketId, agent, { type: "ChangePriority", to: "urgent" });
  await assert.rejects(
    handler.change("acme", created.ticketId, agent, { type: "ChangeStatus", to: "open" }, {
      ifMatch: created.version,
    }),
    (e) => e instanceof ConcurrencyError && e.actualVersion > created.version,
  );
});

Deno.test("TicketCommands.change - a command that lost a race is re-decided on the new state", async () => {
  const { commands } = setup();
  const created = await commands().create("acme", customer, request);
  const slow = commands(); // its own cache: will decide on a stale state first
  await slow.change("acme", created.ticketId, agent, {
    type: "ChangeTags",
    add: ["a"],
    remove: [],
  });
  const fast = commands();
  await fast.change("acme", created.ticketId, agent, {
    type: "ChangeTags",
    add: ["b"],
    remove: [],
  });
  const result = await slow.change("acme", created.ticketId, agent, {
    type: "ChangeTags",
    add: ["c"],
    remove: [],
  });
  assert.deepEqual(result.ticket.tags, ["a", "b", "c"]);
});

Deno.test("TicketCommands.change - a retried message with the same key is stored once", async () => {
  const { store, commands } = setup();
  const handler = commands();
  const created = await handler.create("acme", customer, request);
  const reply = { type: "PostMessage", body: "hello", internal: false } as const;
  const first = await handler.change("acme", created.ticketId, agent, reply, {
    idempotencyKey: "r",
  });
  const again = await handler.change("acme", created.ticketId, agent, reply, {
    idempotencyKey: "r",
  });
  assert.equal(again.version, first.version);
  assert.equal(again.duplicate, true);
  assert.equal((await store.readSubject(ticketSubject("acme", created.ticketId))).length, 2);
});

Deno.test("TicketCommands.change - a ticket of another tenant is not found", async () => {
  const { commands } = setup();
  const created = await commands().create("acme", customer, request);
  await assert.rejects(
    commands().change("globex", created.ticketId, agent, { type: "ChangePriority", to: "low" }),
    { code: "ticket_not_found" },
  );
});
