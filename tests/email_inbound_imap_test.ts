/**
 * Inbound mail by IMAP, end to end against a private Dovecot: mails planted with imapflow APPEND
 * become tickets, are marked only once durable, are not doubled by a poller killed in between or
 * by the same mail also coming by SMTP, and a stalled mailbox delays no other.
 */
import assert from "node:assert/strict";
import { ImapFlow } from "imapflow";
import nodemailer from "nodemailer";
import { startHarness } from "./support/tickets_harness.ts";
import { startTestS3 } from "../services/attachments/testing/s3.ts";
import { startTestDovecot, type TestDovecot } from "../services/email/testing/dovecot.ts";
import { startInbound } from "../services/email/testing/inbound_harness.ts";
import { TAKEN_KEYWORD } from "../services/email/imap/poller.ts";
import type { Mailbox } from "../services/email/mailboxes.ts";

function mailbox(
  dovecot: TestDovecot,
  user: string,
  extra: Partial<Mailbox["imap"]> = {},
): Mailbox {
  return {
    tenant: "acme",
    address: `${user}@acme.example`,
    imap: {
      host: dovecot.host,
      port: dovecot.port,
      secure: false,
      user,
      password: dovecot.password(user),
      folder: "INBOX",
      after: "flag",
      ...extra,
    },
  };
}

async function imapClient(dovecot: TestDovecot, user: string): Promise<ImapFlow> {
  const client = new ImapFlow({
    host: dovecot.host,
    port: dovecot.port,
    secure: false,
    auth: { user, pass: dovecot.password(user) },
    logger: false,
  });
  await client.connect();
  return client;
}

function rawMail(id: string, to = "support@acme.example"): string {
  return [
    "From: Ann <ann@customer.example>",
    `To: ${to}`,
    `Message-ID: <${id}@customer.example>`,
    `Subject: mail ${id}`,
    "Content-Type: text/plain; charset=utf-8",
    "",
    `Body of ${id}.`,
    "",
  ].join("\r\n");
}

async function plant(dovecot: TestDovecot, user: string, raw: string): Promise<void> {
  const client = await imapClient(dovecot, user);
  await client.append("INBOX", raw);
  await client.logout();
}

/** Flags of every message in `user`'s INBOX, by UID. */
async function flagsOf(dovecot: TestDovecot, user: string): Promise<string[][]> {
  const client = await imapClient(dovecot, user);
  const lock = await client.getMailboxLock("INBOX");
  const all: string[][] = [];
  try {
    for await (const message of client.fetch("1:*", { flags: true })) {
      all.push([...(message.flags ?? [])].sort());
    }
  } catch {
    // an empty mailbox has no 1:*
  } finally {
    lock.release();
  }
  await client.logout();
  return all;
}

async function withDovecot(users: string[], run: (d: TestDovecot) => Promise<void>) {
  const dovecot = await startTestDovecot(users);
  try {
    await run(dovecot);
  } finally {
    await dovecot.stop();
  }
}

Deno.test("email IMAP - a planted mail becomes a ticket and is then marked taken", async () => {
  await withDovecot(["support"], async (dovecot) => {
    const h = await startHarness();
    await plant(dovecot, "support", rawMail("imap-1"));
    const inbound = await startInbound(h, [mailbox(dovecot, "support")]);
    try {
      const outcome = await inbound.nth(1);
      assert.equal(outcome.kind, "created");
      await inbound.service.pollers.get("support@acme.example")!.pollNow();
      assert.deepEqual(await flagsOf(dovecot, "support"), [[TAKEN_KEYWORD, "\\Seen"].sort()]);
      assert.equal(inbound.outcomes.length, 1, "taken once only");
    } finally {
      await inbound.stop();
      await h.stop();
    }
  });
});

Deno.test("email IMAP - a poller killed between the ticket and the mark makes one ticket", async () => {
  await withDovecot(["support"], async (dovecot) => {
    const h = await startHarness();
    const s3 = await startTestS3();
    await plant(dovecot, "support", rawMail("killed-1"));
    let ticketId = "";
    const first = await startInbound(h, [mailbox(dovecot, "support")], {
      s3,
      wrap: (real) => async (raw, box, deps) => {
        const outcome = await real(raw, box, deps);
        if ("ticketId" in outcome) ticketId = outcome.ticketId;
        throw new Error("killed after the ticket, before the mark");
      },
    });
    try {
      while (!ticketId) await new Promise((resolve) => setTimeout(resolve, 25));
      await first.stop();
      assert.deepEqual(await flagsOf(dovecot, "support"), [[]], "not marked");
      const second = await startInbound(h, [mailbox(dovecot, "support")], { s3 });
      try {
        const outcome = await second.nth(1);
        assert.deepEqual(outcome, { kind: "created", ticketId, duplicate: true });
        await second.service.pollers.get("support@acme.example")!.pollNow();
        assert.deepEqual(await flagsOf(dovecot, "support"), [[TAKEN_KEYWORD, "\\Seen"].sort()]);
      } finally {
        await second.stop();
      }
    } finally {
      await s3.stop();
      await h.stop();
    }
  });
});

Deno.test("email IMAP - the same mail by SMTP and by IMAP makes one ticket", async () => {
  await withDovecot(["support"], async (dovecot) => {
    const h = await startHarness();
    const inbound = await startInbound(h, [mailbox(dovecot, "support")]);
    try {
      const raw = rawMail("both-1");
      await nodemailer.createTransport({
        host: "127.0.0.1",
        port: inbound.service.smtpPort!,
        secure: false,
        ignoreTLS: true,
      }).sendMail({
        envelope: { from: "ann@customer.example", to: ["support@acme.example"] },
        raw,
      });
      const bySmtp = await inbound.nth(1);
      await plant(dovecot, "support", raw);
      const byImap = await inbound.nth(2);
      assert.ok(bySmtp.kind === "created" && byImap.kind === "created");
      assert.equal(byImap.ticketId, bySmtp.ticketId);
      assert.equal(byImap.duplicate, true);
    } finally {
      await inbound.stop();
      await h.stop();
    }
  });
});

Deno.test("email IMAP - a stalled mailbox does not delay another mailbox", async () => {
  await withDovecot(["support"], async (dovecot) => {
    // A server that accepts connections and never says a word: its poller waits out its timeout.
    const blackHole = Deno.listen({ hostname: "127.0.0.1", port: 0 });
    const held: Deno.Conn[] = [];
    (async () => {
      for await (const conn of blackHole) held.push(conn);
    })();
    const stalled: Mailbox = {
      ...mailbox(dovecot, "sales"),
      imap: { ...mailbox(dovecot, "sales").imap!, port: blackHole.addr.port },
    };
    const h = await startHarness();
    await plant(dovecot, "support", rawMail("alive-1"));
    const started = Date.now();
    const inbound = await startInbound(h, [stalled, mailbox(dovecot, "support")], {
      env: { TICKETD_EMAIL_IMAP_TIMEOUT_SECONDS: "60" },
    });
    try {
      const outcome = await inbound.nth(1, 10_000);
      assert.equal(outcome.kind, "created");
      assert.equal(inbound.outcomes[0].mailbox, "support@acme.example");
      assert.ok(Date.now() - started < 10_000);
      assert.ok(held.length >= 1, "the stalled mailbox's poller is connected and waiting");
    } finally {
      blackHole.close();
      for (const conn of held) conn.close();
      await inbound.stop();
      await h.stop();
    }
  });
});

Deno.test("email IMAP - with after: delete, a taken mail is deleted once durable", async () => {
  await withDovecot(["support"], async (dovecot) => {
    const h = await startHarness();
    await plant(dovecot, "support", rawMail("delete-1"));
    const inbound = await startInbound(h, [mailbox(dovecot, "support", { after: "delete" })]);
    try {
      assert.equal((await inbound.nth(1)).kind, "created");
      await inbound.service.pollers.get("support@acme.example")!.pollNow();
      assert.deepEqual(await flagsOf(dovecot, "support"), []);
    } finally {
      await inbound.stop();
      await h.stop();
    }
  });
});
