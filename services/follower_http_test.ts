import assert from "node:assert/strict";
import { createLogger } from "@ticketd/shared/log/logger.ts";
import { freePort } from "@ticketd/shared/runtime/free_port.ts";
import { type FollowerHttp, type Served, serveFollower } from "./follower_http.ts";

class PortError extends Error {}

async function withDataDir(fn: (dataDir: string) => Promise<void>): Promise<void> {
  const dataDir = await Deno.makeTempDir({ prefix: "ticketd_follower_http_test_" });
  try {
    await fn(dataDir);
  } finally {
    await Deno.remove(dataDir, { recursive: true });
  }
}

function spec<S extends Served>(
  dataDir: string,
  start: () => Promise<S>,
  more: Partial<FollowerHttp<S>> = {},
): FollowerHttp<S> {
  return {
    name: "probe",
    title: "Probe",
    host: "127.0.0.1",
    port: 0,
    portSetting: "TICKETD_PROBE_PORT",
    configError: (message) => new PortError(message),
    tls: {},
    dataDir,
    log: createLogger("error", { service: "follower-http-test" }),
    start,
    ...more,
  };
}

Deno.test("serveFollower - answers 503 starting until the service has started, then serves it and writes <name>.url", () =>
  withDataDir(async (dataDir) => {
    const { promise: started, resolve: startNow } = Promise.withResolvers<void>();
    const service: Served = { fetch: (_request, env) => Response.json(env.remoteAddr.hostname) };
    const port = freePort();
    const serving = serveFollower(spec(dataDir, () => started.then(() => service), { port }));
    const early = await fetch(`http://127.0.0.1:${port}/`);
    assert.equal(early.status, 503);
    assert.equal((await early.json()).code, "starting");
    startNow();
    const { server, url } = await serving;
    assert.equal(await Deno.readTextFile(`${dataDir}/probe.url`), url);
    assert.equal(await (await fetch(url)).json(), "127.0.0.1");
    await server.shutdown();
  }));

Deno.test("serveFollower - a busy port is the service's config error naming the setting, and what was set up is released", () =>
  withDataDir(async (dataDir) => {
    const busy = Deno.listen({ hostname: "127.0.0.1", port: 0 });
    let released = 0;
    try {
      await assert.rejects(
        serveFollower(spec(dataDir, () => Promise.reject(new Error("not reached")), {
          port: busy.addr.port,
          release: () => Promise.resolve(void released++),
        })),
        (error) =>
          error instanceof PortError && /^TICKETD_PROBE_PORT: cannot listen/.test(error.message),
      );
      assert.equal(released, 1);
    } finally {
      busy.close();
    }
  }));

Deno.test("serveFollower - a service that fails to start leaves nothing listening and is released", () =>
  withDataDir(async (dataDir) => {
    const port = freePort();
    let released = 0;
    await assert.rejects(
      serveFollower(spec(dataDir, () => Promise.reject(new Error("no database")), {
        port,
        release: () => Promise.resolve(void released++),
      })),
      /no database/,
    );
    assert.equal(released, 1);
    Deno.listen({ hostname: "127.0.0.1", port }).close(); // the port is free again
  }));
