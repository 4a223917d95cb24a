/**
 * `deno task stack`: every Ticketd service as its own process, with TLS on every hop, against
 * the NATS, PostgreSQL and S3 of `NATS_URL`, `DATABASE_URL` and `TICKETD_S3_ENDPOINT`, or
 * private ones with TLS where those are not set (deploy/stack/stack_infrastructure.ts). Prints a
 * line per service when it is ready; SIGINT/SIGTERM stops them all; a service that exits, or
 * the private nats-server dying, stops the stack (exit 1): nothing is restarted silently (a
 * supervisor restarts the stack: docs/operations.md). Data in `TICKETD_DATA_DIR` (data/stack);
 * `<dataDir>/stack.env` (0600) tells the backup tools the servers; the first admin's password
 * and the dev admin token are printed here (and kept in `<dataDir>/shown-once.txt`, 0600),
 * never in the services' logs.
 * @module
 */
import { openStackInfrastructure } from "./stack/stack_infrastructure.ts";
import { type RunningService, spawnService, STACK_SERVICES } from "./stack/stack_services.ts";
import { StackError } from "./stack/stack_error.ts";
import { join } from "node:path";
import { STACK_ENV_FILE, writeStackEnv } from "./stack/stack_env.ts";
import { type ShownOnceTail, tailShownOnce } from "./stack/shown_once_tail.ts";
import { TlsSettingsError } from "@ticketd/shared/runtime/tls_settings.ts";
import { RuntimeError } from "@ticketd/shared/runtime/runtime_error.ts";
import { consoleRedirectUris } from "../services/gateway/config.ts";

/**
 * Runs the stack until a signal (resolves 0) or until a service exits or its private nats-server
 * dies (resolves 1).
 */
export async function runStack(env: Record<string, string | undefined>): Promise<number> {
  const dataDir = env.TICKETD_DATA_DIR || "data/stack";
  const host = env.TICKETD_HOST || "127.0.0.1";
  const { promise: signalled, resolve } = Promise.withResolvers<null>();
  const abort = new AbortController();
  signalled.then(() => abort.abort());
  for (const signal of ["SIGINT", "SIGTERM"] as const) {
    Deno.addSignalListener(signal, () => resolve(null));
  }
  await Deno.mkdir(dataDir, { recursive: true });
  const infra = await openStackInfrastructure(env, dataDir);
  for (const line of infra.started) console.error(line);
  const running: RunningService[] = [];
  let shown: ShownOnceTail | undefined;
  try {
    const stackEnv = await writeStackEnv(dataDir, infra.env);
    shown = await tailShownOnce(dataDir);
    const identityPort = env.TICKETD_IDENTITY_PORT || "8081";
    const identityUrl = `https://${host}:${identityPort}`;
    const gatewayUrl = `https://${host}:${env.TICKETD_GATEWAY_PORT || "8088"}`;
    const plan = {
      env: {
        ...definedOnly(env),
        ...infra.env,
        TICKETD_DATA_DIR: dataDir,
        TICKETD_HOST: host,
        // The services check every token against identity's deny list, fetched over HTTPS.
        TICKETD_REVOCATION_URL: `${identityUrl}/oauth/revoked`,
        // The gateway's OAuth paths go to identity; a first start registers its callbacks.
        TICKETD_GATEWAY_IDENTITY_URL: env.TICKETD_GATEWAY_IDENTITY_URL || identityUrl,
        ...bootstrapRedirectUris(env, identityUrl, gatewayUrl),
        // The projector on tickets' main thread, on the connections made with the explicit CA:
        // on its worker thread (which trusts DENO_CERT only) tickets took 10 s to stop over TLS.
        TICKETD_PROJECTOR_THREAD: env.TICKETD_PROJECTOR_THREAD || "inline",
        // Their stderr goes into their log files: the secrets for a person come here instead.
        TICKETD_SHOWN_ONCE_FILE: shown.path,
      },
      dataDir,
      tlsDir: infra.tlsDir,
      host,
      caCerts: [await Deno.readTextFile(infra.env.TICKETD_TLS_CA_FILE)],
      abort: abort.signal,
    };
    // A service still starting when a server dies is stopped (the abort), and the start fails.
    const serverDied = infra.died.then((why) => {
      abort.abort();
      throw new StackError("server_died", why);
    });
    serverDied.catch(() => {}); // handled by whichever wait sees it
    for (const service of STACK_SERVICES) {
      const pending = spawnService(service, plan);
      const started = await Promise.race([pending, signalled, serverDied]).catch(async (error) => {
        await pending.then((late) => late.stop(), () => {}); // stopped by the abort
        throw error;
      });
      if (!started) {
        await pending.then((late) => late.stop(), () => {}); // a stop while it was starting
        return 0;
      }
      running.push(started);
      console.error(`${service.name.padEnd(12)} ${started.url}  (${service.about})`);
    }
    console.error(
      `\nTicketd stack is running, TLS on every hop; CA ${infra.env.TICKETD_TLS_CA_FILE}  (Ctrl-C stops)`,
    );
    console.error(`Servers for deno task backup/restore --stack ${dataDir}: ${stackEnv} (0600)`);
    console.error(
      `First admin's password (first start only), admin token: printed here, kept in ${shown.path} (0600)`,
    );
    const exit = await Promise.race([
      signalled,
      infra.died.then((why) => ({ why })),
      ...running.map((service) =>
        service.exited.then((status) => ({
          why: `${service.name} exited (code ${status.code}). Log: ${service.logFile}`,
        }))
      ),
    ]);
    if (!exit) return 0;
    console.error(`stack: ${exit.why}; stopping the stack`);
    return 1;
  } finally {
    for (const service of running.reverse()) await service.stop();
    await shown?.stop();
    await infra.stop();
    // Its NATS token dies with this start.
    await Deno.remove(join(dataDir, STACK_ENV_FILE)).catch(() => {});
  }
}

/** The console's callbacks at the gateway, unless `TICKETD_IDENTITY_BOOTSTRAP_REDIRECT_URIS` is set. */
function bootstrapRedirectUris(
  env: Record<string, string | undefined>,
  identityUrl: string,
  gatewayUrl: string,
): Record<string, string> {
  if (env.TICKETD_IDENTITY_BOOTSTRAP_REDIRECT_URIS) return {};
  const uris = consoleRedirectUris({
    TICKETD_IDENTITY_ISSUER: identityUrl,
    TICKETD_GATEWAY_PUBLIC_URL: env.TICKETD_GATEWAY_PUBLIC_URL || gatewayUrl,
  });
  return uris ? { TICKETD_IDENTITY_BOOTSTRAP_REDIRECT_URIS: uris } : {};
}

function definedOnly(env: Record<string, string | undefined>): Record<string, string> {
  return Object.fromEntries(
    Object.entries(env).filter(([, value]) => value !== undefined),
  ) as Record<string, string>;
}

if (import.meta.main) {
  try {
    Deno.exit(await runStack(Deno.env.toObject()));
  } catch (error) {
    const known = [StackError, TlsSettingsError, RuntimeError];
    if (!known.some((kind) => error instanceof kind)) throw error;
    console.error(`stack: ${(error as Error).message}`);
    Deno.exit(1);
  }
}
