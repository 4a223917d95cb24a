/**
 * The backup and restore procedure of docs/operations.md, carried out on a real tickets service:
 * back up while it runs, lose everything (a new empty nats-server store, the database dropped),
 * restore, start again, and find the same tickets at the same versions.
 * @module
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import type { Sql } from "postgres";
import { generateKeyringFile, parseKeyring } from "@ticketd/shared/crypto/keyring.ts";
import { createTestDatabase, type TestDatabase } from "./support/database.ts";
import { startTestNats, type TestNats } from "./support/nats.ts";
import {
  agentA,
  createTicket,
  customerA,
  type Harness,
  projected,
  startHarness,
} from "./support/tickets_harness.ts";

const ROOT = new URL("../", import.meta.url);

/** Runs `deno task <task> <args>` against the servers; its exit code and output. */
async function task(name: string, args: string[], nats: TestNats, db: TestDatabase) {
  const script = name === "backup" ? "deploy/backup/backup.ts" : "deploy/backup/restore.ts";
  const output = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", script, ...args],
    cwd: ROOT,
    env: { NATS_URL: nats.url, DATABASE_URL: db.url, TICKETD_LOG_LEVEL: "warn" },
    stdin: "null",
  }).output();
  const text = (bytes: Uint8Array) => new TextDecoder().decode(bytes);
  return { code: output.code, stdout: text(output.stdout), stderr: text(output.stderr) };
}

/** What a ticket looks like to an agent: the response body and its ETag. */
async function view(h: Harness, id: string, version: number) {
  const response = await h.call(agentA, "GET", `/v1/tickets/${id}?min_version=${version}`);
  assert.equal(response.status, 200);
  return { etag: response.headers.get("etag"), body: await response.json() };
}

/** Every read-model row, in a stable order (positions and queue counters included). */
async function readModel(sql: Sql) {
  return {
    tickets: await sql`select * from tickets order by tenant, id`,
    // Restored as dumped, never counted again by the triggers while the rows are loaded.
    queueCounts: await sql`select * from ticket_queue_counts where tickets <> 0 order by 1, 2, 3`,
    messages: await sql`select * from ticket_messages order by tenant, ticket_id, id`,
    positions: await sql`select * from projector_positions order by 1`,
  };
}

/** Three tickets with replies, a status change and a priority: versions that differ. */
async function someTickets(h: Harness) {
  const made: { id: string; number: number; version: number }[] = [];
  for (const subject of ["Printer on fire", "VPN drops", "Invoice 中文 wrong"]) {
    const ticket = await createTicket(h, customerA, { subject });
    let version = ticket.version;
    for (const body of ["Looking at it", "Still broken?"]) {
      const reply = await h.call(agentA, "POST", `/v1/tickets/${ticket.id}/messages`, { body });
      assert.equal(reply.status, 200);
      version = Number(JSON.parse(reply.headers.get("etag")!));
    }
    made.push({ id: ticket.id, number: ticket.number, version });
  }
  const changed = await h.call(agentA, "PUT", `/v1/tickets/${made[0].id}/priority`, {
    priority: "high",
  });
  made[0].version = Number(JSON.parse(changed.headers.get("etag")!));
  await projected(h, Math.max(...made.map((t) => t.version)));
  return made;
}

Deno.test("backup and restore - tickets, versions, ETags, numbers and the read model survive losing every server", async () => {
  const keyring = parseKeyring(generateKeyringFile()); // kept apart from the backup, as in production
  const backupDir = await Deno.makeTempDir({ prefix: "ticketd_backup_" });
  const servers: { stop(): Promise<void> }[] = [];
  try {
    const natsA = await startTestNats();
    const dbA = await createTestDatabase();
    servers.push(natsA, { stop: dbA.drop });
    const before = await startHarness({}, { natsUrl: natsA.url, databaseUrl: dbA.url, keyring });
    servers.push(before);
    const tickets = await someTickets(before);
    const views = await Promise.all(tickets.map((t) => view(before, t.id, t.version)));
    const rows = await readModel(before.sql);
    assert.ok(rows.queueCounts.length > 0, "open tickets are counted in the queues");

    const backup = await task("backup", ["--out", backupDir], natsA, dbA); // while it runs
    assert.equal(backup.code, 0, backup.stderr);
    const manifest = JSON.parse(await Deno.readTextFile(join(backupDir, "manifest.json")));
    const saved = manifest.streams.map((s: { name: string }) => s.name);
    for (const name of ["TICKETS", "KV_ticket-numbers", "KV_ticket-refs"]) {
      assert.ok(saved.includes(name), `${name} is in the backup (${saved})`);
    }
    assert.ok(!saved.includes("KV_leases"), "live-only leases are not");
    const ticketsEntry = manifest.streams.find((s: { name: string }) => s.name === "TICKETS");
    assert.equal(ticketsEntry.lastSeq, Math.max(...tickets.map((t) => t.version)));

    await before.stop(); // everything is lost: the servers' stores and the database
    await natsA.stop();
    await dbA.drop();

    const natsB = await startTestNats();
    const dbB = await createTestDatabase();
    servers.push(natsB, { stop: dbB.drop });
    const restored = await task("restore", ["--from", backupDir], natsB, dbB);
    assert.equal(restored.code, 0, restored.stderr);
    const again = await task("restore", ["--from", backupDir], natsB, dbB);
    assert.equal(again.code, 1, "a second restore onto the restored servers is refused");
    assert.match(again.stderr, /streams .*TICKETS.* exist.*--replace.*nothing was changed/);
    const replaced = await task("restore", ["--from", backupDir, "--replace"], natsB, dbB);
    assert.equal(replaced.code, 0, `--replace overwrites them: ${replaced.stderr}`);

    const after = await startHarness({}, { natsUrl: natsB.url, databaseUrl: dbB.url, keyring });
    servers.push(after);
    assert.deepEqual(await readModel(after.sql), rows, "the read model is the one backed up");
    for (const [i, ticket] of tickets.entries()) {
      assert.deepEqual(await view(after, ticket.id, ticket.version), views[i]);
    }
    const [first] = tickets;
    const reply = await after.call(agentA, "POST", `/v1/tickets/${first.id}/messages`, {
      body: "Fixed after the restore",
    }, { "if-match": `"${first.version}"` });
    assert.equal(reply.status, 200, "a pre-backup ETag still matches");
    assert.ok(Number(JSON.parse(reply.headers.get("etag")!)) > first.version);
    const fresh = await createTicket(after, customerA, { subject: "After the restore" });
    assert.ok(!tickets.some((t) => t.number === fresh.number), "a new ticket gets a new number");
    assert.ok(!tickets.some((t) => t.id === fresh.id));
  } finally {
    for (const server of servers.reverse()) await server.stop().catch(() => {});
    await Deno.remove(backupDir, { recursive: true });
  }
});

Deno.test("restore - a backup whose file no longer matches its sha256 is refused before anything changes", async () => {
  const nats = await startTestNats();
  const db = await createTestDatabase();
  const backupDir = await Deno.makeTempDir({ prefix: "ticketd_backup_" });
  try {
    const h = await startHarness({}, { natsUrl: nats.url, databaseUrl: db.url });
    try {
      await createTicket(h, customerA);
    } finally {
      await h.stop();
    }
    assert.equal((await task("backup", ["--out", backupDir], nats, db)).code, 0);
    const file = join(backupDir, "streams", "TICKETS.tar.s2");
    const bytes = await Deno.readFile(file);
    bytes[bytes.length - 1] ^= 0xff;
    await Deno.writeFile(file, bytes);
    const target = await startTestNats();
    try {
      const refused = await task("restore", ["--from", backupDir], target, db);
      assert.equal(refused.code, 1);
      assert.match(refused.stderr, /damaged.*streams\/TICKETS\.tar\.s2.*nothing was changed/);
    } finally {
      await target.stop();
    }
  } finally {
    await nats.stop();
    await db.drop();
    await Deno.remove(backupDir, { recursive: true });
  }
});
