/**
 * The webhooks service beside the tickets service (`deno task start`): its own HTTP port
 * (`TICKETD_WEBHOOKS_PORT`), the tickets service's connections, keyring, profiles and token
 * checks. Listens at once (503 until ready).
 * Alone (`deno task stack`): `deno run -A services/webhooks/main.ts`, deps from
 * services/standalone.ts.
 * @module
 */
import type { Follower } from "../tickets/main.ts";
import { serveFollower } from "../follower_http.ts";
import { runAlone } from "../standalone.ts";
import { loadWebhooksConfig, WebhooksConfigError } from "./config.ts";
import { startWebhooksService } from "./service.ts";

/** A {@link Follower} running webhooks on `env`'s `TICKETD_WEBHOOKS_*` settings. */
export function webhooksFollower(env: Record<string, string | undefined>): Follower {
  return async ({ infra, log, keyring, verify, config }) => {
    const settings = loadWebhooksConfig(env);
    const webhooksLog = log.with({ service: "webhooks" });
    const { server, service, url } = await serveFollower({
      name: "webhooks",
      title: "Webhooks",
      host: settings.host,
      port: settings.port,
      portSetting: "TICKETD_WEBHOOKS_PORT",
      configError: (message) => new WebhooksConfigError(message),
      tls: config.tls,
      dataDir: config.dataDir,
      log: webhooksLog,
      start: () =>
        startWebhooksService(settings, {
          nc: infra.nc,
          sql: infra.sql,
          keyring,
          profiles: config.profiles,
          verify,
          ticketStream: config.stream.name,
          log: webhooksLog,
          activity: config.activity,
          address: config.rateLimits,
          operations: config.operations,
        }),
    });
    console.error(`Webhooks at ${url}: docs/webhooks.md`);
    return {
      async stop() {
        await server.shutdown();
        await service.stop();
      },
    };
  };
}

if (import.meta.main) await runAlone("webhooks", webhooksFollower(Deno.env.toObject()));
