/**
 * `deno task audit:verify [--keys <file>] [--schema <name>]`: checks every checkpoint signature
 * and every chain of the audit log, reading only the database and the public keys (the served
 * JWKS, or the audit keys file; default `TICKETD_AUDIT_KEYS_FILE` or `<data dir>/audit-keys.json`).
 * It first checks every archived segment (in `TICKETD_S3_*`, else the data folder's private
 * s3rver) and continues each chain from the archive into the hot table (archive/verify_archive.ts).
 * Prints the first entry altered, removed or reordered and exits 1, or exits 0; a bad argument
 * is one line and exit 2 (cli.ts).
 * @module
 */
import postgres from "postgres";
import { verifyArchiveOf } from "../archive/verify_archive_of.ts";
import { readPublicKeys } from "../signing/audit_keys.ts";
import { AuditStore } from "../store/audit_store.ts";
import { CheckpointStore } from "../store/checkpoint_store.ts";
import { verifyAuditLog } from "../verify_log.ts";
import { progressLine, readKeysFile, runTool, toolArgs, usage } from "./cli.ts";
import { connectTool } from "./connect.ts";
import { checkAuditSchema } from "./schema.ts";

const TOOL = {
  name: "audit:verify",
  usage: "deno task audit:verify [--keys <file>] [--schema <name>]",
};

await runTool(TOOL, async () => {
  const values = toolArgs({ keys: { type: "string" }, schema: { type: "string" } });
  const tool = await connectTool(TOOL.name);
  try {
    if (values.schema && !tool.config.databaseUrl) {
      usage("--schema needs DATABASE_URL (the embedded database has one connection)");
    }
    if (values.schema) await checkAuditSchema(tool.infra.sql, values.schema);
    const keysFile = values.keys || Deno.env.get("TICKETD_AUDIT_KEYS_FILE") ||
      `${tool.config.dataDir}/audit-keys.json`;
    const keys = await readKeysFile(keysFile, readPublicKeys);
    const sql = values.schema && tool.config.databaseUrl
      ? postgres(tool.config.databaseUrl, {
        max: 1,
        transform: postgres.camel,
        connection: { search_path: values.schema },
      })
      : tool.infra.sql;
    try {
      return await verify(sql, keys, values.schema ? null : Deno.env.toObject(), tool.config);
    } finally {
      if (sql !== tool.infra.sql) await sql.end();
    }
  } finally {
    await tool.stop();
  }
});

async function verify(
  sql: postgres.Sql,
  keys: Awaited<ReturnType<typeof readPublicKeys>>,
  archiveEnv: Record<string, string> | null,
  config: { dataDir: string },
): Promise<number> {
  // The archive holds the live log's chains, not a replayed schema's.
  const archive = await verifyArchiveOf(archiveEnv, config.dataDir, sql, keys);
  const report = await verifyAuditLog(
    new AuditStore(sql),
    new CheckpointStore(sql),
    keys,
    (entries) => progressLine(`verified ${entries} entries`),
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
  } else if (finding?.kind === "bad_checkpoint") {
    console.log(
      `bad checkpoint ${finding.checkpointId} of tenant ${finding.tenant}: ${finding.detail}`,
    );
  } else if (finding) {
    const seq = finding.seq === null ? "" : ` (seq ${finding.seq})`;
    console.log(
      `${finding.kind}: tenant ${finding.tenant}, stream ${finding.stream}, entry ${finding.n}${seq}: ${finding.detail}`,
    );
  } else {
    console.log("the audit log is intact");
  }
  return finding ? 1 : 0;
}
