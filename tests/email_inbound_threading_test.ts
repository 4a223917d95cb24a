/**
 * Threading and loop protection of inbound mail, end to end: replies join their ticket by our
 * Message-IDs, by a `[#number]` subject token or by a plus-address, but only from the ticket's
 * requester; a reply to a closed ticket opens a linked follow-up; our own mail coming back makes
 * nothing.
 */
import assert from "node:assert/strict";
import nodemailer from "nodemailer";
import { type Harness, startHarness, supervisorA } from "./support/tickets_harness.ts";
import { messageIdFor } from "../services/email/domain/message_ids.ts";
import type { IntakeOutcome } from "../services/email/intake.ts";
import type { Mailbox } from "../services/email/mailboxes.ts";
import {
  type InboundInstance,
  readTicket,
  startInbound,
} from "../services/email/testing/inbound_harness.ts";

const SUPPORT: Mailbox = { tenant: "acme", address: "support@acme.example", imap: null };
const DOMAIN = "help.acme.example";

async function withInbound(run: (h: Harness, inbound: InboundInstance) => Promise<void>) {
  const h = await startHarness();
  const inbound = await startInbound(h, [SUPPORT]);
  try {
    await run(h, inbound);
  } finally {
    await inbound.stop();
    await h.stop();
  }
}

type Mail = Parameters<ReturnType<typeof nodemailer.createTransport>["sendMail"]>[0];

async function send(inbound: InboundInstance, mail: Mail): Promise<IntakeOutcome> {
  const before = inbound.outcomes.length;
  await nodemailer.createTransport({
    host: "127.0.0.1",
    port: inbound.service.smtpPort!,
    secure: false,
    ignoreTLS: true,
  }).sendMail({ from: "ann@customer.example", to: "support@acme.example", ...mail });
  return await inbound.nth(before + 1);
}

async function firstTicket(inbound: InboundInstance) {
  const outcome = await send(inbound, { subject: "Printer on fire", text: "first" });
  if (outcome.kind !== "created") throw new Error(`not created: ${JSON.stringify(outcome)}`);
  return outcome.ticketId;
}

Deno.test("email threading - a reply citing our Message-ID joins the ticket, without its quoted history", async () => {
  await withInbound(async (h, inbound) => {
    const ticketId = await firstTicket(inbound);
    const ours = messageIdFor("acme", ticketId, "1", DOMAIN);
    const reply = await send(inbound, {
      subject: "Re: Printer on fire",
      text: "Still burning\n\nOn Thu, 3 Dec 2026, Support <support@acme.example> wrote:\n> first",
      inReplyTo: ours,
      references: [ours],
    });
    assert.deepEqual(reply, { kind: "replied", ticketId, duplicate: false });
    const ticket = await readTicket(h, ticketId, (t) => t.messages.length === 2);
    assert.equal(ticket.messages[1].body, "Still burning", "the quoted history is cut");
    assert.equal(ticket.messages[1].internal, false);
    assert.equal(ticket.status, "new", "the customer's own reply is no first response");
  });
});

Deno.test("email threading - a [#number] token in the subject joins the ticket", async () => {
  await withInbound(async (h, inbound) => {
    const ticketId = await firstTicket(inbound);
    const { number } = await readTicket(h, ticketId);
    const reply = await send(inbound, { subject: `Re: [#${number}] Printer`, text: "more" });
    assert.deepEqual(reply, { kind: "replied", ticketId, duplicate: false });
  });
});

Deno.test("email threading - a plus-address of the mailbox joins the ticket", async () => {
  await withInbound(async (h, inbound) => {
    const ticketId = await firstTicket(inbound);
    const { number } = await readTicket(h, ticketId);
    const reply = await send(inbound, {
      to: `support+${number}@acme.example`,
      subject: "about my printer",
      text: "more",
    });
    assert.deepEqual(reply, { kind: "replied", ticketId, duplicate: false });
  });
});

Deno.test("email threading - someone else citing the ticket opens their own ticket", async () => {
  await withInbound(async (_h, inbound) => {
    const ticketId = await firstTicket(inbound);
    const reply = await send(inbound, {
      from: "mallory@evil.example",
      subject: "Re: Printer on fire",
      text: "let me in",
      inReplyTo: messageIdFor("acme", ticketId, "1", DOMAIN),
    });
    assert.equal(reply.kind, "created");
    assert.notEqual("ticketId" in reply && reply.ticketId, ticketId);
  });
});

Deno.test("email threading - a reply to a solved ticket reopens it, posted as the customer and relayed by svc:email", async () => {
  await withInbound(async (h, inbound) => {
    const ticketId = await firstTicket(inbound);
    const solved = await h.call(supervisorA, "POST", `/v1/tickets/${ticketId}/status`, {
      status: "solved",
    });
    assert.equal(solved.status, 200, await solved.text());
    const reply = await send(inbound, {
      subject: "Re: Printer on fire",
      text: "Not fixed after all",
      inReplyTo: messageIdFor("acme", ticketId, "1", DOMAIN),
    });
    assert.deepEqual(reply, { kind: "replied", ticketId, duplicate: false });
    const ticket = await readTicket(h, ticketId, (t) => t.messages.length === 2);
    assert.equal(ticket.status, "open", "a customer's reply reopens a solved ticket");
    const history = await (await h.call(supervisorA, "GET", `/v1/tickets/${ticketId}/history`))
      .json();
    const last = history.entries.at(-1);
    assert.deepEqual(last.actor, {
      id: ticket.requesterId,
      role: "customer",
      relayedBy: "svc:email",
    });
    assert.deepEqual(last.events.map((e: { type: string }) => e.type), [
      "MessagePosted",
      "TicketStatusChanged",
    ]);
    assert.equal(last.events[0].authorId, ticket.requesterId);
  });
});

Deno.test("email threading - a reply to a closed ticket opens a linked follow-up", async () => {
  await withInbound(async (h, inbound) => {
    const ticketId = await firstTicket(inbound);
    for (const status of ["solved", "closed"]) {
      const response = await h.call(supervisorA, "POST", `/v1/tickets/${ticketId}/status`, {
        status,
      });
      assert.equal(response.status, 200, await response.text());
    }
    const reply = await send(inbound, {
      subject: "Re: Printer on fire",
      text: "It is back",
      inReplyTo: messageIdFor("acme", ticketId, "1", DOMAIN),
    });
    assert.equal(reply.kind, "followed_up");
    if (reply.kind !== "followed_up") return;
    assert.notEqual(reply.ticketId, ticketId);
    const followUp = await readTicket(h, reply.ticketId);
    assert.equal(followUp.followUpOf, ticketId);
  });
});

Deno.test("email threading - our own mail coming back makes no ticket and no reply", async () => {
  await withInbound(async (_h, inbound) => {
    const ticketId = await firstTicket(inbound);
    const ours = messageIdFor("acme", ticketId, "9", DOMAIN);
    const looped = await send(inbound, {
      from: "support@acme.example",
      subject: "Re: Printer on fire",
      text: "our own reply",
      messageId: ours,
      inReplyTo: ours,
    });
    assert.deepEqual(looped, { kind: "ignored", reason: "our_own_message" });
  });
});

Deno.test("email threading - the customer's Message-IDs are recorded on the ticket", async () => {
  await withInbound(async (_h, inbound) => {
    const first = await send(inbound, {
      subject: "s",
      text: "t",
      messageId: "<first-1@customer.example>",
    });
    assert.equal(first.kind, "created");
    if (first.kind !== "created") return;
    const reply = await send(inbound, {
      subject: "Re: s",
      text: "again",
      messageId: "<second-1@customer.example>",
      inReplyTo: messageIdFor("acme", first.ticketId, "1", DOMAIN),
    });
    assert.equal(reply.kind, "replied");
    assert.deepEqual(await inbound.service.customerIds.list("acme", first.ticketId), [
      "<first-1@customer.example>",
      "<second-1@customer.example>",
    ]);
  });
});
