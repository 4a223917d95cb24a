/**
 * `deno task audit:restore` and `deno task audit:verify` as subprocesses on a real nats-server,
 * PostgreSQL and s3rver: entries past retention are put back, byte for byte, or restored into a
 * fresh schema for a sequence range; a tampered segment stops the restore and fails the verify.
 */
import { deepEqual, equal, match } from "node:assert/strict";
import {
  type ArchiveTestBed,
  runAuditTool,
  withArchiveTestBed,
} from "../services/audit/archive/testing.ts";

const options = { sanitizeOps: false, sanitizeResources: false };

async function hotRows(bed: ArchiveTestBed, schema = "public") {
  return await bed.sql<{ n: string; hash: string; entry: string }[]>`
    select n, hash, entry from ${bed.sql(schema)}.audit_entries
    where tenant = 'acme' order by n`;
}

Deno.test(
  "audit restore - entries past retention are put back as they were, a range restores into a fresh schema, a tampered segment stops it",
  options,
  () =>
    withArchiveTestBed(async (bed) => {
      const audit = await bed.startAudit({ TICKETD_AUDIT_ARCHIVE_ENTRIES: "4" });
      for (let i = 0; i < 12; i++) await bed.publishCommit("acme", String(100 + i));
      await bed.publishCommit("globex", "900");
      await audit.caughtUp();
      await audit.checkpointer.flush();
      await audit.archiver!.tick();
      const before = await hotRows(bed);
      await audit.stop();
      const pruning = await bed.startAudit({
        TICKETD_AUDIT_ARCHIVE_ENTRIES: "4",
        TICKETD_AUDIT_HOT_RETENTION_DAYS: "0",
      });
      await pruning.archiver!.tick();
      await pruning.stop();
      equal((await hotRows(bed)).length, 0);

      const verified = await runAuditTool(bed, "verify");
      equal(verified.code, 0, verified.stdout + verified.stderr);
      match(verified.stdout, /verified 12 archived entries in 3 segments/);

      const ranged = await runAuditTool(
        bed,
        "restore",
        "--tenant",
        "acme",
        "--from",
        "5",
        "--to",
        "6",
        "--schema",
        "inspect",
      );
      equal(ranged.code, 0, ranged.stdout + ranged.stderr);
      match(
        ranged.stdout,
        /restored 2 entries \(0 already there\) from 1 segments into schema inspect/,
      );
      deepEqual((await hotRows(bed, "inspect")).map((r) => Number(r.n)), [5, 6]);

      const back = await runAuditTool(bed, "restore", "--tenant", "acme");
      equal(back.code, 0, back.stdout + back.stderr);
      match(back.stderr, /TICKETS: segment 3\/3, 12 entries restored/);
      deepEqual(await hotRows(bed), before);
      const again = await runAuditTool(bed, "restore", "--tenant", "acme", "--stream", "TICKETS");
      match(again.stdout, /restored 0 entries \(12 already there\)/);

      const key = "acme/TICKETS/00000000000000000009-00000000000000000012.ndjson.gz";
      const bytes = (await bed.bucket.get(key))!;
      bytes[bytes.length - 12] ^= 0xff;
      await bed.bucket.put(key, bytes);
      const refused = await runAuditTool(
        bed,
        "restore",
        "--tenant",
        "acme",
        "--schema",
        "inspect2",
      );
      equal(refused.code, 1);
      match(refused.stdout, /bad segment acme\/TICKETS\/0+9-0+12\.manifest\.json/);
      const failed = await runAuditTool(bed, "verify");
      equal(failed.code, 1);
      match(failed.stdout, /bad archive segment/);

      const missing = await runAuditTool(bed, "restore");
      equal(missing.code, 2);
      match(missing.stderr, /--tenant is required/);
    }),
);
