/**
 * The audit consumer resumes on its own on a real nats-server: its consumer deleted in the middle
 * of a stream of events is recreated after the stored position, and every event comes through
 * once, in order, with the chain intact.
 */
import { deepEqual, ok } from "node:assert/strict";
import { startAuditTestBed } from "../testing.ts";

const options = { sanitizeOps: false, sanitizeResources: false };
const EVENTS = 400;

Deno.test(
  "audit ingestion - a consumer deleted mid-stream is recreated: every later event once, none skipped",
  options,
  async () => {
    const bed = await startAuditTestBed();
    try {
      const audit = await bed.startAudit({ TICKETD_AUDIT_BATCH: "10" });
      const tickets = audit.ingesters.find((i) => i.stream === "TICKETS")!;
      const publishing = (async () => {
        for (let i = 0; i < EVENTS; i++) await bed.publishCommit("acme", String(100 + (i % 7)));
      })();
      while (tickets.position < EVENTS / 4) await new Promise((r) => setTimeout(r, 5));
      await bed.jsm.consumers.delete("TICKETS", tickets.durable);
      await publishing;
      await audit.caughtUp(20_000);
      const rows = await bed.sql<{ seq: string }[]>`
        select seq from audit_entries where stream = 'TICKETS' order by seq`;
      deepEqual(rows.map((r) => Number(r.seq)), Array.from({ length: EVENTS }, (_, i) => i + 1));
      ok(tickets.reopens >= 1, "the consumer was reopened");
      const info = await bed.jsm.consumers.info("TICKETS", tickets.durable);
      deepEqual([info.ack_floor.stream_seq, info.num_ack_pending], [EVENTS, 0]);
    } finally {
      await bed.stop();
    }
  },
);
