/**
 * Tamper evidence on real PostgreSQL: the trigger refuses changes; with it disabled, an altered,
 * a removed and a reordered entry are each caught and named, and so is a forged checkpoint.
 * A replay from JetStream equals the live log, from the start and from a point in time; `gm`
 * tenants are chained with SM3 and checkpointed with SM2. The commands run as subprocesses.
 */
import { deepEqual, equal, match, ok, rejects } from "node:assert/strict";
import { parseTenantProfiles, profileOf } from "@ticketd/shared/crypto/profiles.ts";
import { hashAlgOf } from "../services/audit/domain/checkpoint.ts";
import { replayAuditLog } from "../services/audit/replay.ts";
import { openReplayTarget } from "../services/audit/replay_target.ts";
import { sourceStreams } from "../services/audit/service.ts";
import { readPublicKeys } from "../services/audit/signing/audit_keys.ts";
import { AuditStore } from "../services/audit/store/audit_store.ts";
import { CheckpointStore } from "../services/audit/store/checkpoint_store.ts";
import {
  type AuditTestBed,
  startAuditTestBed,
  TEST_TICKET_STREAM,
} from "../services/audit/testing.ts";
import { verifyAuditLog } from "../services/audit/verify_log.ts";

const options = { sanitizeOps: false, sanitizeResources: false };

async function withLog(
  fn: (bed: AuditTestBed) => Promise<void>,
  env: Record<string, string> = {},
) {
  const bed = await startAuditTestBed();
  try {
    for (let i = 1; i <= 10; i++) {
      await bed.publishCommit(i % 3 === 0 ? "globex" : "acme", String(100 + i), {
        at: new Date(Date.UTC(2026, 2, 1, 0, i)).toISOString(),
      });
      // Apart in stream time, so a replay --from a message's time starts exactly there.
      await new Promise((resolve) => setTimeout(resolve, 3));
    }
    const audit = await bed.startAudit(env);
    await audit.caughtUp();
    await audit.checkpointer.flush();
    await audit.stop();
    await fn(bed);
  } finally {
    await bed.stop();
  }
}

async function verify(bed: AuditTestBed) {
  const keys = await readPublicKeys(`${bed.dataDir}/audit-keys.json`);
  return (await verifyAuditLog(new AuditStore(bed.sql), new CheckpointStore(bed.sql), keys))
    .finding;
}

async function tamper(bed: AuditTestBed, change: () => Promise<unknown>) {
  await bed.sql`alter table audit_entries disable trigger audit_entries_append_only`;
  await change();
  await bed.sql`alter table audit_entries enable trigger audit_entries_append_only`;
}

Deno.test("audit log - the trigger refuses updates, deletes and truncation", options, async () => {
  await withLog(async (bed) => {
    await rejects(bed.sql`update audit_entries set action = 'x'`, /append-only/);
    await rejects(bed.sql`delete from audit_entries`, /append-only/);
    await rejects(bed.sql`truncate audit_entries`, /append-only/);
    await rejects(bed.sql`delete from audit_checkpoints`, /append-only/);
    equal(await verify(bed), null);
  });
});

Deno.test("audit verify - an altered entry is named", options, async () => {
  await withLog(async (bed) => {
    await tamper(
      bed,
      () =>
        bed.sql`update audit_entries set entry = replace(entry, '"agent-a"', '"agent-z"')
        where tenant = 'acme' and n = 3`,
    );
    const finding = await verify(bed);
    deepEqual(finding && [finding.kind, finding.tenant, "n" in finding ? finding.n : null], [
      "altered",
      "acme",
      3,
    ]);
  });
});

Deno.test("audit verify - a removed entry is named", options, async () => {
  await withLog(async (bed) => {
    await tamper(bed, () => bed.sql`delete from audit_entries where tenant = 'acme' and n = 4`);
    const finding = await verify(bed);
    deepEqual(finding && [finding.kind, finding.tenant, "n" in finding ? finding.n : null], [
      "removed",
      "acme",
      4,
    ]);
  });
});

Deno.test("audit verify - two reordered entries are named", options, async () => {
  await withLog(async (bed) => {
    await tamper(bed, async () => {
      await bed.sql`update audit_entries set n = -5 where tenant = 'acme' and n = 5`;
      await bed.sql`update audit_entries set n = 5 where tenant = 'acme' and n = 6`;
      await bed.sql`update audit_entries set n = 6 where tenant = 'acme' and n = -5`;
    });
    const finding = await verify(bed);
    deepEqual(finding && [finding.kind, finding.tenant, "n" in finding ? finding.n : null], [
      "reordered",
      "acme",
      5,
    ]);
  });
});

Deno.test(
  "audit verify - a cut tail with its head moved back is caught by the signed checkpoint",
  options,
  async () => {
    await withLog(async (bed) => {
      await tamper(bed, () => bed.sql`delete from audit_entries where tenant = 'acme' and n = 7`);
      await bed.sql`update audit_chain_heads set n = 6, seq = s.seq, hash = s.hash
      from (select seq, hash from audit_entries where tenant = 'acme' and n = 6) s
      where tenant = 'acme'`;
      const finding = await verify(bed);
      deepEqual(finding && [finding.kind, finding.tenant, "n" in finding ? finding.n : null], [
        "removed",
        "acme",
        7,
      ]);
    });
  },
);

Deno.test("audit verify - a checkpoint with a forged statement is named", options, async () => {
  await withLog(async (bed) => {
    await bed.sql`alter table audit_checkpoints disable trigger audit_checkpoints_append_only`;
    await bed.sql`update audit_checkpoints set statement = replace(statement, '"seq":', '"seq":1')
      where tenant = 'globex'`;
    const finding = await verify(bed);
    deepEqual(finding && [finding.kind, finding.tenant], ["bad_checkpoint", "globex"]);
  });
});

Deno.test(
  "audit verify - gm tenants are chained with SM3 and checkpointed with SM2",
  options,
  async () => {
    await withLog(async (bed) => {
      const rows = await bed.sql<{ tenant: string; alg: string }[]>`
      select distinct e.tenant, e.alg || '/' || c.alg as alg
      from audit_entries e join audit_checkpoints c using (tenant) order by tenant`;
      deepEqual(rows.map((r) => [r.tenant, r.alg]), [["acme", "SHA-256/Ed25519"], [
        "globex",
        "SM3/SM2",
      ]]);
      equal(await verify(bed), null);
    }, { TICKETD_TENANT_PROFILES: "globex=gm" });
  },
);

async function replay(bed: AuditTestBed, schema: string, from?: Date) {
  const target = await openReplayTarget(bed.db.url, schema);
  const profiles = parseTenantProfiles("intl");
  try {
    return await replayAuditLog({
      js: bed.js,
      jsm: bed.jsm,
      live: bed.sql,
      target,
      sources: sourceStreams(TEST_TICKET_STREAM),
      algOf: (tenant) => hashAlgOf(profileOf(profiles, tenant)),
      batchSize: 3,
    }, from);
  } finally {
    await target.end();
  }
}

Deno.test(
  "audit replay - rebuilt from JetStream, the log equals the live one byte for byte",
  options,
  async () => {
    await withLog(async (bed) => {
      const report = await replay(bed, "replay_full");
      deepEqual(report, { entries: 10, compared: 10, difference: null });
    });
  },
);

Deno.test(
  "audit replay - from a point in time, the chains continue from the entry before it",
  options,
  async () => {
    await withLog(async (bed) => {
      const [{ at }] = await bed.sql<{ at: Date }[]>`
      select at from audit_entries where stream = 'TICKETS' and seq = 6`;
      // The stream's time of message 6 is what --from selects; the entry time is the commit's.
      const stored = await bed.jsm.streams.getMessage("TICKETS", { seq: 6 });
      ok(at instanceof Date);
      const report = await replay(bed, "replay_from", stored!.time);
      equal(report.difference, null);
      equal(report.entries, 5);
      equal(report.compared, 5);
    });
  },
);

Deno.test(
  "audit replay - a live entry that differs from the stream is the first difference",
  options,
  async () => {
    await withLog(async (bed) => {
      await tamper(bed, () =>
        bed
          .sql`update audit_entries set hash = repeat('0', 64) where stream = 'TICKETS' and seq = 8`);
      const report = await replay(bed, "replay_diff");
      deepEqual(report.difference && [report.difference.seq, report.difference.field], [8, "hash"]);
    });
  },
);

Deno.test(
  "deno task audit:verify - exits 0 on an intact log and 1 naming the altered entry",
  options,
  async () => {
    await withLog(async (bed) => {
      const run = async () => {
        const output = await new Deno.Command(Deno.execPath(), {
          args: ["run", "-A", "services/audit/tools/verify.ts"],
          env: { DATABASE_URL: bed.db.url, NATS_URL: bed.nats.url, TICKETD_DATA_DIR: bed.dataDir },
          stdout: "piped",
          stderr: "piped",
        }).output();
        return { code: output.code, text: new TextDecoder().decode(output.stdout) };
      };
      const intact = await run();
      equal(intact.code, 0, intact.text);
      match(intact.text, /10 entries in 2 chains .* entries\/s/);
      await tamper(bed, () =>
        bed
          .sql`update audit_entries set action = 'tickets.ticket.read' where tenant = 'globex' and n = 2`);
      const altered = await run();
      equal(altered.code, 1);
      match(altered.text, /altered: tenant globex, stream TICKETS, entry 2 \(seq 6\)/);
    });
  },
);

Deno.test(
  "deno task audit:replay - rebuilds into a fresh schema and reports the live log equal",
  options,
  async () => {
    await withLog(async (bed) => {
      const output = await new Deno.Command(Deno.execPath(), {
        args: ["run", "-A", "services/audit/tools/replay.ts", "--schema", "replay_cli"],
        env: { DATABASE_URL: bed.db.url, NATS_URL: bed.nats.url, TICKETD_DATA_DIR: bed.dataDir },
        stdout: "piped",
        stderr: "piped",
      }).output();
      const text = new TextDecoder().decode(output.stdout);
      equal(output.code, 0, text + new TextDecoder().decode(output.stderr));
      match(text, /replayed 10 entries into schema replay_cli .* compared 10/);
      match(text, /equals the live log/);
    });
  },
);
