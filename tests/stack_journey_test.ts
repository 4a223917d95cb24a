/**
 * `deno task stack` end to end: every service its own process, TLS on every hop (HTTPS
 * services, NATS over TLS, PostgreSQL verify-full, S3 over HTTPS), and one ticket's whole life
 * across them: create, routed, a chat message, a tus upload and download, solved, audited; the
 * console's gateway serves its page with a CSP and passes an API call on to tickets.
 * Every call here trusts only the stack's private CA.
 * @module
 */
import assert from "node:assert/strict";
import postgres from "postgres";
import { loadDevKeys, mintDevToken } from "@ticketd/shared/http/dev_keys.ts";
import { freePort } from "@ticketd/shared/runtime/free_port.ts";
import { processWith } from "./support/processes.ts";

const START_TIMEOUT_MS = 75_000;
const PDF = new TextEncoder().encode("%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n");

interface Stack {
  dataDir: string;
  banner: string;
  urls: Record<string, string>;
  client: Deno.HttpClient;
  token(sub: string, role: string): Promise<string>;
  stop(): Promise<Deno.CommandStatus>;
  /** What the stack printed after its banner. */
  later: string[];
}

const PORTS = {
  tickets: "TICKETD_PORT",
  identity: "TICKETD_IDENTITY_PORT",
  routing: "TICKETD_ROUTING_PORT",
  sessions: "TICKETD_SESSIONS_PORT",
  attachments: "TICKETD_ATTACHMENTS_PORT",
  audit: "TICKETD_AUDIT_PORT",
  webhooks: "TICKETD_WEBHOOKS_PORT",
  reports: "TICKETD_REPORTS_PORT",
  email: "TICKETD_EMAIL_SMTP_PORT",
  gateway: "TICKETD_GATEWAY_PORT",
};

async function startStack(): Promise<Stack> {
  const dataDir = await Deno.makeTempDir({ prefix: "stack_journey_" });
  await Deno.chmod(dataDir, 0o755); // the PostgreSQL cluster inside belongs to user postgres
  const env: Record<string, string> = {
    ...Deno.env.toObject(),
    TICKETD_DATA_DIR: dataDir,
    TICKETD_LOG_LEVEL: "info", // the journey reads the services' "listening" lines (CI runs at warn)
    TICKETD_EMAIL_HTTP_PORT: String(freePort()), // email's probes and /metrics
  };
  for (const name of ["NATS_URL", "DATABASE_URL", "TICKETD_S3_ENDPOINT", "DENO_CERT"]) {
    delete env[name];
  }
  const urls: Record<string, string> = {};
  for (const [service, setting] of Object.entries(PORTS)) {
    const port = freePort();
    env[setting] = String(port);
    urls[service] = `https://127.0.0.1:${port}`;
  }
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", "--unstable-net", "--unstable-worker-options", "deploy/stack.ts"],
    env,
    clearEnv: true,
    stdin: "null",
    stdout: "null",
    stderr: "piped",
  }).spawn();
  const later: string[] = [];
  const banner = await readUntil(child.stderr, /Ticketd stack is running|^stack: /m, later);
  const stop = async () => {
    try {
      child.kill("SIGTERM");
    } catch { /* gone */ }
    const status = await child.status;
    await Deno.remove(dataDir, { recursive: true }).catch(() => {});
    return status;
  };
  if (!banner.includes("Ticketd stack is running")) {
    await stop();
    throw new Error(`the stack did not start:\n${banner}`);
  }
  const client = Deno.createHttpClient({
    caCerts: [await Deno.readTextFile(`${dataDir}/tls/ca.crt`)],
  });
  const keys = (await loadDevKeys(dataDir))!;
  const token = (sub: string, role: string) =>
    mintDevToken(keys, { sub, tenant: "acme", role: role as "agent" });
  return { dataDir, banner, urls, client, token, stop, later };
}

/** Reads `stream` until `pattern` matches or the timeout, then drains it into `rest`. */
async function readUntil(
  stream: ReadableStream<Uint8Array>,
  pattern: RegExp,
  rest?: string[],
): Promise<string> {
  const reader = stream.pipeThrough(new TextDecoderStream()).getReader();
  let text = "";
  const deadline = setTimeout(() => reader.cancel(), START_TIMEOUT_MS);
  while (!pattern.test(text)) {
    const { value, done } = await reader.read().catch(() => ({ value: "", done: true }));
    if (done) break;
    text += value;
  }
  clearTimeout(deadline);
  (async () => {
    for (;;) {
      const { value, done } = await reader.read().catch(() => ({ value: "", done: true }));
      if (done) break;
      rest?.push(value);
    }
  })();
  return text;
}

/** Retries `probe` (a value or null) every 200 ms for up to `ms`. */
async function eventually<T>(what: string, probe: () => Promise<T | null>, ms = 20_000) {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    const value = await probe();
    if (value !== null) return value;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`timed out waiting for ${what}`);
}

Deno.test({
  name:
    "deno task stack - a ticket lives its whole life across eight TLS processes, the console's gateway among them; the secrets shown once stay off the 0600 logs; backup --stack reaches its servers",
  sanitizeOps: false,
  sanitizeResources: false,
  fn: async () => {
    const stack = await startStack();
    try {
      await journey(stack);
      await secretsStayOffTheLogs(stack);
      await backUpWithTheStackDataDir(stack);
    } finally {
      const stopping = Date.now();
      const status = await stack.stop();
      assert.equal(status.code, 0, "SIGTERM stops the stack cleanly");
      // Each service gets 10 s before SIGKILL: a stop this quick means none needed it.
      assert.doesNotMatch(stack.later.join(""), /killed/);
      assert.ok(Date.now() - stopping < 8_000, `stopping took ${Date.now() - stopping} ms`);
      stack.client.close();
    }
  },
});

async function journey(stack: Stack): Promise<void> {
  const { urls, client } = stack;
  const call = async (url: string, token: string, init: RequestInit = {}) =>
    await fetch(url, {
      ...init,
      client,
      headers: { authorization: `Bearer ${token}`, ...init.headers },
    });
  const json = async (response: Response, status = 200) => {
    const body = await response.text();
    assert.equal(response.status, status, body);
    return JSON.parse(body);
  };
  await tlsOnEveryHop(stack);
  const customer = await stack.token("cust-1", "customer");
  const agent = await stack.token("agent-1", "agent");
  const auditor = await stack.token("aud-1", "auditor");

  // create (tickets)
  const ticket = await json(
    await call(`${urls.tickets}/v1/tickets`, customer, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ subject: "Printer on fire", body: "Smoke since 9 am." }),
    }),
    201,
  );
  // the console's gateway: its page with a CSP, and the ticket through /api/tickets/ (HTTPS both ways)
  const page = await fetch(`${urls.gateway}/`, { client });
  assert.equal(page.status, 200);
  assert.match(page.headers.get("content-security-policy") ?? "", /default-src/);
  await page.body?.cancel();
  const proxied = await eventually("the ticket through the gateway", async () => {
    const response = await call(`${urls.gateway}/api/tickets/v1/tickets/${ticket.id}`, agent);
    if (response.status === 404) return (await response.body?.cancel(), null);
    return await json(response);
  });
  assert.equal(proxied.id, ticket.id);

  // routed (routing's decision for it)
  const decision = await eventually("a routing decision", async () => {
    const response = await call(`${urls.routing}/v1/routing/tickets/${ticket.id}/decision`, agent);
    if (response.status === 404) return (await response.body?.cancel(), null);
    return await json(response);
  });
  assert.ok(typeof decision.outcome === "string", JSON.stringify(decision));

  // converse (sessions: SSE + POST)
  const { conversationId } = await json(
    await call(`${urls.sessions}/v1/sessions/conversations`, customer, { method: "POST" }),
    201,
  );
  const events = await call(
    `${urls.sessions}/v1/sessions/conversations/${conversationId}/events`,
    customer,
  );
  assert.equal(events.status, 200);
  await json(
    await call(`${urls.sessions}/v1/sessions/conversations/${conversationId}/messages`, customer, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ text: "Is anyone there?" }),
    }),
    201,
  );
  const live = events.body!.pipeThrough(new TextDecoderStream()).getReader();
  let seen = "";
  while (!seen.includes("Is anyone there?")) {
    const { value, done } = await live.read();
    if (done) break;
    seen += value;
  }
  assert.match(seen, /"text":"Is anyone there\?"/);
  // The stream stays open: the stack's stop (under 8 s, nothing killed) proves sessions ends it.
  live.releaseLock();

  // attach (attachments: tus create + PATCH, then download)
  const meta = [`ticketId ${btoa(ticket.id)}`, `filename ${btoa("smoke.pdf")}`].join(",");
  const created = await call(`${urls.attachments}/v1/attachments/uploads`, customer, {
    method: "POST",
    headers: {
      "tus-resumable": "1.0.0",
      "upload-length": String(PDF.length),
      "upload-metadata": meta,
    },
  });
  assert.equal(created.status, 201, await created.text());
  const location = new URL(created.headers.get("location")!, urls.attachments).href;
  const patched = await call(location, customer, {
    method: "PATCH",
    headers: {
      "tus-resumable": "1.0.0",
      "upload-offset": "0",
      "content-type": "application/offset+octet-stream",
    },
    body: PDF,
  });
  assert.equal(patched.status, 204, await patched.text());
  const listed = await eventually("the attachment on the ticket", async () => {
    const body = await json(
      await call(`${urls.attachments}/v1/attachments?ticketId=${ticket.id}`, customer),
    );
    return body.attachments.length ? body : null;
  });
  const download = await call(
    `${urls.attachments}/v1/attachments/${listed.attachments[0].attachmentId}`,
    customer,
  );
  assert.equal(download.status, 200);
  assert.deepEqual(new Uint8Array(await download.arrayBuffer()), PDF);

  // solve (tickets)
  await json(
    await call(`${urls.tickets}/v1/tickets/${ticket.id}/status`, agent, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ status: "solved" }),
    }),
  );
  // audit (the trail of the ticket, through the audit service's API)
  const actions = await eventually("audit entries for the whole life", async () => {
    const { entries } = await json(
      await call(`${urls.audit}/v1/audit/entries?ticket=${ticket.id}`, auditor),
    );
    const seenActions = (entries as { action: string }[]).map((e) => e.action);
    return seenActions.some((a) => a.includes("status")) ? seenActions : null;
  });
  assert.ok(actions.includes("tickets.ticket.create"), actions.join(", "));
  assert.ok(actions.some((a) => a.includes("attachment")), actions.join(", "));
}

/** Every service answers HTTPS only, with a certificate of the private CA; PostgreSQL TLS only. */
async function tlsOnEveryHop(stack: Stack): Promise<void> {
  for (const [service, url] of Object.entries(stack.urls)) {
    if (service === "email") continue; // no HTTP port; SMTP only with mailboxes
    const ok = await fetch(`${url}/healthz`, { client: stack.client });
    assert.equal(ok.status, 200, service);
    await ok.body?.cancel();
    await assert.rejects(fetch(`${url}/healthz`), `${service}: the system store does not trust it`);
    await assert.rejects(fetch(`${url.replace("https:", "http:")}/healthz`), `${service}: no HTTP`);
  }
  assert.match(stack.banner, /NATS \(TLS\) at tls:\/\//);
  const pgUrl = stack.banner.match(/(postgres:\/\/\S+)/)![1];
  const plain = postgres(pgUrl.replace(/\?.*$/, ""), { ssl: false, max: 1, onnotice: () => {} });
  await assert.rejects(plain`select 1`, /no pg_hba.conf entry|SSL off/);
  await plain.end();
  const tickets = await Deno.readTextFile(`${stack.dataDir}/logs/tickets.log`);
  assert.match(tickets, /"nats":"tls:\/\//);
  assert.match(tickets, /sslmode=verify-full/);
}

/**
 * The first admin's password and the dev admin token reach the stack's terminal, never a log
 * file; the logs, the shown-once file and stack.env are the owner's only.
 */
async function secretsStayOffTheLogs(stack: Stack): Promise<void> {
  const terminal = stack.banner + stack.later.join("");
  const password = terminal.match(/password (\S+) \(shown once\)/)?.[1];
  assert.ok(password, `the stack's terminal shows the first admin's password:\n${terminal}`);
  assert.match(terminal, /Admin token for tenant "demo"[^\n]*\neyJ/);
  const mode = async (path: string) => (await Deno.stat(path)).mode! & 0o777;
  const logs = `${stack.dataDir}/logs`;
  assert.equal(await mode(logs), 0o700);
  const files = [`${stack.dataDir}/nats-server.log`];
  for await (const entry of Deno.readDir(logs)) files.push(`${logs}/${entry.name}`);
  assert.ok(files.length >= 10, files.join(", "));
  for (const file of files) {
    assert.equal(await mode(file), 0o600, file);
    const text = await Deno.readTextFile(file);
    assert.ok(!text.includes(password), `${file} holds the first admin's password`);
    assert.ok(!text.includes("eyJ"), `${file} holds a token`);
  }
  assert.equal(await mode(`${stack.dataDir}/shown-once.txt`), 0o600);
  assert.equal(await mode(`${stack.dataDir}/stack.env`), 0o600);
  assert.match(terminal, /stack\.env \(0600\)/);
}

/** `deno task backup --stack <dataDir>` finds the stack's servers (NATS token, CA) by itself. */
async function backUpWithTheStackDataDir(stack: Stack): Promise<void> {
  const out = await Deno.makeTempDir({ prefix: "stack_backup_" });
  try {
    const env = Deno.env.toObject();
    for (const name of ["NATS_URL", "DATABASE_URL", "TICKETD_TLS_CA_FILE", "DENO_CERT"]) {
      delete env[name];
    }
    const backup = await new Deno.Command(Deno.execPath(), {
      args: ["run", "-A", "deploy/backup/backup.ts", "--out", out, "--stack", stack.dataDir],
      env,
      clearEnv: true,
      stdin: "null",
    }).output();
    const said = new TextDecoder().decode(backup.stdout) + new TextDecoder().decode(backup.stderr);
    assert.equal(backup.code, 0, said);
    const manifest = JSON.parse(await Deno.readTextFile(`${out}/manifest.json`));
    const tickets = manifest.streams.find((entry: { name: string }) => entry.name === "TICKETS");
    assert.ok(tickets?.messages > 0, JSON.stringify(manifest.streams));
  } finally {
    await Deno.remove(out, { recursive: true }).catch(() => {});
  }
}

Deno.test({
  name:
    "deno task stack - its private nats-server dying is reported at once and stops the stack with exit 1",
  sanitizeOps: false,
  sanitizeResources: false,
  fn: async () => {
    const stack = await startStack();
    try {
      const nats = await processWith(`${stack.dataDir}/nats`);
      const killed = Date.now();
      Deno.kill(nats, "SIGKILL");
      await eventually(
        "the stack to say its nats-server exited",
        () => Promise.resolve(/stack: its nats-server exited/.test(stack.later.join("")) || null),
        10_000,
      );
      assert.ok(Date.now() - killed < 10_000);
      assert.match(stack.later.join(""), /nats-server\.log; stopping the stack/);
    } finally {
      const status = await stack.stop(); // the stack is stopping already; SIGTERM changes nothing
      assert.equal(status.code, 1, stack.later.join(""));
      stack.client.close();
    }
  },
});
