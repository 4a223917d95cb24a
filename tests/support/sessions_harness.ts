/**
 * A sessions instance for integration tests, beside a tickets harness (and routing, when a test
 * wants it): served on a free port so real WebSockets can connect, on its own NATS connection,
 * checking the harness's dev tokens.
 * @module
 */
import { connect } from "@nats-io/transport-node";
import { createLogger } from "@ticketd/shared/log/logger.ts";
import { loadSessionsConfig, type SessionsConfig } from "../../services/sessions/config.ts";
import { type SessionsService, startSessionsService } from "../../services/sessions/service.ts";
import { TestSocket } from "../../services/sessions/http/testing.ts";
import type { Caller, Harness } from "./tickets_harness.ts";

export interface SessionsInstance {
  service: SessionsService;
  url: string;
  /** A WebSocket authenticated as `who` (after its `ready` frame). */
  socket(who: Caller): Promise<TestSocket>;
  call(who: Caller, method: string, path: string, body?: unknown): Promise<Response>;
  stop(): Promise<void>;
}

export async function startSessions(
  h: Harness,
  overrides: Partial<SessionsConfig> = {},
): Promise<SessionsInstance> {
  const config = { ...loadSessionsConfig({}), ...overrides };
  const nc = await connect({ servers: h.natsUrl });
  const service = await startSessionsService(config, {
    nc,
    keyring: h.keyring,
    profiles: h.config.profiles,
    dataKeyCacheEntries: 1_000,
    verify: h.verify,
    env: {},
    log: createLogger("error", { service: "sessions-test" }),
  });
  const server = Deno.serve(
    { hostname: "127.0.0.1", port: 0, onListen: () => {} },
    (request, info) => service.fetch(request, { remoteAddr: info.remoteAddr }),
  );
  const url = `http://127.0.0.1:${server.addr.port}`;
  return {
    service,
    url,
    async socket(who) {
      const client = new TestSocket(`ws://127.0.0.1:${server.addr.port}/sessions/socket`);
      await client.opened;
      client.send({ type: "auth", token: await h.token(who) });
      await client.next((f) => f.type === "ready");
      return client;
    },
    async call(who, method, path, body) {
      const headers: Record<string, string> = { authorization: `Bearer ${await h.token(who)}` };
      if (body !== undefined) headers["content-type"] = "application/json";
      const payload = body === undefined ? undefined : JSON.stringify(body);
      return await fetch(`${url}${path}`, { method, headers, body: payload });
    },
    async stop() {
      await server.shutdown();
      await service.stop();
      await nc.drain().catch(() => {});
    },
  };
}
