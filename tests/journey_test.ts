/**
 * A new user's first hour, end to end: start Ticketd as a process on real NATS and PostgreSQL,
 * import both real data sets through the API, and check counts, a Chinese keyword search, a
 * history, a second import adding nothing, and that nothing readable is stored or logged.
 * @module
 */
import assert from "node:assert/strict";
import { connect } from "@nats-io/transport-node";
import { jetstreamManager } from "@nats-io/jetstream";
import postgres from "postgres";
import { loadOrCreateDevKeys, mintDevToken } from "@ticketd/shared/http/dev_keys.ts";
import { normaliseForSearch } from "@ticketd/shared/search/tokens.ts";
import { freePort } from "@ticketd/shared/runtime/free_port.ts";
import { importFile } from "../services/tickets/import/import_file.ts";
import { createTestDatabase } from "./support/database.ts";
import { startTestNats } from "./support/nats.ts";
import { dataSetsDir } from "./support/data_sets.ts";

const DATA = dataSetsDir();
const GITBUGS = `${DATA}gitbugs_tracker_tickets/tickets.jsonl`;
const VSCODE = `${DATA}vscode_issues_zh/vscode_issues_zh.jsonl`;

function readJsonl(path: string): Record<string, unknown>[] {
  return Deno.readTextFileSync(path).split("\n").filter((l) => l.trim()).map((l) => JSON.parse(l));
}

async function waitReady(url: string, child: Deno.ChildProcess): Promise<number> {
  for (let i = 0; i < 300; i++) {
    const ready = await fetch(`${url}/readyz`).then((r) => r.ok ? r.json() : null, () => null);
    if (ready) return ready.projectedVersion;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  try {
    child.kill();
  } catch {
    // it already exited: its output says why
  }
  throw new Error("the service did not become ready (or exited)");
}

async function allTicketIds(url: string, token: string, query: string): Promise<string[]> {
  const ids: string[] = [];
  let cursor: string | null = null;
  do {
    const page: { tickets: { id: string }[]; nextCursor: string | null } = await (await fetch(
      `${url}/v1/tickets?limit=200&${query}${cursor ? `&cursor=${cursor}` : ""}`,
      { headers: { authorization: `Bearer ${token}` } },
    )).json();
    ids.push(...page.tickets.map((t) => t.id));
    cursor = page.nextCursor;
  } while (cursor);
  return ids;
}

Deno.test("journey - start, import both real data sets, search, read history; nothing readable at rest", async () => {
  const nats = await startTestNats();
  const db = await createTestDatabase();
  const dataDir = await Deno.makeTempDir({ prefix: "ticketd-journey-" });
  const port = freePort();
  const url = `http://127.0.0.1:${port}`;
  const child = new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "-A",
      "--unstable-net",
      "--unstable-worker-options",
      new URL("../services/main.ts", import.meta.url).pathname,
    ],
    env: {
      NATS_URL: nats.url,
      DATABASE_URL: db.url,
      TICKETD_DATA_DIR: dataDir,
      TICKETD_PORT: String(port),
      // The other services take any free port: the defaults may be in use on this machine.
      TICKETD_IDENTITY_PORT: "0",
      TICKETD_ROUTING_PORT: "0",
      TICKETD_SESSIONS_PORT: "0",
      TICKETD_ATTACHMENTS_PORT: "0",
      TICKETD_REPORTS_PORT: "0",
      TICKETD_EMAIL_HTTP_PORT: "0",
      TICKETD_LOG_LEVEL: "info",
    },
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const logs = new Response(child.stdout).text();
  const stderr = new Response(child.stderr).text();
  try {
    await waitReady(url, child);
    const token = await mintDevToken(await loadOrCreateDevKeys(dataDir), {
      sub: "importer",
      tenant: "demo",
      role: "admin",
    });
    const common = { url, token, tenant: "demo", dataDir, concurrency: 16 };

    const gitbugs = await importFile({ ...common, file: GITBUGS });
    const vscode = await importFile({ ...common, file: VSCODE });
    const gitbugsRows = readJsonl(GITBUGS);
    const vscodeRows = readJsonl(VSCODE);
    assert.equal(gitbugs.outcome, "completed");
    assert.equal(vscode.outcome, "completed");
    assert.equal(gitbugs.created + gitbugs.present, gitbugsRows.length);
    assert.equal(vscode.created + vscode.present, vscodeRows.length);
    assert.equal(gitbugs.rejected + vscode.rejected, 0);

    const again = await importFile({ ...common, file: VSCODE });
    assert.equal(again.created, 0, "a second import adds nothing");

    const nc = await connect({ servers: nats.url });
    const jsm = await jetstreamManager(nc);
    const head = (await jsm.streams.info("TICKETS")).state.last_seq;
    const all = await allTicketIds(url, token, `min_version=${head}`);
    assert.equal(all.length, gitbugsRows.length + vscodeRows.length);

    // 崩溃 ("crash"): the search must find exactly the imported rows whose text contains it.
    const expected = vscodeRows.filter((r) =>
      normaliseForSearch(`${r.title}\n${r.body}`).includes("崩溃")
    ).length;
    const crashes = await allTicketIds(url, token, `q=${encodeURIComponent("崩溃")}`);
    assert.ok(expected > 10);
    assert.equal(crashes.length, expected);
    const solved = await allTicketIds(url, token, "status=solved&q=namenode");
    assert.ok(solved.length > 0);

    const first = crashes[0];
    const history = await (await fetch(`${url}/v1/tickets/${first}/history`, {
      headers: { authorization: `Bearer ${token}` },
    })).json();
    const created = history.entries[0].events[0];
    assert.equal(created.type, "TicketCreated");
    assert.equal(created.status, "closed");
    assert.ok(`${created.subject}${history.entries[0].events[1].body}`.includes("崩溃"));

    // Nothing readable at rest or in the logs: look for real subjects of both sets.
    const needles = [
      ...gitbugsRows.slice(0, 40).map((r) => String(r.summary)),
      ...vscodeRows.slice(0, 40).map((r) => String(r.title)),
    ]
      .filter((s) => s.length >= 8);
    const sql = postgres(db.url, { max: 1 });
    const dumps = await sql<{ dump: string }[]>`
      select row_to_json(t)::text as dump from tickets t
      union all select row_to_json(m)::text from ticket_messages m`;
    await sql.end();
    const decoder = new TextDecoder();
    const info = await jsm.streams.info("TICKETS");
    const stream: string[] = [];
    for (let seq = info.state.first_seq; seq <= info.state.last_seq; seq++) {
      stream.push(decoder.decode((await jsm.streams.getMessage("TICKETS", { seq }))!.data));
    }
    await nc.close();
    child.kill("SIGINT");
    assert.equal((await child.status).code, 0, "Ctrl-C stops cleanly");
    const logText = await logs;
    assert.ok(logText.includes('"msg":"request"'), "access logs are written");
    for (const needle of needles) {
      assert.ok(!stream.some((m) => m.includes(needle)), `stream holds "${needle}"`);
      assert.ok(!dumps.some((d) => d.dump.includes(needle)), `database holds "${needle}"`);
      assert.ok(!logText.includes(needle), `logs hold "${needle}"`);
    }
  } finally {
    try {
      child.kill("SIGKILL");
    } catch {
      // already stopped by the test
    }
    await child.status;
    await stderr.catch(() => {});
    await db.drop();
    await nats.stop();
    await Deno.remove(dataDir, { recursive: true }).catch(() => {});
  }
});
