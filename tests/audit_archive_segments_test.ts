/**
 * The audit archive on a real nats-server, PostgreSQL and s3rver: chains sealed into signed,
 * gzip NDJSON segments by size and by time, recorded, verified across segment boundaries and
 * into the hot table; retention removes only archived entries, through the one allowed path.
 */
import { deepEqual, equal, ok, rejects } from "node:assert/strict";
import { gunzip } from "../services/audit/archive/codec.ts";
import { parseSegmentText, type SignedManifest } from "../services/audit/archive/domain/segment.ts";
import {
  type ArchiveTestBed,
  verifyAll,
  withArchiveTestBed,
} from "../services/audit/archive/testing.ts";
import { CheckpointStore } from "../services/audit/store/checkpoint_store.ts";
import { verifyAuditLog } from "../services/audit/verify_log.ts";

const options = { sanitizeOps: false, sanitizeResources: false };

async function publish(bed: ArchiveTestBed, tenant: string, count: number) {
  for (let i = 0; i < count; i++) await bed.publishCommit(tenant, String(100 + i));
}

Deno.test(
  "audit archive - full segments seal at once, the rest after the segment age; keys, manifest and records agree",
  options,
  () =>
    withArchiveTestBed(async (bed) => {
      const audit = await bed.startAudit({
        TICKETD_AUDIT_ARCHIVE_ENTRIES: "4",
        TICKETD_AUDIT_ARCHIVE_MAX_AGE_SECONDS: "1",
      });
      await publish(bed, "acme", 10);
      await publish(bed, "globex", 3);
      await audit.caughtUp();
      await audit.archiver!.tick();
      deepEqual(await bed.bucket.list(""), [
        "acme/TICKETS/00000000000000000001-00000000000000000004.manifest.json",
        "acme/TICKETS/00000000000000000001-00000000000000000004.ndjson.gz",
        "acme/TICKETS/00000000000000000005-00000000000000000008.manifest.json",
        "acme/TICKETS/00000000000000000005-00000000000000000008.ndjson.gz",
      ]);
      await new Promise((resolve) => setTimeout(resolve, 1_100));
      await audit.archiver!.tick();
      const keys = await bed.bucket.list("");
      ok(keys.includes("acme/TICKETS/00000000000000000009-00000000000000000010.ndjson.gz"));
      ok(keys.includes("globex/TICKETS/00000000000000000011-00000000000000000013.ndjson.gz"));

      const key = "acme/TICKETS/00000000000000000005-00000000000000000008";
      const signed = JSON.parse(
        new TextDecoder().decode((await bed.bucket.get(`${key}.manifest.json`))!),
      ) as SignedManifest;
      const rows = parseSegmentText(await gunzip((await bed.bucket.get(`${key}.ndjson.gz`))!))!;
      deepEqual(rows.map((r) => r.n), [5, 6, 7, 8]);
      const { manifest } = signed;
      deepEqual(
        [manifest.fromN, manifest.toN, manifest.fromSeq, manifest.toSeq, manifest.count],
        [5, 8, 5, 8, 4],
      );
      equal(
        manifest.prevHash,
        (await bed.records.list({ tenant: "acme", stream: "TICKETS" }))[0]
          .lastHash,
      );
      equal(manifest.digestAlg, "SHA-256");
      equal(signed.alg, "Ed25519");
      deepEqual(
        (await bed.records.list({ tenant: "acme", stream: "TICKETS" })).map((
          r,
        ) => [r.fromN, r.toN]),
        [[1, 4], [5, 8], [9, 10]],
      );
      equal(await verifyAll(bed), null);
    }),
);

Deno.test(
  "audit archive - gm tenants' segments are digested with SM3 and signed with SM2",
  options,
  () =>
    withArchiveTestBed(async (bed) => {
      const audit = await bed.startAudit({
        TICKETD_AUDIT_ARCHIVE_ENTRIES: "2",
        TICKETD_TENANT_PROFILES: "gmco=gm",
      });
      await publish(bed, "gmco", 2);
      await audit.caughtUp();
      await audit.archiver!.tick();
      const [record] = await bed.records.list({ tenant: "gmco", stream: "TICKETS" });
      equal(record.digestAlg, "SM3");
      const signed = JSON.parse(
        new TextDecoder().decode((await bed.bucket.get(record.manifestKey))!),
      ) as SignedManifest;
      equal(signed.alg, "SM2");
      equal(await verifyAll(bed), null);
    }),
);

Deno.test(
  "audit retention - only archived entries leave the hot table; every other delete or update is still refused",
  options,
  () =>
    withArchiveTestBed(async (bed) => {
      const audit = await bed.startAudit({
        TICKETD_AUDIT_ARCHIVE_ENTRIES: "4",
        TICKETD_AUDIT_HOT_RETENTION_DAYS: "0",
      });
      await publish(bed, "acme", 10);
      await audit.caughtUp();
      await audit.archiver!.tick();
      const hot = await bed.sql<{ n: string }[]>`
        select n from audit_entries where tenant = 'acme' order by n`;
      deepEqual(hot.map((r) => Number(r.n)), [9, 10]);
      equal(audit.archiver!.counts.pruned, 8);
      const heads = await bed.store.heads("TICKETS");
      equal(heads.get("acme")!.n, 10);

      await rejects(bed.sql`delete from audit_entries where n = 9`, /append-only/);
      await rejects(bed.sql`update audit_entries set action = 'x' where n = 10`, /append-only/);
      await rejects(
        bed.sql.begin(async (tx) => {
          await tx`select set_config('ticketd.audit_retention', 'on', true)`;
          await tx`delete from audit_entries where n = 9`; // not in any segment
        }),
        /append-only/,
      );
      equal(await verifyAll(bed), null);
      // Without the archive, the hot table alone now misses entries 1..8.
      const hotOnly = await verifyAuditLog(
        bed.store,
        new CheckpointStore(bed.sql),
        await bed.publicKeys(),
      );
      equal(hotOnly.finding?.kind, "removed");
    }),
);

Deno.test(
  "audit archive - a chain whose hot rows fail verification is not sealed; the other chains are",
  options,
  () =>
    withArchiveTestBed(async (bed) => {
      const audit = await bed.startAudit({ TICKETD_AUDIT_ARCHIVE_ENTRIES: "2" });
      await publish(bed, "acme", 2);
      await publish(bed, "globex", 2);
      await audit.caughtUp();
      await bed.sql`alter table audit_entries disable trigger audit_entries_append_only`;
      await bed.sql`update audit_entries set action = 'x' where tenant = 'acme' and n = 2`;
      await bed.sql`alter table audit_entries enable trigger audit_entries_append_only`;
      await audit.archiver!.tick();
      deepEqual(await bed.records.list({ tenant: "acme", stream: "TICKETS" }), []);
      equal((await bed.records.list({ tenant: "globex", stream: "TICKETS" })).length, 1);
      deepEqual(await bed.bucket.list("acme/"), []);
    }),
);
