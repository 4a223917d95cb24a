/**
 * Routing instances for integration tests, beside a tickets harness: each on its own NATS
 * connection to the harness's private nats-server and on the harness's database, checking the
 * same dev tokens. Requests go straight to the Hono app.
 * @module
 */
import { connect } from "@nats-io/transport-node";
import { createLogger } from "@ticketd/shared/log/logger.ts";
import { loadRoutingConfig } from "../../services/routing/config.ts";
import { type RoutingService, startRoutingService } from "../../services/routing/service.ts";
import { type Caller, customFields, type Harness } from "./tickets_harness.ts";

export interface RoutingInstance {
  service: RoutingService;
  call(
    who: Caller,
    method: string,
    path: string,
    body?: unknown,
    headers?: Record<string, string>,
  ): Promise<Response>;
  stop(): Promise<void>;
}

/** Starts a routing instance and waits until it has caught up with the ticket stream. */
export async function startRouting(
  h: Harness,
  env: Record<string, string> = {},
  { tenantModelsDir = null }: { tenantModelsDir?: string | null } = {},
): Promise<RoutingInstance> {
  const config = loadRoutingConfig({ TICKETD_ROUTING_PRESENCE_TTL_SECONDS: "3", ...env });
  const nc = await connect({ servers: h.natsUrl });
  const service = await startRoutingService(config, {
    nc,
    sql: h.sql,
    keyring: h.keyring,
    profiles: h.config.profiles,
    dataKeyCacheEntries: 1_000,
    verify: h.verify,
    customFields,
    tenantModelsDir,
    ticketStream: h.config.stream.name,
    log: createLogger("error", { service: "routing-test" }),
  });
  await service.caughtUp;
  return {
    service,
    async call(who, method, path, body, headers = {}) {
      const init: RequestInit = {
        method,
        headers: { authorization: `Bearer ${await h.token(who)}`, ...headers },
      };
      if (body !== undefined) {
        init.body = JSON.stringify(body);
        (init.headers as Record<string, string>)["content-type"] = "application/json";
      }
      return await service.fetch(new Request(`http://routing.test${path}`, init));
    },
    async stop() {
      await service.stop();
      await nc.drain().catch(() => {});
    },
  };
}

/** Polls `probe` until it returns a value (not undefined), or fails after `timeoutMs`. */
export async function eventually<T>(
  what: string,
  probe: () => Promise<T | undefined>,
  timeoutMs = 10_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
