/**
 * Crypto-shredding a customer through the API: their words become unreadable everywhere,
 * metadata and the audit trail stay, other customers are untouched, and only admins may do it.
 * @module
 */
import assert from "node:assert/strict";
import {
  adminA,
  adminB,
  agentA,
  auditorA,
  createTicket,
  customerA,
  customerA2,
  type Harness,
  projected,
  supervisorA,
  withHarness,
} from "./support/tickets_harness.ts";

async function erase(h: Harness, customerId: string, who = adminA) {
  return await h.call(who, "POST", `/v1/customers/${encodeURIComponent(customerId)}/erasure`);
}

async function ticketOf(h: Harness, id: string) {
  return await (await h.call(agentA, "GET", `/v1/tickets/${id}`)).json();
}

Deno.test("erasure - the customer's words are gone, the ticket and its history stay", () =>
  withHarness(async (h) => {
    const mine = await createTicket(h, customerA, { subject: "Quokka invoice", body: "Quokka 42" });
    const reply = await h.call(agentA, "POST", `/v1/tickets/${mine.id}/messages`, {
      body: "Quokka reply from the agent",
    });
    const theirs = await createTicket(h, customerA2, { subject: "Quokka too", body: "mine" });
    await projected(h, Math.max((await reply.json()).version, theirs.version));
    assert.equal(
      (await (await h.call(agentA, "GET", "/v1/tickets?q=quokka")).json()).tickets.length,
      2,
    );

    const response = await erase(h, customerA.sub);
    assert.equal(response.status, 200);
    const report = await response.json();
    assert.equal(report.keysDestroyed, 1);
    assert.equal(report.ticketsMarked, 1);
    assert.match(report.erasureId, /^[1-9][0-9]*$/);

    const erased = await ticketOf(h, mine.id);
    assert.equal(erased.subject, null);
    assert.deepEqual(erased.messages.map((m: { body: unknown }) => m.body), [null, null]);
    assert.equal(erased.requesterId, customerA.sub);
    assert.equal(erased.number, mine.number);
    const history = await (await h.call(auditorA, "GET", `/v1/tickets/${mine.id}/history`)).json();
    const last = history.entries.at(-1);
    assert.equal(last.actor.id, adminA.sub);
    assert.deepEqual(last.events, [{ type: "TicketContentErased", erasureId: report.erasureId }]);
    await projected(h, history.version);
    const found = (await (await h.call(agentA, "GET", "/v1/tickets?q=quokka")).json()).tickets;
    assert.deepEqual(found.map((t: { id: string }) => t.id), [theirs.id]);
    assert.equal((await ticketOf(h, theirs.id)).subject, "Quokka too");
  }));

Deno.test("erasure - every ticket of the customer is marked and unsearchable; a returning customer starts afresh", () =>
  withHarness(async (h) => {
    const tickets = [
      await createTicket(h, customerA, { subject: "Wombat one" }),
      await createTicket(h, customerA, { subject: "Wombat two" }),
      await createTicket(h, customerA, { subject: "Wombat three" }),
    ];
    await projected(h, tickets[2].version);
    assert.equal((await (await erase(h, customerA.sub)).json()).ticketsMarked, 3);
    let last = 0;
    for (const { id } of tickets) {
      const history = await (await h.call(adminA, "GET", `/v1/tickets/${id}/history`)).json();
      assert.equal(history.entries.at(-1).events[0].type, "TicketContentErased", `ticket ${id}`);
      last = Math.max(last, history.version);
    }
    await projected(h, last);
    const found = await (await h.call(agentA, "GET", "/v1/tickets?q=wombat")).json();
    assert.deepEqual(found.tickets, [], "no erased ticket is found by its words");
    const again = await (await erase(h, customerA.sub)).json();
    assert.equal(again.keysDestroyed, 0);
    const fresh = await createTicket(h, customerA, { subject: "Back again" });
    await projected(h, fresh.version);
    assert.equal((await ticketOf(h, fresh.id)).subject, "Back again");
  }));

Deno.test("erasure - only an admin of the customer's own tenant can erase them", () =>
  withHarness(async (h) => {
    const ticket = await createTicket(h, customerA, { subject: "Still here" });
    await projected(h, ticket.version);
    for (const who of [customerA, agentA, supervisorA, auditorA]) {
      const response = await erase(h, customerA.sub, who);
      assert.equal(response.status, 403, `${who.role} may not erase`);
      assert.equal((await response.json()).code, "forbidden");
    }
    const elsewhere = await (await erase(h, customerA.sub, adminB)).json();
    assert.deepEqual([elsewhere.keysDestroyed, elsewhere.ticketsMarked], [0, 0]);
    assert.equal((await ticketOf(h, ticket.id)).subject, "Still here");
    const bad = await erase(h, "bad\u0007id");
    assert.equal(bad.status, 400);
    assert.equal((await bad.json()).code, "invalid_customer_id");
  }));
