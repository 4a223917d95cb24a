/**
 * `deno task bench`: a hermetic benchmark of the tickets service on this machine. It starts its
 * own nats-server, database and service process, measures the raw JetStream ceiling, ticket
 * creation over HTTP (wrk) with projection and routing lag, routing's decision and similar-ticket
 * latency, reads over a seeded read model, and the sessions service's sockets (idle connections,
 * delivery latency, a memory soak: bench/sessions_bench.ts) and the attachments service's
 * throughput and memory (bench/attachments_bench.ts), audit keeping up with a creation burst
 * and its verify speed (bench/audit_bench.ts), inbound email to durable ticket
 * (services/email/tools/inbound_bench.ts), prints a report and writes `bench/results/latest.{json,md}`. See `--help`; docs/benchmarks.md.
 * @module
 */
import { parseArgs } from "node:util";
import { Cleanup } from "./cleanup.ts";
import { type BenchSettings, renderReport } from "./report.ts";
import { runBench } from "./run.ts";
import { FULL as SESSIONS_FULL, QUICK as SESSIONS_QUICK } from "./sessions_bench.ts";
import { FULL as ATTACHMENTS_FULL, QUICK as ATTACHMENTS_QUICK } from "./attachments_bench.ts";
import {
  auditSection,
  FULL as AUDIT_FULL,
  QUICK as AUDIT_QUICK,
  runAuditBenchChild,
} from "./audit_bench.ts";
import {
  FULL as QUEUE_FULL,
  queueSection,
  QUICK as QUEUE_QUICK,
  runQueueBenchChild,
} from "./queue_bench.ts";
import {
  FULL as EMAIL_FULL,
  inboundSection,
  QUICK as EMAIL_QUICK,
  runInboundBenchChild,
} from "../services/email/tools/inbound_bench.ts";

const HELP = `deno task bench [--quick] [--duration S] [--connections N] [--tickets N] [--cpu-prof]
  --duration S     wrk duration in seconds (default 20; --quick: 5)
  --connections N  wrk connections (default 64), over 2 wrk threads
  --tickets N      tickets seeded for the read queries (default 1000000; --quick: 100000;
                   0 skips the read phase)
  --requests N     requests per read query (default 3000; --quick: 400), 8 concurrent
  --routing-tickets N
                   tickets in the similar index for routing's lookup figures (default 1000000;
                   --quick: 100000; 0 skips routing's in-process figures)
  --sessions-connections N
                   idle WebSockets on the sessions service (default 10000; --quick: 2000;
                   0 skips the sessions phase)
  --sessions-rate N
                   chat messages per second for the delivery latency (default 1000)
  --soak-minutes N length of the sessions memory soak (default 10; --quick: 1; 0 skips it)
  --attachments-big-mb N
                   the streamed upload during which the attachments service's RSS is sampled,
                   in MB (default 1000; --quick: 200; 0 skips the attachments phase)
  --audit-seconds S
                   the ticket-creation burst audit must keep up with (default 30; --quick: 10;
                   0 skips the audit phase)
  --email-mails N  mails sent by SMTP for the inbound email figures, and 3/5 as many by IMAP
                   (default 500; --quick: 100; 0 skips the email phase)
  --queue-tickets N
                   tickets seeded for the queue counts and first pages (bench/queue_bench.ts;
                   default 1000000; --quick: 100000; 0 skips the queue phase)
  --cpu-prof       run the service under the V8 profiler and report where its time goes
  --env K=V        extra environment for the service, repeatable (e.g. TICKETD_PROJECTOR_BATCH=50)
  --quick          a short smoke run (about a minute)`;

const { values: flags } = parseArgs({
  options: {
    quick: { type: "boolean", default: false },
    "cpu-prof": { type: "boolean", default: false },
    duration: { type: "string" },
    connections: { type: "string", default: "64" },
    tickets: { type: "string" },
    requests: { type: "string" },
    "routing-tickets": { type: "string" },
    "sessions-connections": { type: "string" },
    "sessions-rate": { type: "string" },
    "soak-minutes": { type: "string" },
    "attachments-big-mb": { type: "string" },
    "audit-seconds": { type: "string" },
    "email-mails": { type: "string" },
    "queue-tickets": { type: "string" },
    env: { type: "string", multiple: true, default: [] },
    help: { type: "boolean", default: false },
  },
});
if (flags.help) {
  console.log(HELP);
  Deno.exit(0);
}
const quick = flags.quick;
const sessions = quick ? SESSIONS_QUICK : SESSIONS_FULL;
const sessionsConnections = positive(
  "sessions-connections",
  flags["sessions-connections"] ?? String(sessions.connections),
  0,
);
const attachments = quick ? ATTACHMENTS_QUICK : ATTACHMENTS_FULL;
const attachmentsBigMb = positive(
  "attachments-big-mb",
  flags["attachments-big-mb"] ?? String(attachments.bigBytes / 1_000_000),
  0,
);
const settings: BenchSettings = {
  quick,
  profile: flags["cpu-prof"],
  seconds: positive("duration", flags.duration ?? (quick ? "5" : "20")),
  connections: positive("connections", flags.connections),
  tickets: positive("tickets", flags.tickets ?? (quick ? "100000" : "1000000"), 0),
  requests: positive("requests", flags.requests ?? (quick ? "400" : "3000")),
  routingTickets: positive(
    "routing-tickets",
    flags["routing-tickets"] ?? (quick ? "100000" : "1000000"),
    0,
  ),
  sessions: sessionsConnections === 0 ? null : {
    ...sessions,
    connections: sessionsConnections,
    rate: positive("sessions-rate", flags["sessions-rate"] ?? String(sessions.rate)),
    soakMinutes: positive("soak-minutes", flags["soak-minutes"] ?? String(sessions.soakMinutes), 0),
  },
  attachments: attachmentsBigMb === 0
    ? null
    : { ...attachments, bigBytes: attachmentsBigMb * 1_000_000 },
  serviceEnv: Object.fromEntries(flags.env.map((kv) => {
    const at = kv.indexOf("=");
    if (at < 1) usage(`--env takes KEY=VALUE, got "${kv}"`);
    return [kv.slice(0, at), kv.slice(at + 1)];
  })),
};

const audit = quick ? AUDIT_QUICK : AUDIT_FULL;
const auditSeconds = positive("audit-seconds", flags["audit-seconds"] ?? String(audit.seconds), 0);
const email = quick ? EMAIL_QUICK : EMAIL_FULL;
const emailMails = positive("email-mails", flags["email-mails"] ?? String(email.smtp), 0);
const queue = quick ? QUEUE_QUICK : QUEUE_FULL;
const queueTickets = positive(
  "queue-tickets",
  flags["queue-tickets"] ?? String(queue.tickets),
  0,
);

const cleanup = new Cleanup();
const tmp = await Deno.makeTempDir({ prefix: "ticketd_bench_" });
cleanup.add("temp dir", () => Deno.remove(tmp, { recursive: true }));
try {
  const results = await runBench(settings, tmp, cleanup);
  // The audit phase runs last, in a process of its own (bench/audit_bench.ts).
  const auditFigures = auditSeconds === 0
    ? null
    : await runAuditBenchChild({ ...audit, seconds: auditSeconds });
  // Inbound email, in a process of its own too (services/email/tools/inbound_bench.ts).
  const emailFigures = emailMails === 0 ? null : await runInboundBenchChild({
    ...email,
    smtp: emailMails,
    imap: Math.max(1, Math.round(emailMails * 3 / 5)),
  });
  // The queues at scale, in a process of its own too (bench/queue_bench.ts).
  const queueFigures = queueTickets === 0
    ? null
    : await runQueueBenchChild({ ...queue, tickets: queueTickets });
  Object.assign(results, { audit: auditFigures, email: emailFigures, queues: queueFigures });
  const report = renderReport(results) +
    (auditFigures ? "\n" + auditSection(auditFigures).join("\n") + "\n" : "") +
    (emailFigures ? "\n" + inboundSection(emailFigures).join("\n") + "\n" : "") +
    (queueFigures ? "\n" + queueSection(queueFigures).join("\n") + "\n" : "");
  console.log(report);
  const out = new URL("./results/", import.meta.url);
  await Deno.mkdir(out, { recursive: true });
  await Deno.writeTextFile(new URL("latest.json", out), JSON.stringify(results, null, 2));
  await Deno.writeTextFile(new URL("latest.md", out), report);
  console.error("written: bench/results/latest.json and latest.md");
} finally {
  await cleanup.run();
}

function positive(name: string, raw: string, min = 1): number {
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min) usage(`--${name} must be an integer >= ${min}`);
  return value;
}

function usage(message: string): never {
  console.error(`${message}\n${HELP}`);
  Deno.exit(2);
}
