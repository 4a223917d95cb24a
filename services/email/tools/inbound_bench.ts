/**
 * Inbound mail throughput (issue 10): mails per second from SMTP to durable ticket (the `250`
 * comes after the ticket event is stored), and from IMAP (planted by APPEND, then polled and
 * marked). In this process: a tickets service on a private nats-server and a fresh database, a
 * real s3rver and a private Dovecot, as the journeys use. Every mail opens a new ticket.
 * `deno task bench` runs it as a child (`runInboundBenchChild`) and reports `inboundSection`.
 *
 *   deno run -A --unstable-net --unstable-worker-options services/email/tools/inbound_bench.ts \
 *     [--smtp N] [--imap N] [--connections N]      (prints one JSON line)
 * @module
 */
import { parseArgs } from "node:util";
import { ImapFlow } from "imapflow";
import nodemailer from "nodemailer";
import { startHarness } from "../../../tests/support/tickets_harness.ts";
import { startTestDovecot } from "../testing/dovecot.ts";
import { startInbound } from "../testing/inbound_harness.ts";
import { runBenchChild } from "../../../bench/bench_child.ts";

export interface InboundBenchOptions {
  smtp: number;
  imap: number;
  connections: number;
}

export const FULL: InboundBenchOptions = { smtp: 500, imap: 300, connections: 8 };
export const QUICK: InboundBenchOptions = { smtp: 100, imap: 60, connections: 8 };

export interface InboundFigures {
  smtp: { mails: number; connections: number; seconds: number; perSecond: number };
  imap: { mails: number; seconds: number; perSecond: number };
  cores: number;
}

/** Runs this file in a process of its own (its servers and memory go when it exits). */
export async function runInboundBenchChild(o: InboundBenchOptions): Promise<InboundFigures> {
  return await runBenchChild(import.meta.url, [
    `--smtp=${o.smtp}`,
    `--imap=${o.imap}`,
    `--connections=${o.connections}`,
  ], ["--unstable-net", "--unstable-worker-options"]);
}

/** The Email section of the bench report. */
export function inboundSection(x: InboundFigures): string[] {
  const rate = (n: number) => n.toFixed(1);
  return [
    "",
    "## Email",
    "",
    "Inbound mail to durable ticket: services/email/tools/inbound_bench.ts (tickets service, " +
    "private nats-server, PostgreSQL, s3rver and Dovecot in one process; every mail a new ticket).",
    "",
    "| figure | value |",
    "|---|---|",
    `| SMTP mails/s (${x.smtp.connections} pooled nodemailer connections, 250 after durable) | ${
      rate(x.smtp.perSecond)
    } (${x.smtp.mails} in ${x.smtp.seconds.toFixed(2)} s) |`,
    `| IMAP mails/s (one mailbox, taken in and marked) | ${
      rate(x.imap.perSecond)
    } (${x.imap.mails} in ${x.imap.seconds.toFixed(2)} s) |`,
  ];
}

function mail(i: number, to: string): string {
  return [
    `From: Customer ${i} <customer${i}@bench.example>`,
    `To: ${to}`,
    `Message-ID: <bench-${to}-${i}@bench.example>`,
    `Subject: Bench mail ${i} =?UTF-8?B?5Lit5paH?=`,
    "Content-Type: text/plain; charset=utf-8",
    "",
    `The printer on floor ${i % 7} is on fire again. Please send help.`,
    "",
  ].join("\r\n");
}

async function benchSmtp(h: Awaited<ReturnType<typeof startHarness>>, o: InboundBenchOptions) {
  const smtp = await startInbound(h, [{
    tenant: "acme",
    address: "support@acme.example",
    imap: null,
  }]);
  const transport = nodemailer.createTransport({
    host: "127.0.0.1",
    port: smtp.service.smtpPort!,
    secure: false,
    ignoreTLS: true,
    pool: true,
    maxConnections: o.connections,
    maxMessages: Infinity,
  });
  const started = performance.now();
  await Promise.all(Array.from({ length: o.smtp }, (_, i) =>
    transport.sendMail({
      envelope: { from: `customer${i}@bench.example`, to: ["support@acme.example"] },
      raw: mail(i, "support@acme.example"),
    })));
  const seconds = (performance.now() - started) / 1000;
  transport.close();
  await smtp.stop();
  console.error(`smtp: ${o.smtp} mails in ${seconds.toFixed(2)} s`);
  return { mails: o.smtp, connections: o.connections, seconds, perSecond: o.smtp / seconds };
}

async function benchImap(
  h: Awaited<ReturnType<typeof startHarness>>,
  dovecot: Awaited<ReturnType<typeof startTestDovecot>>,
  count: number,
) {
  const auth = { user: "support", pass: dovecot.password("support") };
  const { host, port } = dovecot;
  const client = new ImapFlow({ host, port, secure: false, auth, logger: false });
  await client.connect();
  for (let i = 0; i < count; i++) await client.append("INBOX", mail(i, "imap@acme.example"));
  await client.logout();
  const started = performance.now();
  const imap = await startInbound(h, [{
    tenant: "acme",
    address: "imap@acme.example",
    imap: {
      host: dovecot.host,
      port: dovecot.port,
      secure: false,
      user: auth.user,
      password: auth.pass,
      folder: "INBOX",
      after: "flag" as const,
    },
  }], { env: { TICKETD_EMAIL_IMAP_MAX_PER_POLL: String(count) } });
  await imap.nth(count, 600_000);
  const seconds = (performance.now() - started) / 1000;
  await imap.stop();
  console.error(`imap: ${count} mails in ${seconds.toFixed(2)} s`);
  return { mails: count, seconds, perSecond: count / seconds };
}

if (import.meta.main) {
  const { values } = parseArgs({
    args: Deno.args,
    options: {
      smtp: { type: "string", default: String(FULL.smtp) },
      imap: { type: "string", default: String(FULL.imap) },
      connections: { type: "string", default: String(FULL.connections) },
    },
  });
  const o = {
    smtp: Number(values.smtp),
    imap: Number(values.imap),
    connections: Number(values.connections),
  };
  const h = await startHarness();
  const dovecot = await startTestDovecot(["support"]);
  try {
    const figures: InboundFigures = {
      smtp: await benchSmtp(h, o),
      imap: await benchImap(h, dovecot, o.imap),
      cores: navigator.hardwareConcurrency,
    };
    console.log(JSON.stringify(figures));
  } finally {
    await dovecot.stop();
    await h.stop();
  }
}
