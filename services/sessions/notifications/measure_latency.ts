/**
 * Measures notification latency: from the JetStream acknowledgement of a ticket commit to the
 * notification reaching a connected agent's inbox callback. Starts its own nats-server, a feed
 * and one inbox per agent (on a connection of their own, as a sessions instance would hold
 * them), publishes commits at a steady rate and prints p50/p95/p99.
 *
 *   deno run -A --unstable-net services/sessions/notifications/measure_latency.ts \
 *     [--rate 1000] [--seconds 10] [--agents 200]
 * @module
 */
import { jetstream, jetstreamManager } from "@nats-io/jetstream";
import { connect } from "@nats-io/transport-node";
import { ALL_ROUTING_EVENTS_SUBJECT, ROUTING_STREAM } from "@ticketd/shared/events/routing.ts";
import {
  ALL_TICKETS_SUBJECT,
  encodeCommit,
  type TicketCommit,
  ticketSubject,
} from "@ticketd/shared/events/tickets.ts";
import { ensureStream } from "@ticketd/shared/eventstore/jetstream.ts";
import { createLogger } from "@ticketd/shared/log/logger.ts";
import { startPrivateNats } from "@ticketd/shared/runtime/private_nats.ts";
import type { Notification } from "./notification.ts";
import { NotificationFeed } from "./notification_feed.ts";
import { NotificationInbox } from "./notification_inbox.ts";
import { commitOf, created, posted } from "./testing.ts";

const TICK_MS = 10;
const DRAIN_MS = 5_000;

interface Settings {
  rate: number;
  seconds: number;
  agents: number;
}

function settings(args: string[]): Settings {
  const value = (name: string, fallback: number) => {
    const at = args.indexOf(`--${name}`);
    return at >= 0 ? Number(args[at + 1]) : fallback;
  };
  return {
    rate: value("rate", 1_000),
    seconds: value("seconds", 10),
    agents: value("agents", 200),
  };
}

/** Acks and arrivals by source sequence; a latency is known once both are. */
class LatencyBook {
  readonly #acked = new Map<number, number>();
  readonly #arrived = new Map<number, number>();
  readonly latencies: number[] = [];
  beforeAck = 0;

  ack(seq: number, at: number): void {
    const arrived = this.#arrived.get(seq);
    if (arrived === undefined) return void this.#acked.set(seq, at);
    this.#arrived.delete(seq);
    this.#record(arrived - at);
  }

  arrive(seq: number, at: number): void {
    const acked = this.#acked.get(seq);
    if (acked === undefined) return void this.#arrived.set(seq, at);
    this.#acked.delete(seq);
    this.#record(at - acked);
  }

  #record(ms: number): void {
    // The push can beat the ack back to the publisher: the feed's consumer and the ack race.
    if (ms < 0) this.beforeAck++;
    this.latencies.push(Math.max(0, ms));
  }
}

/** Commit number `n`: a new ticket for an agent every fourth, else a customer reply. */
function nextCommit(n: number, agents: number, tickets: string[]): TicketCommit {
  const at = new Date().toISOString();
  if (n % 4 === 0 || tickets.length === 0) {
    const ticketId = String(1_000 + n);
    tickets.push(ticketId);
    return commitOf(ticketId, created(ticketId, `agent-${n % agents}`), { at });
  }
  const ticketId = tickets[(n * 7919) % tickets.length];
  return commitOf(ticketId, [posted(String(10_000_000 + n), "customer-1", "customer")], { at });
}

function percentile(sorted: number[], p: number): number {
  return sorted.length === 0
    ? NaN
    : sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))];
}

async function measure(s: Settings): Promise<void> {
  const storeDir = await Deno.makeTempDir({ prefix: "ticketd_notify_latency_" });
  const nats = await startPrivateNats({ storeDir });
  const log = createLogger("warn", { service: "sessions-latency" });
  const [publisher, feedConnection, sessions] = await Promise.all(
    [0, 1, 2].map(() => connect({ servers: nats.url })),
  );
  try {
    const js = jetstream(publisher);
    const jsm = await jetstreamManager(publisher);
    const window = { duplicateWindowMs: 60_000 };
    await ensureStream(jsm, { name: "TICKETS", subjects: [ALL_TICKETS_SUBJECT], ...window });
    await ensureStream(jsm, {
      name: ROUTING_STREAM,
      subjects: [ALL_ROUTING_EVENTS_SUBJECT],
      ...window,
    });
    const feed = await NotificationFeed.start(feedConnection, { log });
    const book = new LatencyBook();
    const deliver = (n: Notification) => book.arrive(n.sourceSeq!, performance.now());
    const inboxes = await Promise.all(
      Array.from({ length: s.agents }, (_, i) =>
        NotificationInbox.open(sessions, {
          tenant: "acme",
          agentId: `agent-${i}`,
          groupIds: [`group-${i % 10}`],
          deliver,
        })),
    );
    const total = s.rate * s.seconds;
    const perTick = s.rate * TICK_MS / 1_000;
    const tickets: string[] = [];
    const acks: Promise<void>[] = [];
    const started = performance.now();
    for (let sent = 0, tick = 0; sent < total; tick++) {
      const due = started + tick * TICK_MS;
      await new Promise((done) => setTimeout(done, Math.max(0, due - performance.now())));
      for (let i = 0; i < perTick && sent < total; i++, sent++) {
        const commit = nextCommit(sent, s.agents, tickets);
        const subject = ticketSubject("acme", commit.meta.ticketId);
        acks.push(
          js.publish(subject, encodeCommit(commit)).then((ack) => {
            book.ack(ack.seq, performance.now());
          }),
        );
      }
    }
    await Promise.all(acks);
    const publishedIn = (performance.now() - started) / 1_000;
    const deadline = performance.now() + DRAIN_MS;
    while (book.latencies.length < total && performance.now() < deadline) {
      await new Promise((done) => setTimeout(done, 20));
    }
    report(s, total, publishedIn, book, feed, inboxes);
    for (const inbox of inboxes) inbox.close();
    await feed.stop();
  } finally {
    await Promise.all([publisher, feedConnection, sessions].map((c) => c.close()));
    await nats.stop();
    await Deno.remove(storeDir, { recursive: true });
  }
}

function report(
  s: Settings,
  total: number,
  publishedIn: number,
  book: LatencyBook,
  feed: NotificationFeed,
  inboxes: NotificationInbox[],
): void {
  const sorted = book.latencies.toSorted((a, b) => a - b);
  const ms = (x: number) => Math.round(x * 100) / 100;
  console.log(JSON.stringify({
    rate: s.rate,
    seconds: s.seconds,
    agents: s.agents,
    commits: total,
    achievedRate: Math.round(total / publishedIn),
    notificationsMeasured: sorted.length,
    missing: total - sorted.length,
    arrivedBeforeAck: book.beforeAck,
    p50Ms: ms(percentile(sorted, 0.5)),
    p95Ms: ms(percentile(sorted, 0.95)),
    p99Ms: ms(percentile(sorted, 0.99)),
    maxMs: ms(sorted.at(-1) ?? NaN),
    dropped: inboxes.reduce((sum, inbox) => sum + inbox.dropped, 0),
    feed: feed.counts,
  }));
}

if (import.meta.main) await measure(settings(Deno.args));
