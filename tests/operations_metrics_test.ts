/**
 * Operations on the real services (`services/main.ts` as a process on a private NATS and a fresh
 * database): every service answers `/healthz`, `/readyz` and `/metrics`; request counters and
 * histograms count exactly the requests made; consumer and projection lag reach 0 once caught
 * up; `/readyz` is 503 while NATS is away and 200 once it is back.
 * @module
 */
import assert from "node:assert/strict";
import { loadOrCreateDevKeys, mintDevToken } from "@ticketd/shared/http/dev_keys.ts";
import { freePort } from "@ticketd/shared/runtime/free_port.ts";
import { startPrivateNats } from "@ticketd/shared/runtime/private_nats.ts";
import { createTestDatabase } from "./support/database.ts";

const FOLLOWERS = ["routing", "sessions", "attachments", "audit", "email-http"] as const;
const WAIT_MS = 90_000; // two cores shared with other test runs: starts can be slow

/** The samples of a scrape by `name{labels}` exactly as written (labels in declared order). */
function parseMetrics(text: string): Map<string, number> {
  const samples = new Map<string, number>();
  for (const line of text.split("\n")) {
    if (line === "" || line.startsWith("#")) continue;
    const space = line.lastIndexOf(" ");
    samples.set(line.slice(0, space), Number(line.slice(space + 1)));
  }
  return samples;
}

async function scrape(url: string): Promise<Map<string, number>> {
  const response = await fetch(`${url}/metrics`);
  assert.equal(response.status, 200, url);
  assert.equal(response.headers.get("content-type"), "text/plain; version=0.0.4; charset=utf-8");
  return parseMetrics(await response.text());
}

async function eventually<T>(what: string, probe: () => Promise<T | undefined>): Promise<T> {
  const deadline = Date.now() + WAIT_MS;
  let last: unknown;
  for (;;) {
    try {
      const value = await probe();
      if (value !== undefined) return value;
    } catch (error) {
      last = error;
    }
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what} (${last ?? ""})`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

async function readyStatus(url: string): Promise<[number, { checks?: Record<string, string> }]> {
  const response = await fetch(`${url}/readyz`, { signal: AbortSignal.timeout(10_000) });
  return [response.status, await response.json()];
}

interface Stack {
  urls: Record<string, string>;
  dataDir: string;
  restartNats(): Promise<void>;
  stopNats(): Promise<void>;
  stop(): Promise<void>;
}

async function startStack(): Promise<Stack> {
  const storeDir = await Deno.makeTempDir({ prefix: "ticketd_ops_nats_" });
  let nats = await startPrivateNats({ storeDir });
  const natsPort = Number(new URL(nats.url).port);
  const db = await createTestDatabase();
  const dataDir = await Deno.makeTempDir({ prefix: "ticketd-ops-" });
  const [ticketsPort, identityPort, gatewayPort] = [freePort(), freePort(), freePort()];
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", "--unstable-net", "--unstable-worker-options", "services/main.ts"],
    cwd: new URL("..", import.meta.url).pathname,
    env: {
      NATS_URL: nats.url,
      DATABASE_URL: db.url,
      TICKETD_DATA_DIR: dataDir,
      TICKETD_PORT: String(ticketsPort),
      TICKETD_IDENTITY_PORT: String(identityPort),
      TICKETD_IDENTITY_BOOTSTRAP_PASSWORD: "admin-password-1",
      TICKETD_GATEWAY_PORT: String(gatewayPort),
      TICKETD_ROUTING_PORT: "0",
      TICKETD_SESSIONS_PORT: "0",
      TICKETD_ATTACHMENTS_PORT: "0",
      TICKETD_AUDIT_PORT: "0",
      TICKETD_EMAIL_SMTP_PORT: "0",
      TICKETD_EMAIL_HTTP_PORT: "0",
      TICKETD_WEBHOOKS_PORT: "0",
      TICKETD_REPORTS_PORT: "0",
      TICKETD_LOG_LEVEL: "warn",
    },
    stdout: "null",
    stderr: "piped",
  }).spawn();
  const stderr = new Response(child.stderr).text();
  const urls: Record<string, string> = {
    tickets: `http://127.0.0.1:${ticketsPort}`,
    identity: `http://127.0.0.1:${identityPort}`,
    gateway: `http://127.0.0.1:${gatewayPort}`,
  };
  const stop = async () => {
    try {
      child.kill("SIGTERM");
    } catch {
      // it already exited
    }
    await child.status;
    await stderr;
    await nats.stop();
    await db.drop();
    await Deno.remove(dataDir, { recursive: true }).catch(() => {});
    await Deno.remove(storeDir, { recursive: true }).catch(() => {});
  };
  try {
    await eventually(
      "the tickets service",
      async () => (await readyStatus(urls.tickets))[0] === 200 || undefined,
    );
    for (const name of FOLLOWERS) {
      urls[name] = await eventually(
        `${name}.url`,
        async () => (await Deno.readTextFile(`${dataDir}/${name}.url`)).trim() || undefined,
      );
    }
    await eventually(
      "the gateway",
      async () => (await fetch(`${urls.gateway}/healthz`)).ok || undefined,
    );
  } catch (error) {
    await stop();
    throw new Error(`${error}\n${await stderr}`);
  }
  return {
    urls,
    dataDir,
    stopNats: () => nats.stop(),
    async restartNats() {
      nats = await startPrivateNats({ storeDir, port: natsPort });
    },
    stop,
  };
}

const options = { sanitizeResources: false, sanitizeOps: false };

Deno.test(
  "operations - every service answers /healthz, /readyz and /metrics; counters, histograms and lag are exact",
  options,
  async () => {
    const stack = await startStack();
    try {
      for (const [name, url] of Object.entries(stack.urls)) {
        assert.deepEqual(await (await fetch(`${url}/healthz`)).json(), { status: "ok" }, name);
        await eventually(
          `${name} ready`,
          async () => (await readyStatus(url))[0] === 200 || undefined,
        );
        const samples = await scrape(url);
        assert.ok((samples.get("process_resident_memory_bytes") ?? 0) > 0, name);
        assert.ok(samples.has("process_start_time_seconds"), name);
        for (const key of samples.keys()) {
          assert.ok(!key.includes("tenant"), `${name}: ${key}`);
        }
      }

      const tickets = stack.urls.tickets;
      const token = await mintDevToken(await loadOrCreateDevKeys(stack.dataDir), {
        sub: "ops-customer",
        tenant: "demo",
        role: "customer",
      } as never);
      const created = 'service="tickets",method="POST",route="/v1/tickets",status="201"';
      const read = 'service="tickets",method="GET",route="/v1/tickets/:id",status="200"';
      const before = await scrape(tickets);
      const made: { id: string; version: number }[] = [];
      for (let i = 0; i < 3; i++) {
        const response = await fetch(`${tickets}/v1/tickets`, {
          method: "POST",
          headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
          body: JSON.stringify({ subject: `Metrics ${i}`, body: "Counting requests." }),
        });
        assert.equal(response.status, 201);
        made.push(await response.json());
      }
      for (const { id, version } of made.slice(0, 2)) {
        const response = await fetch(`${tickets}/v1/tickets/${id}?min_version=${version}`, {
          headers: { authorization: `Bearer ${token}` },
        });
        assert.equal(response.status, 200);
        await response.body?.cancel();
      }
      const after = await scrape(tickets);
      const grew = (key: string) => (after.get(key) ?? 0) - (before.get(key) ?? 0);
      assert.equal(grew(`ticketd_http_requests_total{${created}}`), 3);
      assert.equal(grew(`ticketd_http_request_duration_seconds_count{${created}}`), 3);
      assert.equal(grew(`ticketd_http_request_duration_seconds_bucket{${created},le="+Inf"}`), 3);
      assert.equal(grew(`ticketd_http_requests_total{${read}}`), 2);
      for (const key of after.keys()) assert.ok(!key.includes(made[0].id), key);

      // Routing may still act on the new tickets (its commands are commits too): wait for quiet.
      const projected = 'projection="ticket-read-model",stream="TICKETS"';
      await eventually("the read model caught up", async () => {
        const now = await scrape(tickets);
        const lag = now.get(`ticketd_projection_lag_messages{${projected}}`);
        const pending = now.get(
          'ticketd_jetstream_consumer_pending_messages{stream="TICKETS",consumer="ticket-read-model"}',
        );
        return lag === 0 && pending === 0 || undefined;
      });
      const position = (await scrape(tickets)).get(`ticketd_projection_position{${projected}}`) ??
        0;
      assert.ok(position >= made[2].version, `position ${position}`);
      await eventually("routing, audit and email caught up", async () => {
        const routing = await scrape(stack.urls.routing);
        const audit = await scrape(stack.urls.audit);
        const feed = routing.get(
          'ticketd_jetstream_consumer_pending_messages{stream="TICKETS",consumer="routing-feed"}',
        );
        const written = audit.get('ticketd_audit_lag_messages{stream="TICKETS"}');
        const durable = audit.get(
          'ticketd_jetstream_consumer_pending_messages{stream="TICKETS",consumer="audit-tickets"}',
        );
        const numbers = (await scrape(stack.urls["email-http"])).get(
          'ticketd_jetstream_consumer_pending_messages{stream="TICKETS",consumer="email-ticket-numbers"}',
        );
        return feed === 0 && written === 0 && durable === 0 && numbers === 0 || undefined;
      });

      const gateway = await fetch(`${stack.urls.gateway}/api/tickets/metrics`);
      assert.equal(gateway.status, 404);
      assert.equal((await gateway.json()).code, "not_found");
    } finally {
      await stack.stop();
    }
  },
);

Deno.test(
  "operations - /readyz is 503 naming NATS while it is away, 200 once it is back",
  options,
  async () => {
    const stack = await startStack();
    const withNats = Object.entries(stack.urls).filter(([name]) => name !== "gateway");
    try {
      for (const [name, url] of withNats) {
        await eventually(
          `${name} ready`,
          async () => (await readyStatus(url))[0] === 200 || undefined,
        );
      }
      await stack.stopNats();
      try {
        for (const [name, url] of withNats) {
          const [status, body] = await eventually(`${name} unready`, async () => {
            const answer = await readyStatus(url);
            return answer[0] === 503 ? answer : undefined;
          });
          assert.equal(status, 503, name);
          assert.equal(body.checks?.nats, "down", name);
          assert.equal((await fetch(`${url}/healthz`)).status, 200, `${name}: alive without NATS`);
        }
        // A scrape without NATS still answers: what could not be read is left out and counted.
        const scraped = await scrape(stack.urls.tickets);
        assert.ok(
          (scraped.get('ticketd_metrics_collect_errors_total{collector="jetstream_consumers"}') ??
            0) >=
            1,
        );
      } finally {
        await stack.restartNats();
      }
      for (const [name, url] of withNats) {
        await eventually(
          `${name} ready again`,
          async () => (await readyStatus(url))[0] === 200 || undefined,
        );
      }
    } finally {
      await stack.stop();
    }
  },
);
