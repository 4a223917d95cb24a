/**
 * The trigger resumes on its own on a real nats-server: its durable consumer deleted in the
 * middle of a stream of email tickets is recreated after the last commit queued, and every
 * ticket's notice is queued once.
 */
import assert from "node:assert/strict";
import { connect } from "@nats-io/transport-node";
import { jetstream, jetstreamManager } from "@nats-io/jetstream";
import { ensureStream, JetStreamEventStore } from "@ticketd/shared/eventstore/jetstream.ts";
import { encodeCommit, ticketSubject } from "@ticketd/shared/events/tickets.ts";
import { createLogger } from "@ticketd/shared/log/logger.ts";
import { startTestNats } from "../../../tests/support/nats.ts";
import { Outbox, OUTBOX_STREAM } from "./outbox.ts";
import type { TenantSender } from "./senders.ts";
import { emptyStats } from "./stats.ts";
import { commitOf, created } from "./testing.ts";
import { startTrigger, TRIGGER_CONSUMER } from "./trigger.ts";

const TICKETS = 120;
const sender: TenantSender = {
  from: { name: "Acme Support", address: "help@acme.example" },
  language: "en",
  notify: { created: true, solved: true },
  domain: "acme.example",
  smtp: { host: "127.0.0.1", port: 2525, tls: "starttls", verifyCertificate: true },
};

Deno.test({
  name: "email trigger - a consumer deleted mid-stream is recreated: every ticket's notice once",
  sanitizeOps: false,
  sanitizeResources: false,
  fn: async () => {
    const nats = await startTestNats();
    const nc = await connect({ servers: nats.url });
    try {
      const js = jetstream(nc);
      const jsm = await jetstreamManager(nc);
      await ensureStream(jsm, {
        name: "TICKETS",
        subjects: ["tickets.>"],
        duplicateWindowMs: 60_000,
      });
      const stats = emptyStats();
      const trigger = await startTrigger({
        js,
        jsm,
        ticketStream: "TICKETS",
        store: new JetStreamEventStore(js, jsm, "TICKETS"),
        outbox: await Outbox.open(nc, js, jsm, 30_000),
        senders: new Map([["acme", sender]]),
        stats,
        log: createLogger("error", { service: "trigger-test" }),
        now: Date.now,
      });
      try {
        for (let i = 0; i < TICKETS; i++) {
          const ticketId = String(5000 + i);
          const commit = commitOf([created({ ticketId, number: i + 1 })], { ticketId });
          await js.publish(ticketSubject("acme", ticketId), encodeCommit(commit));
          if (i === TICKETS / 3) await jsm.consumers.delete("TICKETS", TRIGGER_CONSUMER);
        }
        const until = Date.now() + 15_000;
        while (stats.queued < TICKETS && Date.now() < until) {
          await new Promise((r) => setTimeout(r, 50));
        }
        assert.equal(stats.queued, TICKETS, "every ticket's notice is queued");
        assert.equal((await jsm.streams.info(OUTBOX_STREAM)).state.messages, TICKETS);
        assert.ok(trigger.reopens >= 1, "the consumer was reopened");
      } finally {
        await trigger.stop();
      }
    } finally {
      await nc.drain();
      await nats.stop();
    }
  },
});
