/**
 * The routing service beside the tickets service (`deno task start`): its own HTTP port, the
 * tickets service's connections, keyring and token checks. Listens at once (503 until ready).
 * Alone (`deno task stack`): `deno run -A services/routing/main.ts`, deps from services/standalone.ts.
 * @module
 */
import { problem, problemResponse } from "@ticketd/shared/http/problem.ts";
import { httpScheme, serveTls } from "@ticketd/shared/runtime/tls_settings.ts";
import type { Follower } from "../tickets/main.ts";
import { runAlone } from "../standalone.ts";
import { loadRoutingConfig, RoutingConfigError } from "./config.ts";
import { type RoutingService, startRoutingService } from "./service.ts";

/** A {@link Follower} running routing on `env`'s `TICKETD_ROUTING_*` settings. */
export function routingFollower(env: Record<string, string | undefined>): Follower {
  return async ({ infra, log, keyring, verify, config, customFields }) => {
    const routing = loadRoutingConfig(env);
    const routingLog = log.with({ service: "routing" });
    let service: RoutingService | null = null;
    const starting = problemResponse(problem(503, "starting", "Routing is starting"));
    let server: Deno.HttpServer<Deno.NetAddr>;
    try {
      server = Deno.serve(
        { hostname: routing.host, port: routing.port, onListen: () => {}, ...serveTls(config.tls) },
        (request) => service ? service.fetch(request) : starting.clone(),
      );
    } catch (error) {
      throw new RoutingConfigError(
        `TICKETD_ROUTING_PORT: cannot listen on ${routing.host}:${routing.port} (${
          (error as Error).message
        })`,
      );
    }
    try {
      service = await startRoutingService(routing, {
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
      });
    } catch (error) {
      await server.shutdown();
      throw error;
    }
    const url = `${httpScheme(config.tls)}://${routing.host}:${server.addr.port}`;
    await Deno.writeTextFile(`${config.dataDir}/routing.url`, url);
    routingLog.info("listening", { url });
    console.error(`Routing at ${url}: docs/routing.md`);
    return {
      async stop() {
        await server.shutdown();
        await service?.stop();
      },
    };
  };
}

if (import.meta.main) await runAlone("routing", routingFollower(Deno.env.toObject()));
