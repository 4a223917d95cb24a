/**
 * The gateway beside the other services (`deno task start`): listens at once on
 * `TICKETD_GATEWAY_PORT` (503 until the console is loaded) and finds the services through the
 * URL files they write in the data folder.
 * @module
 */
import { problem, problemResponse } from "@ticketd/shared/http/problem.ts";
import type { Follower } from "../tickets/main.ts";
import { GatewayConfigError, loadGatewayConfig } from "./config.ts";
import { type GatewayService, startGatewayService } from "./service.ts";

/** A {@link Follower} running the gateway on `env`'s `TICKETD_GATEWAY_*` settings. */
export function gatewayFollower(env: Record<string, string | undefined>): Follower {
  return async ({ log, config }) => {
    const gateway = loadGatewayConfig(env);
    const gatewayLog = log.with({ service: "gateway" });
    let service: GatewayService | null = null;
    const starting = problemResponse(problem(503, "starting", "The gateway is starting"));
    let server: Deno.HttpServer<Deno.NetAddr>;
    try {
      server = Deno.serve(
        { hostname: gateway.host, port: gateway.port, onListen: () => {} },
        (request, info) => service ? service.fetch(request, info) : starting.clone(),
      );
    } catch (error) {
      throw new GatewayConfigError(
        `TICKETD_GATEWAY_PORT: cannot listen on ${gateway.host}:${gateway.port} (${
          (error as Error).message
        })`,
      );
    }
    service = await startGatewayService(gateway, { log: gatewayLog, dataDir: config.dataDir })
      .catch(async (error) => {
        await server.shutdown();
        throw error;
      });
    const url = `http://${gateway.host}:${server.addr.port}`;
    await Deno.writeTextFile(`${config.dataDir}/gateway.url`, url);
    gatewayLog.info("listening", { url, build: service.build });
    console.error(`Console (gateway) at ${gateway.publicUrl}: docs/console.md`);
    return { stop: () => server.shutdown() };
  };
}
