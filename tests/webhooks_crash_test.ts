/**
 * The webhooks service as a process of its own (services/webhooks/main.ts), killed with SIGKILL
 * in the middle of a stream and started again: every event still arrives, under the same
 * event id, and no delivery the killed process had recorded as delivered is sent again.
 * @module
 */
import assert from "node:assert/strict";
import { loadOrCreateDevKeys, mintDevToken } from "@ticketd/shared/http/dev_keys.ts";
import { startReceiver, startWebhooksTestBed, until } from "../services/webhooks/testing.ts";

const MAIN = new URL("../services/webhooks/main.ts", import.meta.url).pathname;

function spawnWebhooks(env: Record<string, string>): Deno.ChildProcess {
  return new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", "--unstable-net", MAIN],
    env: { ...env, TICKETD_LOG_LEVEL: "error" },
    stdout: "null",
    stderr: "null",
  }).spawn();
}

async function urlOf(dataDir: string): Promise<string> {
  let url = "";
  await until("webhooks.url", async () => {
    url = await Deno.readTextFile(`${dataDir}/webhooks.url`).catch(() => "");
    return url !== "";
  }, 60_000);
  return url.trim();
}

Deno.test("webhooks process - SIGKILL mid-stream, then a restart: every event arrives, no recorded delivery twice", async () => {
  const bed = await startWebhooksTestBed();
  const dataDir = await Deno.makeTempDir({ prefix: "ticketd-webhooks-crash-" });
  const receiver = startReceiver();
  const env = {
    NATS_URL: bed.nats.url,
    DATABASE_URL: bed.db.url,
    TICKETD_DATA_DIR: dataDir,
    TICKETD_WEBHOOKS_PORT: "0",
    TICKETD_WEBHOOKS_ALLOW_LOOPBACK_HTTP: "1",
    TICKETD_WEBHOOKS_POLL_MS: "100",
    TICKETD_WEBHOOKS_ENDPOINT_CONCURRENCY: "1",
  };
  let child = spawnWebhooks(env);
  try {
    const token = await mintDevToken(await loadOrCreateDevKeys(dataDir), {
      sub: "admin-1",
      tenant: "acme",
      role: "admin",
    });
    const url = await urlOf(dataDir);
    const made = await fetch(`${url}/v1/webhooks`, {
      method: "POST",
      headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
      body: JSON.stringify({ url: receiver.url, eventTypes: ["ticket.*"] }),
    });
    assert.equal(made.status, 201);
    await made.body?.cancel();
    const ids: string[] = [];
    // The feed starts at the stream's end once it runs: wait until it does.
    await until("the feed", async () => {
      const [row] = await bed.sql`select seq from webhook_feed_positions where stream = 'TICKETS'`;
      return row !== undefined;
    }, 60_000);
    for (let i = 0; i < 60; i++) ids.push(`TICKETS:${await bed.publishCommit("acme", "5")}:0`);
    await until("some deliveries", () => receiver.received.length >= 10, 60_000);
    child.kill("SIGKILL");
    await child.status;
    const recorded = (await bed.sql<{ eventId: string }[]>`
      select event_id from webhook_deliveries where status = 'succeeded'`).map((r) => r.eventId);
    for (let i = 0; i < 20; i++) ids.push(`TICKETS:${await bed.publishCommit("acme", "5")}:0`);
    await Deno.remove(`${dataDir}/webhooks.url`);
    child = spawnWebhooks(env);
    // The killed process's writer lease must expire first (TTL 30 s).
    await until(
      "every event",
      () =>
        new Set(receiver.received.map((r) => r.headers.get("ticketd-event-id"))).size ===
          ids.length,
      90_000,
    );
    await new Promise((resolve) => setTimeout(resolve, 500));
    const times = new Map<string, number>();
    for (const r of receiver.received) {
      const id = r.headers.get("ticketd-event-id")!;
      times.set(id, (times.get(id) ?? 0) + 1);
    }
    assert.deepEqual([...times.keys()].sort(), [...ids].sort());
    assert.ok(recorded.length >= 10);
    for (const id of recorded) assert.equal(times.get(id), 1, `${id} was delivered again`);
    const [{ count }] = await bed.sql`select count(*)::int as count from webhook_deliveries`;
    assert.equal(count, ids.length);
    const resent = [...times.values()].filter((n) => n > 1).length;
    console.log(
      `killed after ${recorded.length} recorded deliveries; ${resent} sent twice (not recorded when killed)`,
    );
  } finally {
    try {
      child.kill("SIGKILL");
    } catch {
      // already exited
    }
    await child.status;
    await receiver.stop();
    await bed.stop();
    await Deno.remove(dataDir, { recursive: true }).catch(() => {});
  }
});
