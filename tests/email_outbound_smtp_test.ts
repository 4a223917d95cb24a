/**
 * Outbound email end to end: tickets opened by the email service over the ticket commands, agent
 * replies over HTTP, the real tickets service, JetStream and PostgreSQL, and a real SMTP relay
 * (smtp-server) receiving what nodemailer sends over TLS verified against a throwaway CA.
 * @module
 */
import assert from "node:assert/strict";
import { AckPolicy, DeliverPolicy, jetstream } from "@nats-io/jetstream";
import { Kvm } from "@nats-io/kv";
import { ticketCommandSender } from "@ticketd/shared/commands/ticket_command_client.ts";
import { ALL_TICKETS_SUBJECT } from "@ticketd/shared/events/tickets.ts";
import { createLogger } from "@ticketd/shared/log/logger.ts";
import { freePort } from "@ticketd/shared/runtime/free_port.ts";
import {
  CustomerMailIds,
  outboundSettings,
  startOutbound,
} from "../services/email/outbound/mod.ts";
import { OUTBOX_BUCKET, OUTBOX_STREAM } from "../services/email/outbound/outbox.ts";
import { TRIGGER_CONSUMER } from "../services/email/outbound/trigger.ts";
import { startTestRelay, type TestRelay } from "../services/email/outbound/testing_relay.ts";
import { makeTestCa } from "../services/email/testing/test_ca.ts";
import { agentA, type Harness, withHarness } from "./support/tickets_harness.ts";

const ca = await makeTestCa();
const otherCa = await makeTestCa();

interface Relay {
  port: number;
  tls: "starttls" | "implicit";
  caPem?: string;
  /** The relay's login, written to the secrets file by name. */
  login?: { user: string; pass: string };
}

async function startOutboundFor(h: Harness, relay: Relay, env: Record<string, string> = {}) {
  const dir = await Deno.makeTempDir({ prefix: "ticketd-outbound-" });
  await Deno.writeTextFile(`${dir}/ca.pem`, relay.caPem ?? ca.caPem);
  await Deno.writeTextFile(
    `${dir}/senders.json`,
    JSON.stringify({
      tenants: {
        acme: {
          from: { name: "Acme Support", address: "help@acme.example" },
          smtp: {
            host: "127.0.0.1",
            servername: "localhost",
            port: relay.port,
            tls: relay.tls,
            caFile: `${dir}/ca.pem`,
            ...(relay.login
              ? { auth: { user: relay.login.user, passwordSecret: "acme-relay" } }
              : {}),
          },
        },
      },
    }),
  );
  await Deno.writeTextFile(
    `${dir}/secrets.json`,
    JSON.stringify({ "acme-relay": relay.login?.pass ?? "" }),
  );
  const logLines: string[] = [];
  const log = createLogger("info", { service: "email-outbound-test" }, {
    write: (chunk) =>
      Promise.resolve(logLines.push(...new TextDecoder().decode(chunk).split("\n"))),
  });
  const outbound = await startOutbound({
    nc: h.nc,
    keyring: h.keyring,
    profiles: h.config.profiles,
    dataKeyCacheEntries: 1000,
    ticketStream: h.config.stream.name,
    settings: outboundSettings({
      TICKETD_EMAIL_OUTBOUND_FILE: `${dir}/senders.json`,
      TICKETD_EMAIL_SECRETS_FILE: `${dir}/secrets.json`,
      TICKETD_EMAIL_OUTBOUND_RETRY_BASE_MS: "200",
      TICKETD_EMAIL_OUTBOUND_RETRY_MAX_MS: "400",
      // Only the test of the attempt limit reaches it, however slow the machine is today.
      TICKETD_EMAIL_OUTBOUND_MAX_ATTEMPTS: "1000",
      TICKETD_EMAIL_SMTP_TIMEOUT_MS: "5000",
      ...env,
    }),
    log,
    now: Date.now,
  });
  return {
    outbound,
    /** What was logged so far. */
    async logged() {
      await log.flush();
      return logLines;
    },
    async stop() {
      await outbound.stop();
      await Deno.remove(dir, { recursive: true });
    },
  };
}

/** Opens a ticket as the email service does for a mail from `address`. */
async function emailTicket(h: Harness, address = "alice@example.com", subject = "Printer on fire") {
  const reply = await ticketCommandSender(h.nc, 5_000)("acme", {
    service: "email",
    create: { subject, body: "It is on fire.", requesterId: `email:${address}` },
  });
  assert.ok(reply.ok, JSON.stringify(reply));
  return reply.ticketId;
}

async function agentReply(h: Harness, ticketId: string, body: string): Promise<void> {
  const response = await h.call(agentA, "POST", `/v1/tickets/${ticketId}/messages`, { body });
  const answer = await response.text();
  assert.equal(response.status, 200, answer);
}

/** The first truthy value `probe` gives, within `ms`. */
async function eventually<T>(
  what: string,
  probe: () => T | Promise<T>,
  ms = 15_000,
): Promise<NonNullable<T>> {
  const until = Date.now() + ms;
  for (;;) {
    const value = await probe();
    if (value) return value as NonNullable<T>;
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/**
 * Every mail record. Keys come from the bucket's stream (`kv.keys()` runs a consumer that can
 * wait a long time while a record keeps changing, as a retried mail's does).
 */
async function records(h: Harness) {
  const kv = await new Kvm(h.nc).open(OUTBOX_BUCKET);
  const jsm = await jetstream(h.nc).jetstreamManager();
  const info = await jsm.streams.info(`KV_${OUTBOX_BUCKET}`, { subjects_filter: ">" });
  const prefix = `$KV.${OUTBOX_BUCKET}.`;
  const out: Record<string, { state: string; attempts: number; error?: string }> = {};
  for (const subject of Object.keys(info.state.subjects ?? {}).sort()) {
    const key = subject.slice(prefix.length);
    const entry = await kv.get(key);
    if (entry?.operation === "PUT") out[key] = entry.json();
  }
  return out;
}

/** The only mail's record once it has failed twice and waits for its next attempt. */
async function failedTwice(h: Harness) {
  const [record] = Object.values(await records(h));
  return record?.state === "queued" && record.attempts >= 2 ? record : undefined;
}

async function withRelay(
  options: Parameters<typeof startTestRelay>[0],
  fn: (relay: TestRelay) => Promise<void>,
) {
  const relay = await startTestRelay(options);
  try {
    await fn(relay);
  } finally {
    await relay.stop();
  }
}

const login = { user: "acme-out", pass: "relay-password" };

Deno.test("an agent's reply on an email ticket is sent once over STARTTLS, logged in, threaded to the customer's mail", () =>
  withHarness((h) =>
    withRelay({ tls: "starttls", ca, login }, async (relay) => {
      const run = await startOutboundFor(h, { port: relay.port, tls: "starttls", login });
      try {
        const ticketId = await emailTicket(h);
        await (await CustomerMailIds.open(h.nc)).add(
          "acme",
          ticketId,
          "<first-mail@mail.example.com>",
        );
        const ack = await eventually("the received notice", () => relay.received[0]);
        await agentReply(
          h,
          ticketId,
          "Hello Alice,\nwe sent a fire fighter. <b>Stay calm</b> & wait.",
        );
        const { mail, secure } = await eventually("the reply", () => relay.received[1]);
        assert.equal(secure, true);
        assert.match(ack.mail.subject!, /^Re: Printer on fire \[#\d+\]$/);
        assert.equal(ack.mail.headers.get("auto-submitted"), "auto-replied");
        assert.match(
          mail.messageId!,
          new RegExp(`^<ticketd\\.acme\\.${ticketId}\\.[1-9][0-9]*@acme\\.example>$`),
        );
        assert.equal(mail.inReplyTo, "<first-mail@mail.example.com>");
        assert.deepEqual(mail.references, ["<first-mail@mail.example.com>", ack.mail.messageId]);
        assert.equal(mail.subject, ack.mail.subject);
        assert.equal(mail.to && !Array.isArray(mail.to) ? mail.to.text : "", "alice@example.com");
        assert.equal(mail.from?.value[0].address, "help@acme.example");
        const number = /\[#(\d+)\]/.exec(mail.subject!)![1];
        assert.equal(mail.replyTo?.value[0].address, `help+${number}@acme.example`);
        assert.ok(mail.text?.includes("we sent a fire fighter. <b>Stay calm</b> & wait."));
        assert.ok(String(mail.html).includes("&lt;b&gt;Stay calm&lt;/b&gt; &amp; wait."));
        await new Promise((r) => setTimeout(r, 500));
        assert.equal(relay.received.length, 2);
        assert.deepEqual(Object.values(await records(h)).map((r) => r.state), ["sent", "sent"]);
        assert.equal(run.outbound.stats.sent, 2);
        assert.ok(!(await run.logged()).some((line) => line.includes(login.pass)));
      } finally {
        await run.stop();
      }
    })
  ));

Deno.test("a customer writing in Chinese gets the received and solved notices in Chinese", () =>
  withHarness((h) =>
    withRelay({ tls: "implicit", ca }, async (relay) => {
      const run = await startOutboundFor(h, { port: relay.port, tls: "implicit" });
      try {
        const ticketId = await emailTicket(h, "li@example.cn", "打印机着火了");
        const received = await eventually("the received notice", () => relay.received[0]);
        const response = await h.call(agentA, "POST", `/v1/tickets/${ticketId}/status`, {
          status: "solved",
        });
        assert.equal(response.status, 200, await response.text());
        const solved = await eventually("the solved notice", () => relay.received[1]);
        assert.match(received.mail.subject!, /^回复：打印机着火了 \[#\d+\]$/);
        assert.ok(received.mail.text?.includes("我们已收到您的请求“打印机着火了”"));
        assert.ok(String(received.mail.html).includes('<html lang="zh">'));
        assert.equal(received.mail.headers.get("content-language"), "zh");
        assert.equal(solved.mail.subject, received.mail.subject);
        assert.ok(solved.mail.text?.includes("已标记为已解决"));
        assert.equal(solved.mail.headers.get("auto-submitted"), "auto-generated");
        assert.equal(solved.mail.inReplyTo, received.mail.messageId);
      } finally {
        await run.stop();
      }
    })
  ));

Deno.test("the outbox holds ids only: no address and no ticket text in the stream or its records", () =>
  withHarness((h) =>
    withRelay({ tls: "starttls", ca }, async (relay) => {
      const run = await startOutboundFor(h, { port: relay.port, tls: "starttls" });
      try {
        const ticketId = await emailTicket(h, "secret.person@example.com", "Confidential subject");
        await agentReply(h, ticketId, "Confidential reply body");
        await eventually("both mails", () => relay.received.length === 2);
        const jsm = await jetstream(h.nc).jetstreamManager();
        const decoder = new TextDecoder();
        const stored: string[] = [JSON.stringify(await records(h))];
        const last = (await jsm.streams.info(OUTBOX_STREAM)).state.last_seq;
        for (let seq = 1; seq <= last; seq++) {
          const msg = await jsm.streams.getMessage(OUTBOX_STREAM, { seq }).catch(() => null);
          if (msg) stored.push(decoder.decode(msg.data));
        }
        for (const text of stored) {
          for (const secret of ["secret.person", "Confidential"]) {
            assert.ok(!text.includes(secret), text);
          }
        }
      } finally {
        await run.stop();
      }
    })
  ));

Deno.test("a redelivered ticket event and a repeated outbox entry send nothing more", () =>
  withHarness((h) =>
    withRelay({ tls: "starttls", ca }, async (relay) => {
      let run = await startOutboundFor(h, { port: relay.port, tls: "starttls" });
      const ticketId = await emailTicket(h);
      await agentReply(h, ticketId, "First answer");
      await eventually("both mails", () => relay.received.length === 2);
      await run.stop();
      // As if every ack had been lost: the trigger's consumer delivers the whole stream again.
      const jsm = await jetstream(h.nc).jetstreamManager();
      await jsm.consumers.delete(h.config.stream.name, TRIGGER_CONSUMER);
      await jsm.consumers.add(h.config.stream.name, {
        durable_name: TRIGGER_CONSUMER,
        filter_subject: ALL_TICKETS_SUBJECT,
        ack_policy: AckPolicy.Explicit,
        deliver_policy: DeliverPolicy.All,
      });
      run = await startOutboundFor(h, { port: relay.port, tls: "starttls" });
      try {
        await eventually("the redelivery to be processed", async () => {
          const info = await jsm.consumers.info(h.config.stream.name, TRIGGER_CONSUMER);
          return info.num_pending === 0 && info.num_ack_pending === 0 &&
            info.delivered.stream_seq > 0;
        });
        // And an outbox entry queued again after the duplicate window (a new message id).
        const [key] = Object.keys(await records(h));
        const [, , seq, index] = key.split(".");
        await jetstream(h.nc).publish(
          `email.outbox.acme.${ticketId}`,
          JSON.stringify({
            key,
            tenant: "acme",
            ticketId,
            kind: "created",
            seq: Number(seq),
            index: Number(index),
            eventId: "1-0",
          }),
          { msgID: `${key}-again` },
        );
        await eventually(
          "the repeated entry to be skipped",
          () => run.outbound.stats.skipped === 1,
        );
        await new Promise((r) => setTimeout(r, 500));
        assert.equal(relay.received.length, 2);
        assert.equal(run.outbound.stats.queued, 0);
        assert.equal(run.outbound.stats.sent, 0);
      } finally {
        await run.stop();
      }
    })
  ));

Deno.test("a relay that is down gets retries with back-off, then the mail once when it is back", () =>
  withHarness(async (h) => {
    const port = freePort();
    const run = await startOutboundFor(h, { port, tls: "implicit" });
    try {
      await emailTicket(h);
      const record = await eventually("two failed attempts", () => failedTwice(h));
      assert.match(record.error ?? "", /^smtp_e(connection|socket)$/);
      await withRelay({ tls: "implicit", ca, port }, async (relay) => {
        const { mail, secure } = await eventually("the delivery", () => relay.received[0]);
        assert.equal(secure, true);
        assert.match(mail.subject!, /\[#\d+\]/);
        await eventually(
          "the sent record",
          async () => Object.values(await records(h))[0].state === "sent",
        );
        await new Promise((r) => setTimeout(r, 800));
        assert.equal(relay.received.length, 1);
        assert.ok(run.outbound.stats.retried >= 2);
      });
    } finally {
      await run.stop();
    }
  }));

Deno.test("a relay without STARTTLS, when STARTTLS is required, gets nothing in clear", () =>
  withHarness((h) =>
    withRelay({ tls: "none", ca }, async (relay) => {
      const run = await startOutboundFor(h, { port: relay.port, tls: "starttls" });
      try {
        await emailTicket(h);
        const failed = await eventually("two refused attempts", () => failedTwice(h));
        assert.equal(relay.mailFromCount(), 0);
        assert.equal(relay.received.length, 0);
        assert.equal(failed.error, "smtp_tls_failed");
      } finally {
        await run.stop();
      }
    })
  ));

Deno.test("a relay whose certificate another CA signed gets nothing", () =>
  withHarness((h) =>
    withRelay({ tls: "starttls", ca: otherCa }, async (relay) => {
      const run = await startOutboundFor(h, { port: relay.port, tls: "starttls" });
      try {
        await emailTicket(h);
        const failed = await eventually("two refused attempts", () => failedTwice(h));
        assert.equal(failed.error, "smtp_esocket");
        assert.equal(relay.mailFromCount(), 0);
        assert.equal(relay.received.length, 0);
      } finally {
        await run.stop();
      }
    })
  ));

Deno.test("a wrong relay password is refused (535) and nothing is sent", () =>
  withHarness((h) =>
    withRelay({ tls: "starttls", ca, login }, async (relay) => {
      const wrong = { ...login, pass: "not-it" };
      const run = await startOutboundFor(h, { port: relay.port, tls: "starttls", login: wrong });
      try {
        await emailTicket(h);
        await eventually("the dead letter", () => run.outbound.stats.dead === 1);
        assert.equal(Object.values(await records(h))[0].error, "smtp_535");
        assert.equal(relay.received.length, 0);
      } finally {
        await run.stop();
      }
    })
  ));

Deno.test("a recipient the relay refuses (550) is dead-lettered at once, recorded and counted", () =>
  withHarness((h) =>
    withRelay({ tls: "starttls", ca, refuse: ["gone@example.com"] }, async (relay) => {
      const run = await startOutboundFor(h, { port: relay.port, tls: "starttls" });
      try {
        const ticketId = await emailTicket(h, "gone@example.com");
        await eventually("the dead letter", () => run.outbound.stats.dead === 1);
        const [record] = Object.values(await records(h));
        assert.deepEqual([record.state, record.attempts, record.error], ["dead", 1, "smtp_550"]);
        const jsm = await jetstream(h.nc).jetstreamManager();
        const dead = await jsm.streams.getMessage(OUTBOX_STREAM, {
          last_by_subj: `email.dead.acme.${ticketId}`,
        });
        assert.equal(dead?.json<{ state: string }>().state, "dead");
        const logged = (await run.logged()).filter((l) => l.includes('"email dead-lettered"'));
        assert.equal(logged.length, 1);
        assert.ok(!logged[0].includes("gone@example.com"), logged[0]);
        assert.equal(relay.received.length, 0);
      } finally {
        await run.stop();
      }
    })
  ));

Deno.test("after the last attempt a mail is dead-lettered instead of retried forever", () =>
  withHarness(async (h) => {
    const run = await startOutboundFor(h, { port: freePort(), tls: "implicit" }, {
      TICKETD_EMAIL_OUTBOUND_MAX_ATTEMPTS: "3",
    });
    try {
      await emailTicket(h);
      await eventually("the dead letter", () => run.outbound.stats.dead === 1);
      const [record] = Object.values(await records(h));
      assert.deepEqual([record.state, record.attempts], ["dead", 3]);
      assert.equal(run.outbound.stats.retried, 2);
    } finally {
      await run.stop();
    }
  }));

Deno.test("after a merge an agent's reply on the target reaches the merged ticket's requester too (envelope only), referring to their own mail; an unmerge takes a requester off", () =>
  withHarness((h) =>
    withRelay({ tls: "implicit", ca }, async (relay) => {
      const run = await startOutboundFor(h, { port: relay.port, tls: "implicit" });
      try {
        const target = await emailTicket(h, "alice@example.com");
        const source = await emailTicket(h, "bob@example.org", "Printer on fire too");
        const ids = await CustomerMailIds.open(h.nc);
        await ids.add("acme", target, "<alice-first@mail.example.com>");
        await ids.add("acme", source, "<bob-first@mail.example.org>");
        await eventually("both received notices", () => relay.received.length >= 2);
        const merged = await h.call(agentA, "POST", `/v1/tickets/${source}/merge`, {
          into: target,
        });
        assert.equal(merged.status, 200, await merged.text());
        await agentReply(h, target, "We are on it for both of you.");
        const { mail, rcptTo } = await eventually("the reply", () => relay.received[2]);
        assert.deepEqual([...rcptTo].sort(), ["alice@example.com", "bob@example.org"]);
        assert.equal(mail.to && !Array.isArray(mail.to) ? mail.to.text : "", "alice@example.com");
        assert.equal(mail.bcc, undefined, "no Bcc header names the other requester");
        assert.equal(mail.headers.get("bcc"), undefined);
        assert.equal(mail.inReplyTo, "<alice-first@mail.example.com>");
        const references = [mail.references ?? []].flat();
        assert.ok(references.includes("<bob-first@mail.example.org>"), references.join());
        assert.equal(references[0], "<alice-first@mail.example.com>");
        assert.ok(mail.text?.includes("We are on it for both of you."));

        // Answered, Bob's merge stands (409 merge_answered); Carol's, undone before any answer,
        // takes her off the next reply.
        const carol = await emailTicket(h, "carol@example.net", "Printer smoking");
        await eventually("Carol's notice", () => relay.received.length >= 4);
        const unmerge = (id: string) => h.call(agentA, "POST", `/v1/tickets/${id}/unmerge`);
        const kept = await unmerge(source);
        assert.deepEqual([kept.status, (await kept.json()).code], [409, "merge_answered"]);
        const carolMerged = await h.call(agentA, "POST", `/v1/tickets/${carol}/merge`, {
          into: target,
        });
        assert.equal(carolMerged.status, 200, await carolMerged.text());
        const undone = await unmerge(carol);
        assert.equal(undone.status, 200, await undone.text());
        await agentReply(h, target, "Only for Alice and Bob now.");
        const after = await eventually("the next reply", () => relay.received[4]);
        assert.deepEqual([...after.rcptTo].sort(), ["alice@example.com", "bob@example.org"]);
      } finally {
        await run.stop();
      }
    })
  ));
