/**
 * Admin actions done with the command-line tools are ACTIVITY facts: `deno task identity:admin`
 * through the identity outbox (the tool runs as a subprocess on a fresh PostgreSQL database, the
 * real identity service drains it into a private nats-server), `deno task keys` directly.
 * @module
 */
import assert from "node:assert/strict";
import postgres from "postgres";
import { connect } from "@nats-io/transport-node";
import { jetstreamManager } from "@nats-io/jetstream";
import { recordedActivity } from "@ticketd/shared/activity/testing.ts";
import { startIdentity } from "../services/identity/main.ts";
import { createTestDatabase } from "./support/database.ts";
import { startTestNats } from "./support/nats.ts";

const ADMIN_TOOL = new URL("../services/identity/tools/admin.ts", import.meta.url).pathname;

async function runTool(path: string, args: string[], env: Record<string, string>) {
  const output = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", path, ...args],
    env,
    stdout: "piped",
    stderr: "piped",
  }).output();
  const text = (bytes: Uint8Array) => new TextDecoder().decode(bytes);
  return { code: output.code, stdout: text(output.stdout), stderr: text(output.stderr) };
}

Deno.test("identity:admin - a created client is a fact in ACTIVITY once identity runs, once after a restart", async () => {
  const db = await createTestDatabase();
  const nats = await startTestNats();
  const nc = await connect({ servers: nats.url });
  const sql = postgres(db.url, { max: 2, transform: postgres.camel, onnotice: () => {} });
  const dataDir = await Deno.makeTempDir({ prefix: "ticketd-activity-cli-" });
  const env = { TICKETD_DATA_DIR: dataDir, TICKETD_LOG_LEVEL: "error" };
  const identityEnv = {
    ...env,
    TICKETD_IDENTITY_PORT: "0",
    TICKETD_ACTIVITY_OUTBOX_INTERVAL_MS: "100",
  };
  try {
    const tool = await runTool(ADMIN_TOOL, [
      "add-client",
      "--tenant",
      "acme",
      "--client-id",
      "crm",
      "--grant",
      "client_credentials",
      "--role",
      "agent",
    ], { ...env, DATABASE_URL: db.url });
    assert.equal(tool.code, 0, tool.stderr);
    const [waiting] = await sql`select count(*)::int as n from identity_activity_outbox`;
    assert.equal(waiting.n, 1, "the change and its fact were committed together");

    const jsm = await jetstreamManager(nc);
    const first = await startIdentity(identityEnv, { sql, nc });
    const facts = await waitForFacts(jsm, "identity.client.created", 1);
    const [row] = await sql`select fact from identity_activity_outbox`;
    await first.stop();
    const [fact] = facts;
    assert.equal(fact.tenant, "acme");
    assert.deepEqual(fact.target, { type: "client", id: "crm" });
    assert.equal(fact.actor.role, "admin");
    assert.match(fact.actor.id, /^cli:.+/);
    assert.equal(fact.source.ip, null);
    assert.match(fact.source.requestId ?? "", /^cli-/);
    assert.deepEqual(fact.changes, {
      public: false,
      grantTypes: ["client_credentials"],
      scopes: ["tickets"],
      role: "agent",
      redirectUris: 0,
      name: true,
    });
    assert.equal(row, undefined, "the row is deleted after the ack");

    // A crash between the ack and the delete leaves the row: published again, stored once.
    const stored = JSON.stringify({ type: "ActivityRecorded", v: 1, data: fact });
    await sql`insert into identity_activity_outbox (id, fact, subject)
      values (${fact.id}, ${stored}, 'activity.acme.identity')`;
    const second = await startIdentity(identityEnv, { sql, nc });
    await waitFor(async () => (await sql`select 1 from identity_activity_outbox`).length === 0);
    await second.stop();
    assert.equal((await recordedActivity(jsm, "identity.client.created")).length, 1);
  } finally {
    await sql.end();
    await nc.close();
    await nats.stop();
    await db.drop();
    await Deno.remove(dataDir, { recursive: true });
  }
});

Deno.test("identity:admin - a refused change leaves no fact in the outbox", async () => {
  const db = await createTestDatabase();
  const dataDir = await Deno.makeTempDir({ prefix: "ticketd-activity-cli-" });
  const sql = postgres(db.url, { max: 1, onnotice: () => {} });
  try {
    const env = { TICKETD_DATA_DIR: dataDir, DATABASE_URL: db.url, TICKETD_LOG_LEVEL: "error" };
    const args = ["add-client", "--tenant", "acme", "--client-id", "crm", "--role", "agent"];
    assert.equal((await runTool(ADMIN_TOOL, args, env)).code, 0);
    const again = await runTool(ADMIN_TOOL, args, env);
    assert.equal(again.code, 1);
    assert.match(again.stderr, /exists/);
    const [outbox] = await sql`select count(*)::int as n from identity_activity_outbox`;
    assert.equal(outbox.n, 1, "only the first, committed change has a fact");
  } finally {
    await sql.end();
    await db.drop();
    await Deno.remove(dataDir, { recursive: true });
  }
});

async function waitForFacts(
  jsm: Awaited<ReturnType<typeof jetstreamManager>>,
  action: string,
  count: number,
) {
  let facts = await recordedActivity(jsm, action).catch(() => []);
  await waitFor(async () => {
    facts = await recordedActivity(jsm, action).catch(() => []);
    return facts.length >= count;
  });
  return facts;
}

async function waitFor(check: () => Promise<boolean>, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!await check()) {
    if (Date.now() > deadline) throw new Error("timed out waiting");
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
