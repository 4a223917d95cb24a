/**
 * `deno task audit:verify [--keys <file>] [--schema <name>]`: checks every checkpoint signature
 * and every chain of the audit log, reading only the database and the public keys (the served
 * JWKS, or the audit keys file; default `TICKETD_AUDIT_KEYS_FILE` or `<data dir>/audit-keys.json`).
 * It first checks every archived segment (in `TICKETD_S3_*`, else the data folder's private
 * s3rver) and continues each chain from the archive into the hot table (archive/verify_archive.ts).
 * Prints the first entry altered, removed or reordered and exits 1, or exits 0.
 * @module
 */
import { parseArgs } from "node:util";
import postgres from "postgres";
import { verifyArchiveOf } from "../archive/verify_archive_of.ts";
import { readPublicKeys } from "../signing/audit_keys.ts";
import { AuditStore } from "../store/audit_store.ts";
import { CheckpointStore } from "../store/checkpoint_store.ts";
import { verifyAuditLog } from "../verify_log.ts";
import { connectTool } from "./connect.ts";

const { values } = parseArgs({
  args: Deno.args,
  options: { keys: { type: "string" }, schema: { type: "string" } },
});
const tool = await connectTool("audit:verify");
if (values.schema && !tool.config.databaseUrl) {
  await tool.stop();
  console.error(
    "audit:verify --schema needs DATABASE_URL (the embedded database has one connection)",
  );
  Deno.exit(2);
}
const keysFile = values.keys || Deno.env.get("TICKETD_AUDIT_KEYS_FILE") ||
  `${tool.config.dataDir}/audit-keys.json`;
const sql = values.schema && tool.config.databaseUrl
  ? postgres(tool.config.databaseUrl, {
    max: 1,
    transform: postgres.camel,
    connection: { search_path: values.schema },
  })
  : tool.infra.sql;
let failed = false;
try {
  const keys = await readPublicKeys(keysFile);
  // The archive holds the live log's chains, not a replayed schema's.
  const archive = await verifyArchiveOf(
    values.schema ? null : Deno.env.toObject(),
    tool.config.dataDir,
    sql,
    keys,
  );
  const report = await verifyAuditLog(
    new AuditStore(sql),
    new CheckpointStore(sql),
    keys,
    (entries) => Deno.stderr.writeSync(new TextEncoder().encode(`\rverified ${entries} entries`)),
    archive.startOf,
  );
  const rate = Math.round(report.entries / Math.max(report.seconds, 0.001));
  console.log(
    `verified ${report.entries} entries in ${report.chains} chains and ${report.checkpoints} checkpoints in ${
      report.seconds.toFixed(2)
    } s (${rate} entries/s)`,
  );
  const finding = archive.finding ?? report.finding;
  if (finding?.kind === "bad_segment") {
    console.log(`bad archive segment ${finding.key}: ${finding.detail}`);
    failed = true;
  } else if (finding?.kind === "bad_checkpoint") {
    console.log(
      `bad checkpoint ${finding.checkpointId} of tenant ${finding.tenant}: ${finding.detail}`,
    );
    failed = true;
  } else if (finding) {
    const seq = finding.seq === null ? "" : ` (seq ${finding.seq})`;
    console.log(
      `${finding.kind}: tenant ${finding.tenant}, stream ${finding.stream}, entry ${finding.n}${seq}: ${finding.detail}`,
    );
    failed = true;
  } else {
    console.log("the audit log is intact");
  }
} finally {
  if (sql !== tool.infra.sql) await sql.end();
  await tool.stop();
}
if (failed) Deno.exit(1);
