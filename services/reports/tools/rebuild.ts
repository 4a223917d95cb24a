/**
 * `deno task reports:rebuild`: empties the report tables and drops the reports' consumers, so
 * the next start of the reports service folds TICKETS and ROUTING again from the first message.
 * Run it while the service is stopped: it refuses when the service answers.
 * @module
 */
import { jetstreamManager } from "@nats-io/jetstream";
import { createLogger } from "@ticketd/shared/log/logger.ts";
import { migrate } from "@ticketd/shared/postgres/migrate.ts";
import { openInfrastructure } from "@ticketd/shared/runtime/infrastructure.ts";
import { loadConfig } from "../../tickets/config.ts";
import { rebuildReports } from "../projections/rebuild.ts";

const config = loadConfig(Deno.env.toObject());
const log = createLogger("warn", { tool: "reports:rebuild" });
const url = await Deno.readTextFile(`${config.dataDir}/reports.url`).catch(() => null);
const running = url !== null &&
  await fetch(`${url}/healthz`, { signal: AbortSignal.timeout(1000) })
    .then((r) => (r.body?.cancel(), true), () => false);
if (running) {
  console.error(`reports:rebuild: the reports service is running at ${url}; stop it first.`);
  Deno.exit(1);
}
const infra = await openInfrastructure(config, log);
try {
  await migrate(infra.sql, "reports", new URL("../migrations/", import.meta.url));
  await rebuildReports(infra.sql, await jetstreamManager(infra.nc), config.stream.name);
  console.error("Reports emptied: the next start of the reports service rebuilds them.");
} finally {
  await infra.stop();
  await log.flush();
}
