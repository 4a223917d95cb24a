/**
 * Inbound mail throughput (issue 10): mails per second from SMTP to durable ticket (the `250`
 * comes after the ticket event is stored), and from IMAP (planted by APPEND, then polled and
 * marked). In this process: a tickets service on a private nats-server and a fresh database, a
 * real s3rver and a private Dovecot, as the journeys use. Every mail opens a new ticket.
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

const { values } = parseArgs({
  args: Deno.args,
  options: {
    smtp: { type: "string", default: "500" },
    imap: { type: "string", default: "300" },
    connections: { type: "string", default: "8" },
  },
});
const smtpCount = Number(values.smtp);
const imapCount = Number(values.imap);
const connections = Number(values.connections);

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

const h = await startHarness();
const dovecot = await startTestDovecot(["support"]);
const support = { tenant: "acme", address: "support@acme.example", imap: null };
const imapBox = {
  tenant: "acme",
  address: "imap@acme.example",
  imap: {
    host: dovecot.host,
    port: dovecot.port,
    secure: false,
    user: "support",
    password: dovecot.password("support"),
    folder: "INBOX",
    after: "flag" as const,
  },
};
try {
  const smtp = await startInbound(h, [support]);
  const transport = nodemailer.createTransport({
    host: "127.0.0.1",
    port: smtp.service.smtpPort!,
    secure: false,
    ignoreTLS: true,
    pool: true,
    maxConnections: connections,
    maxMessages: Infinity,
  });
  const smtpStarted = performance.now();
  await Promise.all(Array.from({ length: smtpCount }, (_, i) =>
    transport.sendMail({
      envelope: { from: `customer${i}@bench.example`, to: ["support@acme.example"] },
      raw: mail(i, "support@acme.example"),
    })));
  const smtpSeconds = (performance.now() - smtpStarted) / 1000;
  transport.close();
  await smtp.stop();
  console.error(`smtp: ${smtpCount} mails in ${smtpSeconds.toFixed(2)} s`);

  const client = new ImapFlow({
    host: dovecot.host,
    port: dovecot.port,
    secure: false,
    auth: { user: "support", pass: dovecot.password("support") },
    logger: false,
  });
  await client.connect();
  for (let i = 0; i < imapCount; i++) await client.append("INBOX", mail(i, "imap@acme.example"));
  await client.logout();
  const imapStarted = performance.now();
  const imap = await startInbound(h, [imapBox], {
    env: { TICKETD_EMAIL_IMAP_MAX_PER_POLL: String(imapCount) },
  });
  await imap.nth(imapCount, 600_000);
  const imapSeconds = (performance.now() - imapStarted) / 1000;
  await imap.stop();
  console.error(`imap: ${imapCount} mails in ${imapSeconds.toFixed(2)} s`);
  console.log(JSON.stringify({
    smtp: {
      mails: smtpCount,
      connections,
      seconds: smtpSeconds,
      perSecond: smtpCount / smtpSeconds,
    },
    imap: { mails: imapCount, seconds: imapSeconds, perSecond: imapCount / imapSeconds },
    cores: navigator.hardwareConcurrency,
  }));
} finally {
  await dovecot.stop();
  await h.stop();
}
