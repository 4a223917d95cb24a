/**
 * A follower's HTTP front (audit, routing, sessions, attachments, email's probes): it listens at
 * once, answering 503 `starting` until its service has started, so a client that comes early
 * learns to retry rather than finding nothing; then it writes `<data dir>/<name>.url` for the
 * tools and tests.
 * @module
 */
import { problem, problemResponse } from "@ticketd/shared/http/problem.ts";
import type { Logger } from "@ticketd/shared/log/logger.ts";
import { httpScheme, serveTls, type TlsSettings } from "@ticketd/shared/runtime/tls_settings.ts";

/** What a started service answers: the connection's address reaches it as Hono's env. */
export interface Served {
  fetch(request: Request, env: { remoteAddr: Deno.NetAddr }): Response | Promise<Response>;
}

export interface FollowerHttp<S extends Served> {
  /** `audit`: names `audit.url` in the data folder. */
  name: string;
  /** `Audit`: "Audit is starting". */
  title: string;
  host: string;
  port: number;
  /** The setting named when the port cannot be had, e.g. `TICKETD_AUDIT_PORT`. */
  portSetting: string;
  /** The service's own config error, so a busy port is one line at start (start_failure.ts). */
  configError: (message: string) => Error;
  tls: TlsSettings;
  dataDir: string;
  log: Logger;
  start: () => Promise<S>;
  /** Undoes what was set up for the service when listening or starting fails. */
  release?: () => Promise<void>;
}

/** Listens, starts the service and serves it; on failure nothing is left listening. */
export async function serveFollower<S extends Served>(
  spec: FollowerHttp<S>,
): Promise<{ server: Deno.HttpServer<Deno.NetAddr>; service: S; url: string }> {
  const release = spec.release ?? (() => Promise.resolve());
  let service: S | null = null;
  const starting = problemResponse(problem(503, "starting", `${spec.title} is starting`));
  let server: Deno.HttpServer<Deno.NetAddr>;
  try {
    server = Deno.serve(
      { hostname: spec.host, port: spec.port, onListen: () => {}, ...serveTls(spec.tls) },
      (request, info) =>
        service ? service.fetch(request, { remoteAddr: info.remoteAddr }) : starting.clone(),
    );
  } catch (error) {
    await release();
    throw spec.configError(
      `${spec.portSetting}: cannot listen on ${spec.host}:${spec.port} (${
        (error as Error).message
      })`,
    );
  }
  try {
    service = await spec.start();
  } catch (error) {
    await server.shutdown();
    await release();
    throw error;
  }
  const url = `${httpScheme(spec.tls)}://${spec.host}:${server.addr.port}`;
  await Deno.writeTextFile(`${spec.dataDir}/${spec.name}.url`, url);
  spec.log.info("listening", { url });
  return { server, service, url };
}
