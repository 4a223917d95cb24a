/**
 * The sessions service beside the tickets service (`deno task start`): its own HTTP port (the
 * chat widget's and the agent console's sockets), the tickets service's connections, keyring and
 * token checks. Listens at once (503 until ready).
 * Alone (`deno task stack`): `deno run -A services/sessions/main.ts`, deps from services/standalone.ts.
 * @module
 */
import { problem, problemResponse } from "@ticketd/shared/http/problem.ts";
import { httpScheme, serveTls } from "@ticketd/shared/runtime/tls_settings.ts";
import type { Follower } from "../tickets/main.ts";
import { runAlone } from "../standalone.ts";
import { loadSessionsConfig, SessionsConfigError } from "./config.ts";
import { type SessionsService, startSessionsService } from "./service.ts";

/** A {@link Follower} running sessions on `env`'s `TICKETD_SESSIONS_*` settings. */
export function sessionsFollower(env: Record<string, string | undefined>): Follower {
  return async ({ infra, log, keyring, verify, config }) => {
    const sessions = loadSessionsConfig(env);
    const sessionsLog = log.with({ service: "sessions" });
    let service: SessionsService | null = null;
    const starting = problemResponse(problem(503, "starting", "Sessions is starting"));
    let server: Deno.HttpServer<Deno.NetAddr>;
    try {
      server = Deno.serve(
        {
          hostname: sessions.host,
          port: sessions.port,
          onListen: () => {},
          ...serveTls(config.tls),
        },
        (request, info) =>
          service ? service.fetch(request, { remoteAddr: info.remoteAddr }) : starting.clone(),
      );
    } catch (error) {
      throw new SessionsConfigError(
        `TICKETD_SESSIONS_PORT: cannot listen on ${sessions.host}:${sessions.port} (${
          (error as Error).message
        })`,
      );
    }
    try {
      service = await startSessionsService(sessions, {
        nc: infra.nc,
        keyring,
        profiles: config.profiles,
        dataKeyCacheEntries: config.dataKeyCacheEntries,
        verify,
        env,
        log: sessionsLog,
      });
    } catch (error) {
      await server.shutdown();
      throw error;
    }
    const url = `${httpScheme(config.tls)}://${sessions.host}:${server.addr.port}`;
    await Deno.writeTextFile(`${config.dataDir}/sessions.url`, url);
    sessionsLog.info("listening", { url });
    console.error(`Sessions (chat) at ${url}: docs/sessions.md`);
    return {
      async stop() {
        // Shutdown waits for every response; an open SSE stream is one until it is ended.
        const closing = server.shutdown();
        service?.closeStreams();
        await closing;
        await service?.stop();
      },
    };
  };
}

if (import.meta.main) await runAlone("sessions", sessionsFollower(Deno.env.toObject()));
