/**
 * The audit service on a real nats-server and PostgreSQL: every source message becomes one
 * chained entry, a stopped service catches up without loss or doubles, a second instance waits.
 */
import { deepEqual, equal, ok } from "node:assert/strict";
import { AuditStore } from "../services/audit/store/audit_store.ts";
import { CheckpointStore } from "../services/audit/store/checkpoint_store.ts";
import { readPublicKeys } from "../services/audit/signing/audit_keys.ts";
import { startAuditTestBed } from "../services/audit/testing.ts";
import { verifyAuditLog } from "../services/audit/verify_log.ts";

const options = { sanitizeOps: false, sanitizeResources: false };

async function verifyAll(bed: Awaited<ReturnType<typeof startAuditTestBed>>) {
  const keys = await readPublicKeys(`${bed.dataDir}/audit-keys.json`);
  return await verifyAuditLog(new AuditStore(bed.sql), new CheckpointStore(bed.sql), keys);
}

function activity(id: number, tenant = "acme") {
  return {
    id: String(id),
    at: new Date().toISOString(),
    tenant,
    actor: { id: "audit-a", role: "auditor" as const },
    action: "tickets.ticket.read",
    target: { type: "ticket", id: "77" },
    outcome: "ok" as const,
    source: { ip: "203.0.113.5", requestId: `r${id}` },
  };
}

Deno.test(
  "audit ingestion - one chained entry per message of each stream, per tenant chains, verify passes",
  options,
  async () => {
    const bed = await startAuditTestBed();
    try {
      await bed.publishCommit("acme", "11", { ip: "198.51.100.7" });
      await bed.publishCommit("globex", "12");
      await bed.publishCommit("acme", "11");
      const audit = await bed.startAudit({ TICKETD_AUDIT_CHECKPOINT_ENTRIES: "2" });
      await bed.publishActivity(activity(501)); // the ACTIVITY stream appears after audit started
      await bed.publishActivity(activity(501)); // a retried publish: stored once by its message id
      await bed.publishActivity(activity(502, "globex"));
      await audit.caughtUp();
      const rows = await bed.sql<
        { tenant: string; stream: string; n: string; seq: string; ip: string }[]
      >`
      select tenant, stream, n, seq, entry::json->>'ip' as ip from audit_entries
      order by stream, seq`;
      deepEqual(rows.map((r) => [r.stream, r.tenant, Number(r.n), Number(r.seq), r.ip]), [
        ["ACTIVITY", "acme", 1, 1, "203.0.113.5"],
        ["ACTIVITY", "globex", 1, 2, "203.0.113.5"],
        ["TICKETS", "acme", 1, 1, "198.51.100.7"],
        ["TICKETS", "globex", 1, 2, null],
        ["TICKETS", "acme", 2, 3, null],
      ]);
      await audit.checkpointer.flush();
      const report = await verifyAll(bed);
      equal(report.finding, null);
      equal(report.entries, 5);
      ok(report.checkpoints >= 2);
    } finally {
      await bed.stop();
    }
  },
);

Deno.test(
  "audit ingestion - a stopped service catches up on 10,000 ticket events, none lost, none doubled",
  options,
  async () => {
    const bed = await startAuditTestBed();
    try {
      let audit = await bed.startAudit();
      for (let i = 0; i < 10; i++) await bed.publishCommit("acme", String(100 + i));
      await audit.caughtUp();
      await audit.stop();
      const publishes = [];
      for (let i = 0; i < 10_000; i++) {
        publishes.push(
          bed.publishCommit(i % 4 === 0 ? "globex" : "acme", String(1000 + (i % 500))),
        );
        if (publishes.length === 500) await Promise.all(publishes.splice(0));
      }
      await Promise.all(publishes);
      const started = performance.now();
      audit = await bed.startAudit();
      await audit.caughtUp(120_000);
      const seconds = (performance.now() - started) / 1000;
      console.log(
        `caught up on 10,000 events in ${seconds.toFixed(2)} s (${
          Math.round(10_000 / seconds)
        } entries/s)`,
      );
      const [count] = await bed.sql<{ entries: string; seqs: string; max: string }[]>`
      select count(*) as entries, count(distinct seq) as seqs, max(seq) as max
      from audit_entries where stream = 'TICKETS'`;
      deepEqual([Number(count.entries), Number(count.seqs), Number(count.max)], [
        10_010,
        10_010,
        10_010,
      ]);
      const heads = await bed.sql<{ tenant: string; n: string }[]>`
      select tenant, n from audit_chain_heads where stream = 'TICKETS' order by tenant`;
      deepEqual(heads.map((h) => [h.tenant, Number(h.n)]), [["acme", 7_510], ["globex", 2_500]]);
      await audit.checkpointer.flush();
      const report = await verifyAll(bed);
      equal(report.finding, null);
      equal(report.entries, 10_010);
      console.log(
        `verified ${report.entries} entries in ${report.seconds.toFixed(2)} s (${
          Math.round(report.entries / report.seconds)
        } entries/s)`,
      );
    } finally {
      await bed.stop();
    }
  },
);

Deno.test(
  "audit ingestion - a second instance stands by and takes over when the writer stops",
  options,
  async () => {
    const bed = await startAuditTestBed();
    try {
      const first = await bed.startAudit();
      const second = await bed.startAudit();
      equal(first.leading, true);
      equal(second.leading, false);
      await bed.publishCommit("acme", "1");
      await first.caughtUp();
      await first.stop();
      await bed.publishCommit("acme", "2");
      const deadline = Date.now() + 10_000;
      while (!second.leading && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
      equal(second.leading, true);
      await second.caughtUp();
      const rows = await bed.sql<{ n: string }[]>`select n from audit_entries order by n`;
      deepEqual(rows.map((r) => Number(r.n)), [1, 2]);
      equal((await verifyAll(bed)).finding, null);
    } finally {
      await bed.stop();
    }
  },
);
