/**
 * The routing service beside the tickets service (`deno task start`): its own HTTP port, the
 * tickets service's connections, keyring and token checks. Listens at once (503 until ready).
 * Alone (`deno task stack`): `deno run -A services/routing/main.ts`, deps from services/standalone.ts.
 * @module
 */
import type { Follower } from "../tickets/main.ts";
import { serveFollower } from "../follower_http.ts";
import { runAlone } from "../standalone.ts";
import { loadRoutingConfig, RoutingConfigError } from "./config.ts";
import { startRoutingService } from "./service.ts";

/** A {@link Follower} running routing on `env`'s `TICKETD_ROUTING_*` settings. */
export function routingFollower(env: Record<string, string | undefined>): Follower {
  return async ({ infra, log, keyring, verify, config, customFields }) => {
    const routing = loadRoutingConfig(env);
    const routingLog = log.with({ service: "routing" });
    const { server, service, url } = await serveFollower({
      name: "routing",
      title: "Routing",
      host: routing.host,
      port: routing.port,
      portSetting: "TICKETD_ROUTING_PORT",
      configError: (message) => new RoutingConfigError(message),
      tls: config.tls,
      dataDir: config.dataDir,
      log: routingLog,
      start: () =>
        startRoutingService(routing, {
          nc: infra.nc,
          sql: infra.sql,
          keyring,
          profiles: config.profiles,
          dataKeyCacheEntries: config.dataKeyCacheEntries,
          verify,
          customFields,
          tenantModelsDir: `${config.dataDir}/routing-models`,
          ticketStream: config.stream.name,
          log: routingLog,
          operations: config.operations,
        }),
    });
    console.error(`Routing at ${url}: docs/routing.md`);
    return {
      async stop() {
        await server.shutdown();
        await service.stop();
      },
    };
  };
}

if (import.meta.main) await runAlone("routing", routingFollower(Deno.env.toObject()));
