/**
 * The reports service beside the tickets service (`deno task start`): its own HTTP port
 * (`TICKETD_REPORTS_PORT`), the tickets service's connections and token checks.
 * Listens at once (503 until ready).
 * Alone (`deno task stack`): `deno run -A services/reports/main.ts`, deps from
 * services/standalone.ts.
 * @module
 */
import type { Follower } from "../tickets/main.ts";
import { serveFollower } from "../follower_http.ts";
import { runAlone } from "../standalone.ts";
import { loadReportsConfig, ReportsConfigError } from "./config.ts";
import { startReportsService } from "./service.ts";

/** A {@link Follower} running reports on `env`'s `TICKETD_REPORTS_*` settings. */
export function reportsFollower(env: Record<string, string | undefined>): Follower {
  return async ({ infra, log, verify, config }) => {
    const reports = loadReportsConfig(env);
    const reportsLog = log.with({ service: "reports" });
    const { server, service, url } = await serveFollower({
      name: "reports",
      title: "Reports",
      host: reports.host,
      port: reports.port,
      portSetting: "TICKETD_REPORTS_PORT",
      configError: (message) => new ReportsConfigError(message),
      tls: config.tls,
      dataDir: config.dataDir,
      log: reportsLog,
      start: () =>
        startReportsService(reports, {
          nc: infra.nc,
          sql: infra.sql,
          verify,
          ticketStream: config.stream.name,
          log: reportsLog,
          operations: config.operations,
        }),
    });
    console.error(`Reports at ${url}: docs/reports.md`);
    return {
      async stop() {
        await server.shutdown();
        await service.stop();
      },
    };
  };
}

if (import.meta.main) await runAlone("reports", reportsFollower(Deno.env.toObject()));
