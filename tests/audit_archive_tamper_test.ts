/**
 * Tampering with the archive in S3 (s3rver), each caught by the archive verification and named:
 * a changed byte in an entry, a dropped entry, two swapped entries, a whole segment deleted (in
 * the middle, and at the end once retention removed its hot copy), a forged manifest, corrupted
 * bytes. Each case is undone before the next, and the intact archive verifies clean.
 */
import { equal, match } from "node:assert/strict";
import { gunzip, gzip } from "../services/audit/archive/codec.ts";
import { parseSegmentText, segmentText } from "../services/audit/archive/domain/segment.ts";
import {
  type ArchiveTestBed,
  verifyAll,
  withArchiveTestBed,
} from "../services/audit/archive/testing.ts";
import type { StoredRow } from "../services/audit/domain/verify_chain.ts";

const options = { sanitizeOps: false, sanitizeResources: false };
const SEGMENT_2 = "acme/TICKETS/00000000000000000005-00000000000000000008";
const SEGMENT_3 = "acme/TICKETS/00000000000000000009-00000000000000000012";

async function rewrite(
  bed: ArchiveTestBed,
  base: string,
  change: (rows: StoredRow[]) => StoredRow[],
) {
  const key = `${base}.ndjson.gz`;
  const rows = parseSegmentText(await gunzip((await bed.bucket.get(key))!))!;
  await bed.bucket.put(key, await gzip(segmentText(change(rows))));
}

/** Runs `tamper`, returns the finding, and puts every object back as it was. */
async function caught(bed: ArchiveTestBed, tamper: () => Promise<void>) {
  const keys = await bed.bucket.list("");
  const saved = await Promise.all(
    keys.map(async (key) => [key, (await bed.bucket.get(key))!] as const),
  );
  await tamper();
  const finding = await verifyAll(bed);
  for (const [key, bytes] of saved) await bed.bucket.put(key, bytes);
  return finding;
}

Deno.test(
  "audit archive verify - each tampering with a segment in S3 is caught and the entry or segment named",
  options,
  () =>
    withArchiveTestBed(async (bed) => {
      const audit = await bed.startAudit({
        TICKETD_AUDIT_ARCHIVE_ENTRIES: "4",
        TICKETD_AUDIT_HOT_RETENTION_DAYS: "0",
      });
      for (let i = 0; i < 12; i++) await bed.publishCommit("acme", String(100 + i));
      await audit.caughtUp();
      await audit.archiver!.tick();
      equal(audit.archiver!.counts.sealed, 3);
      equal(audit.archiver!.counts.pruned, 12);
      equal(await verifyAll(bed), null);

      const altered = await caught(
        bed,
        () =>
          rewrite(
            bed,
            SEGMENT_2,
            (rows) =>
              rows.map((row) =>
                row.n === 6 ? { ...row, text: row.text.replace('"agent-a"', '"agent-b"') } : row
              ),
          ),
      );
      equal(altered?.kind, "altered");
      equal((altered as { n: number }).n, 6);

      const removed = await caught(
        bed,
        () => rewrite(bed, SEGMENT_2, (rows) => rows.filter((row) => row.n !== 6)),
      );
      equal(removed?.kind, "removed");
      equal((removed as { n: number }).n, 6);
      match((removed as { detail: string }).detail, /entry 6 missing after seq 5/);

      const reordered = await caught(
        bed,
        () => rewrite(bed, SEGMENT_2, (rows) => [rows[0], rows[2], rows[1], rows[3]]),
      );
      equal(reordered?.kind, "reordered");
      equal((reordered as { n: number }).n, 6);

      const middleGone = await caught(bed, async () => {
        await bed.bucket.remove(`${SEGMENT_2}.ndjson.gz`);
        await bed.bucket.remove(`${SEGMENT_2}.manifest.json`);
      });
      equal(middleGone?.kind, "removed");
      equal((middleGone as { n: number }).n, 5);
      match((middleGone as { detail: string }).detail, /entries 5\.\.8 missing.*00000005-/);

      const lastGone = await caught(bed, async () => {
        await bed.bucket.remove(`${SEGMENT_3}.ndjson.gz`);
        await bed.bucket.remove(`${SEGMENT_3}.manifest.json`);
      });
      equal(lastGone?.kind, "removed");
      equal((lastGone as { n: number }).n, 9);
      match((lastGone as { detail: string }).detail, /entries 9\.\.12\) is gone/);

      const forged = await caught(bed, async () => {
        const key = `${SEGMENT_2}.manifest.json`;
        const text = new TextDecoder().decode((await bed.bucket.get(key))!);
        await bed.bucket.put(key, new TextEncoder().encode(text.replace('"count":4', '"count":3')));
      });
      equal(forged?.kind, "bad_segment");
      match((forged as { detail: string }).detail, /signature does not verify/);

      const corrupted = await caught(bed, async () => {
        const key = `${SEGMENT_3}.ndjson.gz`;
        const bytes = (await bed.bucket.get(key))!;
        bytes[bytes.length - 12] ^= 0xff;
        await bed.bucket.put(key, bytes);
      });
      equal(corrupted?.kind, "bad_segment");
      match((corrupted as { key: string }).key, /00000009-.*manifest\.json$/);

      equal(await verifyAll(bed), null);
    }),
);
