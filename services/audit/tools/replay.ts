/**
 * `deno task audit:replay [--from <ISO time>] [--schema <name>] [--database-url <url>]`: rebuilds
 * the audit log from JetStream into a fresh schema (default `audit_replay_<time>`, in the live
 * database or the one given) and compares it with the live log, printing progress and the first
 * difference. Exits 1 on a difference, 2 with one line on a bad argument (an existing or
 * malformed schema name, a time that is not UTC). The rebuilt schema is kept for inspection.
 * @module
 */
import { jetstream, jetstreamManager } from "@nats-io/jetstream";
import type { Sql } from "postgres";
import { parseStrictUtc } from "@ticketd/shared/http/query_params.ts";
import { profileOf } from "@ticketd/shared/crypto/profiles.ts";
import { loadAuditConfig } from "../config.ts";
import { hashAlgOf } from "../domain/checkpoint.ts";
import { replayAuditLog } from "../replay.ts";
import { replaySchemaName } from "../replay_target.ts";
import { sourceStreams } from "../service.ts";
import { progressLine, runTool, toolArgs, usage } from "./cli.ts";
import { connectTool } from "./connect.ts";
import { openFreshSchema } from "./schema.ts";

const TOOL = {
  name: "audit:replay",
  usage:
    "deno task audit:replay [--from <ISO time>] [--schema <fresh name>] [--database-url <url>]",
};

await runTool(TOOL, async () => {
  const values = toolArgs({
    from: { type: "string" },
    schema: { type: "string" },
    "database-url": { type: "string" },
  });
  const from = values.from === undefined ? undefined : parseStrictUtc(values.from);
  if (from === null) {
    usage(`--from must be an ISO 8601 UTC time such as 2026-01-31T00:00:00Z, got "${values.from}"`);
  }
  const audit = loadAuditConfig(Deno.env.toObject());
  const tool = await connectTool(TOOL.name);
  try {
    const url = values["database-url"] ?? tool.config.databaseUrl;
    // The embedded database takes one connection, the live one: a replay needs a real server.
    if (!url) usage("a replay needs DATABASE_URL or --database-url (a PostgreSQL server)");
    const schema = values.schema ?? replaySchemaName(new Date());
    const target = await openFreshSchema(url, schema);
    try {
      return await replay(tool, audit, target, schema, from);
    } finally {
      await target.end();
    }
  } finally {
    await tool.stop();
  }
});

async function replay(
  tool: Awaited<ReturnType<typeof connectTool>>,
  audit: ReturnType<typeof loadAuditConfig>,
  target: Sql,
  schema: string,
  from: Date | undefined,
): Promise<number> {
  const started = performance.now();
  const report = await replayAuditLog({
    js: jetstream(tool.infra.nc),
    jsm: await jetstreamManager(tool.infra.nc),
    live: tool.infra.sql,
    target,
    sources: sourceStreams(tool.config.stream.name),
    algOf: (tenant) => hashAlgOf(profileOf(tool.config.profiles, tenant)),
    batchSize: audit.batchSize,
    progress: (stream, seq, last) => progressLine(`replay ${stream} ${seq}/${last}   `),
  }, from);
  const seconds = (performance.now() - started) / 1000;
  console.log(
    `\nreplayed ${report.entries} entries into schema ${schema} in ${
      seconds.toFixed(1)
    } s; compared ${report.compared} with the live log`,
  );
  const d = report.difference;
  if (!d) {
    console.log("the replayed log equals the live log");
    return 0;
  }
  console.log(
    `first difference: stream ${d.stream} seq ${d.seq}, ${d.field}: live ${
      JSON.stringify(d.live)
    }, replayed ${JSON.stringify(d.replayed)}`,
  );
  return 1;
}
