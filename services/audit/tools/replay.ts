/**
 * `deno task audit:replay [--from <ISO time>] [--schema <name>] [--database-url <url>]`: rebuilds
 * the audit log from JetStream into a fresh schema (default `audit_replay_<time>`, in the live
 * database or the one given) and compares it with the live log, printing progress and the first
 * difference. Exits 1 on a difference. The rebuilt schema is kept for inspection.
 * @module
 */
import { parseArgs } from "node:util";
import { jetstream, jetstreamManager } from "@nats-io/jetstream";
import { profileOf } from "@ticketd/shared/crypto/profiles.ts";
import { loadAuditConfig } from "../config.ts";
import { hashAlgOf } from "../domain/checkpoint.ts";
import { replayAuditLog } from "../replay.ts";
import { openReplayTarget, replaySchemaName } from "../replay_target.ts";
import { sourceStreams } from "../service.ts";
import { connectTool } from "./connect.ts";

const { values } = parseArgs({
  args: Deno.args,
  options: {
    from: { type: "string" },
    schema: { type: "string" },
    "database-url": { type: "string" },
  },
});
const from = values.from ? new Date(values.from) : undefined;
if (from && Number.isNaN(from.getTime())) {
  console.error(`audit:replay: --from must be an ISO 8601 time, got "${values.from}"`);
  Deno.exit(2);
}
const audit = loadAuditConfig(Deno.env.toObject());
const tool = await connectTool("audit:replay");
const schema = values.schema ?? replaySchemaName(new Date());
let failed = false;
try {
  const url = values["database-url"] ?? tool.config.databaseUrl;
  // The embedded database takes one connection, the live one: a replay needs a real server.
  if (!url) throw new Error("audit:replay needs DATABASE_URL or --database-url");
  const target = await openReplayTarget(url, schema);
  const started = performance.now();
  try {
    const report = await replayAuditLog({
      js: jetstream(tool.infra.nc),
      jsm: await jetstreamManager(tool.infra.nc),
      live: tool.infra.sql,
      target,
      sources: sourceStreams(tool.config.stream.name),
      algOf: (tenant) => hashAlgOf(profileOf(tool.config.profiles, tenant)),
      batchSize: audit.batchSize,
      progress: (stream, seq, last) =>
        Deno.stderr.writeSync(new TextEncoder().encode(`\rreplay ${stream} ${seq}/${last}   `)),
    }, from);
    const seconds = (performance.now() - started) / 1000;
    console.log(
      `\nreplayed ${report.entries} entries into schema ${schema} in ${
        seconds.toFixed(1)
      } s; compared ${report.compared} with the live log`,
    );
    const d = report.difference;
    if (d) {
      console.log(
        `first difference: stream ${d.stream} seq ${d.seq}, ${d.field}: live ${
          JSON.stringify(d.live)
        }, replayed ${JSON.stringify(d.replayed)}`,
      );
      failed = true;
    } else {
      console.log("the replayed log equals the live log");
    }
  } finally {
    await target.end();
  }
} finally {
  await tool.stop();
}
if (failed) Deno.exit(1);
