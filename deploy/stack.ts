/**
 * `deno task stack`: every Ticketd service as its own process, with TLS on every hop, against
 * the NATS, PostgreSQL and S3 of `NATS_URL`, `DATABASE_URL` and `TICKETD_S3_ENDPOINT`, or
 * private ones with TLS where those are not set (deploy/stack/stack_infrastructure.ts). Prints a
 * line per service when it is ready; SIGINT/SIGTERM stops them all; a service that exits stops
 * the stack (exit 1): nothing is restarted silently. Data in `TICKETD_DATA_DIR` (data/stack).
 * @module
 */
import { openStackInfrastructure } from "./stack/stack_infrastructure.ts";
import { type RunningService, spawnService, STACK_SERVICES } from "./stack/stack_services.ts";
import { StackError } from "./stack/stack_error.ts";
import { TlsSettingsError } from "@ticketd/shared/runtime/tls_settings.ts";
import { RuntimeError } from "@ticketd/shared/runtime/runtime_error.ts";
import { consoleRedirectUris } from "../services/gateway/config.ts";

/** Runs the stack until a signal (resolves 0) or until a service exits (resolves 1). */
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
  try {
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
      },
      dataDir,
      tlsDir: infra.tlsDir,
      host,
      caCerts: [await Deno.readTextFile(infra.env.TICKETD_TLS_CA_FILE)],
      abort: abort.signal,
    };
    for (const service of STACK_SERVICES) {
      const pending = spawnService(service, plan);
      const started = await Promise.race([pending, signalled]);
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
    const exit = await Promise.race([
      signalled,
      ...running.map((service) => service.exited.then((status) => ({ service, status }))),
    ]);
    if (!exit) return 0;
    console.error(
      `stack: ${exit.service.name} exited (code ${exit.status.code}); stopping the stack. Log: ${exit.service.logFile}`,
    );
    return 1;
  } finally {
    for (const service of running.reverse()) await service.stop();
    await infra.stop();
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
