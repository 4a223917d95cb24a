/**
 * `deno task replay`: rebuilds the tickets read model from the TICKETS stream, from scratch,
 * with progress. Run it while the service is stopped: it refuses when the service answers.
 * @module
 */
import { jetstream, jetstreamManager } from "@nats-io/jetstream";
import { openEnvelope } from "@ticketd/shared/keys/open_envelope.ts";
import { tenantTokenHasher } from "@ticketd/shared/search/tokens.ts";
import { createLogger } from "@ticketd/shared/log/logger.ts";
import { openInfrastructure } from "@ticketd/shared/runtime/infrastructure.ts";
import { loadKeyring } from "@ticketd/shared/runtime/secrets.ts";
import { migrate } from "@ticketd/shared/postgres/migrate.ts";
import { loadConfig } from "../config.ts";
import { ProjectionWatch } from "../projections/projection_watch.ts";
import { TicketProjector } from "../projections/projector.ts";
import { SearchProfiles } from "../projections/search_profiles.ts";
import { resetReadModel, streamHead } from "../projections/rebuild.ts";

const config = loadConfig(Deno.env.toObject());
const log = createLogger(config.logLevel === "info" ? "warn" : config.logLevel, { tool: "replay" });
await refuseIfServiceRuns(config.dataDir);
const infra = await openInfrastructure(config, log);
try {
  const jsm = await jetstreamManager(infra.nc);
  await migrate(infra.sql, "tickets", new URL("../migrations/", import.meta.url));
  const head = await streamHead(jsm, config.stream.name);
  await resetReadModel(infra.sql, jsm, config.stream.name, config.projector.name);
  const keyring = await loadKeyring(config, log);
  const { envelope } = await openEnvelope(infra.nc, jsm, { keyring, ...config });
  const watch = new ProjectionWatch();
  const projector = new TicketProjector({
    js: jetstream(infra.nc),
    jsm,
    sql: infra.sql,
    envelope,
    hashTokens: tenantTokenHasher(keyring.searchKey, config.profiles),
    searchProfiles: new SearchProfiles(infra.sql, config.profiles),
    stream: config.stream.name,
    ...config.projector,
    watch,
    log,
  });
  const started = performance.now();
  await projector.start();
  const timer = setInterval(() => report(watch.position, head, started), 1000);
  await watch.waitFor(head, 24 * 3600_000);
  clearInterval(timer);
  await projector.stop();
  report(watch.position, head, started);
  console.error(`\nRebuilt the read model from ${head} stream messages.`);
} finally {
  await infra.stop();
  await log.flush();
}

function report(position: number, head: number, started: number): void {
  const seconds = (performance.now() - started) / 1000;
  const percent = head === 0 ? 100 : Math.floor((position / head) * 100);
  const rate = Math.round(position / Math.max(seconds, 0.001));
  Deno.stderr.writeSync(
    new TextEncoder().encode(
      `\rreplay ${position}/${head} (${percent}%) ${rate} msg/s ${seconds.toFixed(1)} s   `,
    ),
  );
}

async function refuseIfServiceRuns(dataDir: string): Promise<void> {
  const url = await Deno.readTextFile(`${dataDir}/tickets.url`).catch(() => null);
  if (!url) return;
  const answered = await fetch(`${url}/healthz`, { signal: AbortSignal.timeout(1000) })
    .then((r) => (r.body?.cancel(), true), () => false);
  if (answered) {
    console.error(`replay: the tickets service is running at ${url}; stop it first.`);
    Deno.exit(1);
  }
}
