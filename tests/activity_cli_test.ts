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
import { parseKeyring } from "@ticketd/shared/crypto/keyring.ts";
import { parseTenantProfiles } from "@ticketd/shared/crypto/profiles.ts";
import { openEnvelope } from "@ticketd/shared/keys/open_envelope.ts";
import { startIdentity } from "../services/identity/main.ts";
import { createTestDatabase } from "./support/database.ts";
import { startTestNats } from "./support/nats.ts";

const ADMIN_TOOL = new URL("../services/identity/tools/admin.ts", import.meta.url).pathname;
const KEYS_TOOL = new URL("../services/tickets/tools/keys.ts", import.meta.url).pathname;

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
    const waiting = await sql`select id::text from identity_activity_outbox`;
    assert.equal(waiting.length, 1, "the change and its fact were committed together");

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
    // The tool shares the service's worker id: the fact is published under the service's own id.
    assert.notEqual(fact.id, waiting[0].id);

    // A crash between the ack and the delete leaves the row: published again, stored once.
    const stored = JSON.stringify({ type: "ActivityRecorded", v: 1, data: fact });
    await sql`insert into identity_activity_outbox (id, fact, subject, fact_id)
      values (1, ${stored}, 'activity.acme.identity', ${fact.id})`;
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

Deno.test("identity:admin - a created user's fact holds role and groups, not the name or password", async () => {
  const db = await createTestDatabase();
  const dataDir = await Deno.makeTempDir({ prefix: "ticketd-activity-cli-" });
  const sql = postgres(db.url, { max: 1, onnotice: () => {} });
  try {
    const password = "a long operator-chosen password";
    const env = {
      TICKETD_DATA_DIR: dataDir,
      DATABASE_URL: db.url,
      TICKETD_NEW_PASSWORD: password,
    };
    const args = ["add-user", "--tenant", "acme", "--username", "dana", "--role", "agent"];
    const tool = await runTool(ADMIN_TOOL, [...args, "--groups", "billing"], env);
    assert.equal(tool.code, 0, tool.stderr);
    const [user] = await sql`select id::text from identity_users where username = 'dana'`;
    const [row] = await sql`select fact, subject from identity_activity_outbox`;
    const { data } = JSON.parse(row.fact);
    assert.equal(row.subject, "activity.acme.identity");
    assert.equal(data.action, "identity.user.created");
    assert.deepEqual(data.target, { type: "user", id: user.id });
    assert.deepEqual(data.changes, { role: "agent", groups: ["billing"], email: false });
    assert.ok(!row.fact.includes("dana") && !row.fact.includes(password));
  } finally {
    await sql.end();
    await db.drop();
    await Deno.remove(dataDir, { recursive: true });
  }
});

Deno.test("keys - add, rewrap and retire are each recorded as the operator's fact", async () => {
  const nats = await startTestNats();
  const db = await createTestDatabase();
  const dir = await Deno.makeTempDir({ prefix: "ticketd-activity-keys-" });
  const file = `${dir}/keyring.json`;
  const env = {
    NATS_URL: nats.url,
    DATABASE_URL: db.url,
    TICKETD_DATA_DIR: dir,
    TICKETD_KEYRING_FILE: file,
  };
  const keys = async (...args: string[]) => {
    const run = await runTool(KEYS_TOOL, args, env);
    assert.equal(run.code, 0, run.stderr);
  };
  const nc = await connect({ servers: nats.url });
  try {
    await keys("generate", "--file", file);
    const jsm = await jetstreamManager(nc);
    const opened = await openEnvelope(nc, jsm, {
      keyring: parseKeyring(JSON.parse(await Deno.readTextFile(file))),
      profiles: parseTenantProfiles("intl", ""),
      dataKeyCacheEntries: 10,
    });
    await opened.envelope.seal("words", { tenant: "acme", ticketId: "1", ownerId: "c1" });
    opened.close();

    await keys("add", "--file", file, "--profile", "intl", "--id", "k2");
    await keys("rewrap");
    await keys("retire", "--file", file, "--id", "k1");

    const facts = (await recordedActivity(jsm)).filter((f) => f.action.startsWith("tickets.key."));
    assert.deepEqual(
      facts.map((f) => [f.action, f.target, f.changes]),
      [
        ["tickets.key.added", { type: "key", id: "k2" }, { profile: "intl" }],
        ["tickets.key.rewrapped", { type: "data_keys", id: "data-keys" }, {
          checked: 1,
          rewrapped: 1,
        }],
        ["tickets.key.retired", { type: "key", id: "k1" }, {}],
      ],
    );
    for (const fact of facts) {
      assert.equal(fact.tenant, "system");
      assert.match(fact.actor.id, /^cli:.+/);
      assert.equal(fact.actor.role, "admin");
      assert.equal(fact.source.ip, null);
    }
    assert.equal(new Set(facts.map((f) => f.source.requestId)).size, 3, "one request id a run");
    const stored = await jsm.streams.getMessage("ACTIVITY", {
      last_by_subj: "activity.system.tickets",
    });
    assert.ok(stored, "on the tickets service's subject of the installation tenant");
  } finally {
    await nc.close();
    await db.drop();
    await nats.stop();
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("keys - a step whose fact cannot be recorded stands, and the tool says so and exits 2", async () => {
  const nats = await startTestNats();
  const db = await createTestDatabase();
  const dir = await Deno.makeTempDir({ prefix: "ticketd-activity-keys-" });
  const file = `${dir}/keyring.json`;
  const env = {
    NATS_URL: nats.url,
    DATABASE_URL: db.url,
    TICKETD_DATA_DIR: dir,
    TICKETD_KEYRING_FILE: file,
  };
  const nc = await connect({ servers: nats.url });
  try {
    assert.equal((await runTool(KEYS_TOOL, ["generate", "--file", file], env)).code, 0);
    // A stream holding the facts' subject: ACTIVITY cannot be made, so nothing can be recorded.
    const jsm = await jetstreamManager(nc);
    await jsm.streams.add({ name: "SQUATTER", subjects: ["activity.system.tickets"] });
    const add = await runTool(
      KEYS_TOOL,
      ["add", "--file", file, "--profile", "intl", "--id", "k2"],
      env,
    );
    assert.equal(add.code, 2);
    assert.match(add.stderr, /tickets\.key\.added" could not be recorded .*do not repeat it/);
    const keyring = JSON.parse(await Deno.readTextFile(file));
    assert.equal(keyring.active.intl, "k2", "the step stands");
  } finally {
    await nc.close();
    await db.drop();
    await nats.stop();
    await Deno.remove(dir, { recursive: true });
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
