/**
 * A follower service (routing, sessions, attachments, audit, email, webhooks) as a process of
 * its own,
 * for `deno task stack` and Compose: the connections, keyring, token checks, tickets config and
 * custom fields that `services/main.ts` hands it beside the tickets service, built here from the
 * environment. It serves until SIGINT/SIGTERM; a bad setting is one line and exit code 1.
 * @module
 */
import { honouringDenyList } from "@ticketd/shared/http/revocation.ts";
import { createLogger, type Logger } from "@ticketd/shared/log/logger.ts";
import { type Infrastructure, openInfrastructure } from "@ticketd/shared/runtime/infrastructure.ts";
import { loadKeyring, loadVerification } from "@ticketd/shared/runtime/secrets.ts";
import { loadConfig, type TicketsConfig } from "./tickets/config.ts";
import { loadCustomFields } from "./tickets/custom_fields_file.ts";
import { type Follower, guardStop, startDenyList } from "./tickets/main.ts";
import { listenForStop } from "@ticketd/shared/runtime/stop_signal.ts";
import { startFailureMessage } from "./start_failure.ts";

type FollowerDeps = Parameters<Follower>[0];

/** Runs `follower` alone on `env` until a termination signal; exits 1 on a known start failure. */
export async function runAlone(
  service: string,
  follower: Follower,
  env: Record<string, string | undefined> = Deno.env.toObject(),
): Promise<void> {
  try {
    await serveAlone(service, follower, env);
    // Everything has stopped in order; timers client libraries leave behind are not waited for.
    Deno.exit(0);
  } catch (error) {
    const message = startFailureMessage(error);
    if (message === null) throw error;
    console.error(`ticketd ${service}: ${message}`);
    Deno.exit(1);
  }
}

async function serveAlone(
  service: string,
  follower: Follower,
  env: Record<string, string | undefined>,
): Promise<void> {
  const config = loadConfig(env);
  const log = createLogger(config.logLevel, { service });
  const stop = listenForStop();
  const infra = await openInfrastructure(config, log).catch(async (error) => {
    await log.flush(); // what it logged before failing, ahead of the exit
    throw error;
  });
  const stops: (() => void)[] = [];
  let running: { stop(): Promise<void> } | null = null;
  try {
    running = await follower(await followerDeps(config, infra, log, stops));
    await stop.received;
    log.info("stopping");
  } finally {
    guardStop(stop, config, log);
    await running?.stop().catch(() => {});
    for (const stop of stops) stop();
    await infra.stop();
    await log.flush();
    stop.dispose();
  }
}

/** What a follower gets beside the tickets service, here from `config` alone. */
async function followerDeps(
  config: TicketsConfig,
  infra: Infrastructure,
  log: Logger,
  stops: (() => void)[],
): Promise<FollowerDeps> {
  const { verify: configured } = await loadVerification(config);
  const verify = config.revocation
    ? honouringDenyList(configured, await startDenyList(config.revocation, log, stops, config.tls))
    : configured;
  const keyring = await loadKeyring(config, log);
  const customFields = await loadCustomFields(config.customFieldsFile);
  return { infra, log, keyring, verify, config, customFields };
}
