/**
 * Inbound mail by SMTP, end to end: nodemailer sends to the listener, the ticket appears through
 * the ticket commands over a private nats-server, the raw mail is sealed in a real s3rver.
 */
import assert from "node:assert/strict";
import nodemailer from "nodemailer";
import { type Harness, startHarness, supervisorA } from "./support/tickets_harness.ts";
import {
  type InboundInstance,
  type InboundOptions,
  readTicket,
  startInbound,
} from "../services/email/testing/inbound_harness.ts";
import type { Mailbox } from "../services/email/mailboxes.ts";

const SUPPORT: Mailbox = { tenant: "acme", address: "support@acme.example", imap: null };

async function withInbound(
  run: (h: Harness, inbound: InboundInstance) => Promise<void>,
  env: Record<string, string> = {},
  wrap?: InboundOptions["wrap"],
) {
  const h = await startHarness();
  const inbound = await startInbound(h, [SUPPORT], { env, wrap });
  try {
    await run(h, inbound);
  } finally {
    await inbound.stop();
    await h.stop();
  }
}

function transport(inbound: InboundInstance) {
  return nodemailer.createTransport({
    host: "127.0.0.1",
    port: inbound.service.smtpPort!,
    secure: false,
    ignoreTLS: true,
  });
}

Deno.test("email SMTP - a mail sent by nodemailer opens a ticket for its sender", async () => {
  await withInbound(async (h, inbound) => {
    await transport(inbound).sendMail({
      from: "Ann <ann@customer.example>",
      to: "support@acme.example",
      subject: "Printer on fire 打印机",
      text: "It is on fire.\nPlease help.",
    });
    const outcome = await inbound.nth(1);
    assert.equal(outcome.kind, "created");
    if (outcome.kind !== "created") return;
    const ticket = await readTicket(h, outcome.ticketId);
    assert.equal(ticket.subject, "Printer on fire 打印机");
    assert.equal(ticket.requesterId, "email:ann@customer.example");
    assert.match(ticket.messages[0].body, /It is on fire\.\nPlease help\./);
  });
});

Deno.test("email SMTP - the raw mail is kept sealed in S3 and opens back to its bytes", async () => {
  await withInbound(async (h, inbound) => {
    const raw = [
      "From: ann@customer.example",
      "To: support@acme.example",
      "Message-ID: <raw-1@customer.example>",
      "Subject: keep me",
      "",
      "secret words here",
      "",
    ].join("\r\n");
    await transport(inbound).sendMail({
      envelope: { from: "ann@customer.example", to: ["support@acme.example"] },
      raw,
    });
    const outcome = await inbound.nth(1);
    assert.equal(outcome.kind, "created");
    if (outcome.kind !== "created") return;
    const objects = await listObjects(inbound);
    assert.equal(objects.length, 1);
    assert.match(objects[0], new RegExp(`^tickets/acme/${outcome.ticketId}/[0-9a-f]{64}\\.eml$`));
    const stored = await streamText(
      await inbound.s3.client().getObject("ticketd-email", objects[0]),
    );
    assert.ok(!stored.includes("secret words"), "stored in the clear");
    const opened = await inbound.service.raw.read(objects[0], {
      tenant: "acme",
      ticketId: outcome.ticketId,
    });
    assert.match(new TextDecoder().decode(opened!), /secret words here/);
    assert.ok(h);
  });
});

Deno.test("email SMTP - the same mail delivered twice makes one ticket", async () => {
  await withInbound(async (_h, inbound) => {
    const mail = {
      from: "ann@customer.example",
      to: "support@acme.example",
      subject: "twice",
      text: "once only",
      messageId: "<twice-1@customer.example>",
    };
    await transport(inbound).sendMail(mail);
    await transport(inbound).sendMail(mail);
    const [first, second] = [await inbound.nth(1), await inbound.nth(2)];
    assert.ok(first.kind === "created" && second.kind === "created");
    assert.equal(second.ticketId, first.ticketId);
    assert.equal(second.duplicate, true);
  });
});

Deno.test("email SMTP - a mail opens its ticket as the customer, relayed by svc:email, and once", async () => {
  await withInbound(async (h, inbound) => {
    const mail = {
      from: "ann@customer.example",
      to: "support@acme.example",
      subject: "mine",
      text: "my own words",
      messageId: "<mine-1@customer.example>",
    };
    await transport(inbound).sendMail(mail);
    await transport(inbound).sendMail(mail);
    const [first, second] = [await inbound.nth(1), await inbound.nth(2)];
    assert.ok(first.kind === "created" && second.kind === "created");
    assert.deepEqual([second.ticketId, second.duplicate], [first.ticketId, true]);
    const history =
      await (await h.call(supervisorA, "GET", `/v1/tickets/${first.ticketId}/history`))
        .json();
    assert.equal(history.entries.length, 1, "the duplicate mail added nothing");
    const [opened] = history.entries;
    const customer = "email:ann@customer.example";
    assert.deepEqual(opened.actor, { id: customer, role: "customer", relayedBy: "svc:email" });
    const message = opened.events.find((e: { type: string }) => e.type === "MessagePosted");
    assert.deepEqual([message.authorId, message.authorRole], [customer, "customer"]);
  });
});

Deno.test("email SMTP - a connection idle past TICKETD_EMAIL_SMTP_IDLE_SECONDS gets 421", async () => {
  await withInbound(async (_h, inbound) => {
    const conn = await Deno.connect({ hostname: "127.0.0.1", port: inbound.service.smtpPort! });
    try {
      const started = Date.now();
      const said = await readUntilClosed(conn);
      assert.match(said, /^220 /);
      assert.match(said, /\r\n421 /);
      assert.ok(Date.now() - started >= 900, "closed by the idle timeout, not at once");
    } finally {
      try {
        conn.close();
      } catch { /* the server closed it */ }
    }
  }, { TICKETD_EMAIL_SMTP_IDLE_SECONDS: "1" });
});

/** Everything the server says until it closes the connection (at most 10 s). */
async function readUntilClosed(conn: Deno.Conn): Promise<string> {
  const chunks: string[] = [];
  const decoder = new TextDecoder();
  const buffer = new Uint8Array(4096);
  const deadline = setTimeout(() => conn.close(), 10_000);
  try {
    for (;;) {
      const n = await conn.read(buffer).catch(() => null);
      if (n === null) break;
      chunks.push(decoder.decode(buffer.subarray(0, n)));
    }
  } finally {
    clearTimeout(deadline);
  }
  return chunks.join("");
}

Deno.test("email SMTP - unknown recipients are refused with 550", async () => {
  await withInbound(async (_h, inbound) => {
    await assert.rejects(
      () =>
        transport(inbound).sendMail({
          from: "ann@customer.example",
          to: "nobody@acme.example",
          subject: "s",
          text: "t",
        }),
      (error: { responseCode?: number }) => error.responseCode === 550,
    );
    assert.equal(inbound.outcomes.length, 0);
  });
});

Deno.test("email SMTP - a message over TICKETD_EMAIL_MAX_MESSAGE_MB is refused with 552", async () => {
  await withInbound(async (_h, inbound) => {
    await assert.rejects(
      () =>
        transport(inbound).sendMail({
          from: "ann@customer.example",
          to: "support@acme.example",
          subject: "big",
          text: "x".repeat(1_200_000),
        }),
      (error: { responseCode?: number }) => error.responseCode === 552,
    );
    assert.equal(inbound.outcomes.length, 0);
  }, { TICKETD_EMAIL_MAX_MESSAGE_MB: "1" });
});

Deno.test("email SMTP - an auto-reply and a bounce make no ticket", async () => {
  await withInbound(async (_h, inbound) => {
    const t = transport(inbound);
    await t.sendMail({
      from: "ann@customer.example",
      to: "support@acme.example",
      subject: "Out of office",
      text: "I am away",
      headers: { "Auto-Submitted": "auto-replied" },
    });
    await t.sendMail({
      from: "MAILER-DAEMON@mx.customer.example",
      to: "support@acme.example",
      subject: "Undelivered Mail Returned to Sender",
      text: "bounce",
    });
    assert.deepEqual(await inbound.nth(1), { kind: "ignored", reason: "auto_submitted" });
    assert.deepEqual(await inbound.nth(2), { kind: "ignored", reason: "bounce" });
    assert.deepEqual(await listObjects(inbound), []);
  });
});

Deno.test("email SMTP - a mail with no sender is kept raw (sealed) as unparseable", async () => {
  await withInbound(async (_h, inbound) => {
    await transport(inbound).sendMail({
      envelope: { from: "x@customer.example", to: ["support@acme.example"] },
      raw: "Subject: who am I\r\n\r\nno From header\r\n",
    });
    const outcome = await inbound.nth(1);
    assert.equal(outcome.kind, "unparseable");
    const objects = await listObjects(inbound);
    assert.equal(objects.length, 1);
    assert.match(objects[0], /^unparsed\/acme\/[0-9a-f]{64}\.eml$/);
  });
});

async function listObjects(inbound: InboundInstance): Promise<string[]> {
  const names: string[] = [];
  for await (const item of inbound.s3.client().listObjectsV2("ticketd-email", "", true)) {
    names.push((item as { name: string }).name);
  }
  return names.sort();
}

async function streamText(stream: AsyncIterable<Uint8Array>): Promise<string> {
  const chunks: Uint8Array[] = [];
  for await (const chunk of stream) chunks.push(chunk);
  return new TextDecoder().decode(new Uint8Array(chunks.flatMap((c) => [...c])));
}

Deno.test("email SMTP - a mail whose intake fails gets 451 and no 250, and its retry lands", async () => {
  let failures = 1;
  await withInbound(
    async (_h, inbound) => {
      const mail = {
        from: "ann@customer.example",
        to: "support@acme.example",
        subject: "retry me",
        text: "t",
        messageId: "<retry-1@customer.example>",
      };
      await assert.rejects(
        () => transport(inbound).sendMail(mail),
        (error: { responseCode?: number }) => error.responseCode === 451,
      );
      const retried = await transport(inbound).sendMail(mail);
      assert.match(retried.response, /^250/);
      const outcome = await inbound.nth(1);
      assert.equal(outcome.kind, "created");
    },
    {},
    (real) => (raw, mailbox, deps) => {
      if (failures-- > 0) return Promise.reject(new Error("the ticket core is away"));
      return real(raw, mailbox, deps);
    },
  );
});
