/**
 * `deno task audit:restore --tenant <t> [--stream <s>] [--from <seq> --to <seq>] [--schema <name>]
 * [--keys <file>]`: downloads the tenant's archived segments from `TICKETD_AUDIT_ARCHIVE_BUCKET`
 * in `TICKETD_S3_*` (else the data folder's private s3rver, as the service), checks each (manifest signature, digest, chain), and puts the
 * entries back into the audit log, or with `--schema` into a fresh schema for inspection.
 * Progress on stderr; exits 1 naming the first segment or entry that fails.
 * @module
 */
import { parseArgs } from "node:util";
import { migrate } from "@ticketd/shared/postgres/migrate.ts";
import { withArchiveS3 } from "../archive/archive_s3.ts";
import { restoreArchive } from "../archive/restore.ts";
import { SegmentBucket } from "../archive/segment_bucket.ts";
import { loadAuditConfig } from "../config.ts";
import { openReplayTarget } from "../replay_target.ts";
import { readPublicKeys } from "../signing/audit_keys.ts";
import { connectTool } from "./connect.ts";

const { values } = parseArgs({
  args: Deno.args,
  options: {
    tenant: { type: "string" },
    stream: { type: "string" },
    from: { type: "string" },
    to: { type: "string" },
    schema: { type: "string" },
    keys: { type: "string" },
  },
});
const seq = (name: "from" | "to") => {
  const raw = values[name];
  if (raw === undefined) return undefined;
  if (!/^\d+$/.test(raw)) usage(`--${name} must be a source sequence number, got "${raw}"`);
  return Number(raw);
};
if (!values.tenant) usage("--tenant is required");
const fromSeq = seq("from");
const toSeq = seq("to");
const tool = await connectTool("audit:restore");
if (values.schema && !tool.config.databaseUrl) {
  await tool.stop();
  usage("--schema needs DATABASE_URL (the embedded database has one connection)");
}
const archiveS3 = await withArchiveS3(Deno.env.toObject(), tool.config.dataDir);
const s3 = loadAuditConfig(archiveS3.env).archive.s3!;
const keysFile = values.keys || Deno.env.get("TICKETD_AUDIT_KEYS_FILE") ||
  `${tool.config.dataDir}/audit-keys.json`;
const target = values.schema
  ? await openReplayTarget(tool.config.databaseUrl!, values.schema)
  : tool.infra.sql;
let failed = false;
try {
  await migrate(target, "audit", new URL("../migrations/", import.meta.url));
  const report = await restoreArchive({
    bucket: new SegmentBucket(s3),
    target,
    publicKeys: await readPublicKeys(keysFile),
    progress: (p) =>
      Deno.stderr.writeSync(
        new TextEncoder().encode(
          `\r${p.stream}: segment ${p.segment}/${p.segments}, ${p.restored} entries restored   `,
        ),
      ),
  }, { tenant: values.tenant!, stream: values.stream, fromSeq, toSeq });
  const where = values.schema ? `schema ${values.schema}` : "the audit log";
  console.log(
    `\nrestored ${report.restored} entries (${report.present} already there) from ${report.segments} segments into ${where}`,
  );
  if (report.finding?.kind === "bad_segment") {
    console.log(`bad segment ${report.finding.key}: ${report.finding.detail}`);
    failed = true;
  } else if (report.finding) {
    const f = report.finding;
    console.log(`${f.kind}: tenant ${f.tenant}, stream ${f.stream}, entry ${f.n}: ${f.detail}`);
    failed = true;
  }
} finally {
  if (target !== tool.infra.sql) await target.end();
  await archiveS3.stop();
  await tool.stop();
}
if (failed) Deno.exit(1);

function usage(message: string): never {
  console.error(`audit:restore: ${message}`);
  console.error(
    "usage: deno task audit:restore --tenant <t> [--stream <s>] [--from <seq> --to <seq>] [--schema <name>] [--keys <file>]",
  );
  Deno.exit(2);
}
