/**
 * The sessions service beside the tickets service (`deno task start`): its own HTTP port (the
 * chat widget's and the agent console's sockets), the tickets service's connections, keyring and
 * token checks. Listens at once (503 until ready).
 * Alone (`deno task stack`): `deno run -A services/sessions/main.ts`, deps from services/standalone.ts.
 * @module
 */
import type { Follower } from "../tickets/main.ts";
import { serveFollower } from "../follower_http.ts";
import { runAlone } from "../standalone.ts";
import { loadSessionsConfig, SessionsConfigError } from "./config.ts";
import { startSessionsService } from "./service.ts";

/** A {@link Follower} running sessions on `env`'s `TICKETD_SESSIONS_*` settings. */
export function sessionsFollower(env: Record<string, string | undefined>): Follower {
  return async ({ infra, log, keyring, verify, config }) => {
    const sessions = loadSessionsConfig(env);
    const sessionsLog = log.with({ service: "sessions" });
    const { server, service, url } = await serveFollower({
      name: "sessions",
      title: "Sessions",
      host: sessions.host,
      port: sessions.port,
      portSetting: "TICKETD_SESSIONS_PORT",
      configError: (message) => new SessionsConfigError(message),
      tls: config.tls,
      dataDir: config.dataDir,
      log: sessionsLog,
      start: () =>
        startSessionsService(sessions, {
          nc: infra.nc,
          keyring,
          profiles: config.profiles,
          dataKeyCacheEntries: config.dataKeyCacheEntries,
          verify,
          env,
          log: sessionsLog,
          operations: config.operations,
        }),
    });
    console.error(`Sessions (chat) at ${url}: docs/sessions.md`);
    return {
      async stop() {
        // Shutdown waits for every response; an open SSE stream is one until it is ended.
        const closing = server.shutdown();
        service.closeStreams();
        await closing;
        await service.stop();
      },
    };
  };
}

if (import.meta.main) await runAlone("sessions", sessionsFollower(Deno.env.toObject()));
