/**
 * `deno task audit:restore --tenant <t> [--stream <s>] [--from <seq> --to <seq>] [--schema <name>]
 * [--keys <file>]`: downloads the tenant's archived segments from `TICKETD_AUDIT_ARCHIVE_BUCKET`
 * in `TICKETD_S3_*` (else the data folder's private s3rver, as the service), checks each
 * (manifest signature, digest, chain), and puts the entries back into the audit log, or with
 * `--schema` into a fresh schema for inspection. Progress on stderr; exits 1 naming the first
 * segment or entry that fails, or saying there was nothing to restore; 2 on a bad argument.
 * @module
 */
import type { Sql } from "postgres";
import { migrate } from "@ticketd/shared/postgres/migrate.ts";
import { withArchiveS3 } from "../archive/archive_s3.ts";
import { restoreArchive, type RestoreRequest } from "../archive/restore.ts";
import { SegmentBucket } from "../archive/segment_bucket.ts";
import { loadAuditConfig } from "../config.ts";
import { type AuditPublicJwk, readPublicKeys } from "../signing/audit_keys.ts";
import { progressLine, readKeysFile, runTool, toolArgs, ToolError, usage } from "./cli.ts";
import { connectTool } from "./connect.ts";
import { openFreshSchema } from "./schema.ts";

const TOOL = {
  name: "audit:restore",
  usage:
    "deno task audit:restore --tenant <t> [--stream <s>] [--from <seq> --to <seq>] [--schema <name>] [--keys <file>]",
};

await runTool(TOOL, async () => {
  const values = toolArgs({
    tenant: { type: "string" },
    stream: { type: "string" },
    from: { type: "string" },
    to: { type: "string" },
    schema: { type: "string" },
    keys: { type: "string" },
  });
  const request = restoreRequest(values);
  const tool = await connectTool(TOOL.name);
  try {
    if (values.schema && !tool.config.databaseUrl) {
      usage("--schema needs DATABASE_URL (the embedded database has one connection)");
    }
    const keysFile = values.keys || Deno.env.get("TICKETD_AUDIT_KEYS_FILE") ||
      `${tool.config.dataDir}/audit-keys.json`;
    const publicKeys = await readKeysFile(keysFile, readPublicKeys);
    const archiveS3 = await withArchiveS3(Deno.env.toObject(), tool.config.dataDir);
    try {
      const target = values.schema
        ? await openFreshSchema(tool.config.databaseUrl!, values.schema)
        : tool.infra.sql;
      try {
        const s3 = loadAuditConfig(archiveS3.env).archive.s3!;
        const where = values.schema ? `schema ${values.schema}` : "the audit log";
        return await restore(new SegmentBucket(s3), target, publicKeys, request, where);
      } finally {
        if (target !== tool.infra.sql) await target.end();
      }
    } finally {
      await archiveS3.stop();
    }
  } finally {
    await tool.stop();
  }
});

function restoreRequest(
  values: { tenant?: string; stream?: string; from?: string; to?: string },
): RestoreRequest {
  const seq = (name: "from" | "to") => {
    const raw = values[name];
    if (raw === undefined) return undefined;
    const value = Number(raw);
    if (!/^\d{1,16}$/.test(raw) || value < 1 || !Number.isSafeInteger(value)) {
      usage(`--${name} must be a source sequence number (1 or more), got "${raw}"`);
    }
    return value;
  };
  if (!values.tenant) usage("--tenant is required");
  if (values.stream === "") usage("--stream must name a source stream such as TICKETS");
  const fromSeq = seq("from");
  const toSeq = seq("to");
  if (fromSeq !== undefined && toSeq !== undefined && fromSeq > toSeq) {
    usage(`--from ${fromSeq} is after --to ${toSeq}: give the lower sequence first`);
  }
  return { tenant: values.tenant, stream: values.stream, fromSeq, toSeq };
}

async function restore(
  bucket: SegmentBucket,
  target: Sql,
  publicKeys: AuditPublicJwk[],
  request: RestoreRequest,
  where: string,
): Promise<number> {
  await migrate(target, "audit", new URL("../migrations/", import.meta.url));
  const report = await restoreArchive({
    bucket,
    target,
    publicKeys,
    progress: (p) =>
      progressLine(
        `${p.stream}: segment ${p.segment}/${p.segments}, ${p.restored} entries restored   `,
      ),
  }, request);
  if (report.segments === 0 && !report.finding) throw new ToolError(nothingToRestore(request));
  console.log(
    `\nrestored ${report.restored} entries (${report.present} already there) from ${report.segments} segments into ${where}`,
  );
  if (report.finding?.kind === "bad_segment") {
    console.log(`bad segment ${report.finding.key}: ${report.finding.detail}`);
  } else if (report.finding) {
    const f = report.finding;
    console.log(`${f.kind}: tenant ${f.tenant}, stream ${f.stream}, entry ${f.n}: ${f.detail}`);
  }
  return report.finding ? 1 : 0;
}

function nothingToRestore(request: RestoreRequest): string {
  const stream = request.stream ? `, stream ${request.stream}` : "";
  const range = request.fromSeq !== undefined || request.toSeq !== undefined
    ? `, sequences ${request.fromSeq ?? 1}..${request.toSeq ?? "end"}`
    : "";
  return `nothing to restore for tenant ${request.tenant}${stream}${range}: no archived segment matches (check --tenant, --stream and the range)`;
}
