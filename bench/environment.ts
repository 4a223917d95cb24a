/**
 * The hermetic setting of one run: a private nats-server on a temporary store, a database of
 * its own on the local PostgreSQL, and the tickets service as a separate process.
 * @module
 */
import postgres, { type Sql } from "postgres";
import { startPrivateNats } from "@ticketd/shared/runtime/private_nats.ts";
import { freePort } from "@ticketd/shared/runtime/free_port.ts";
import { type Cleanup, stopChild } from "./cleanup.ts";

export const ADMIN_URL = Deno.env.get("TICKETD_BENCH_ADMIN_URL") ??
  "postgres://postgres@127.0.0.1:5432/postgres";
const REPO = new URL("../", import.meta.url);

export interface BenchNats {
  url: string;
  pid: number | null;
}

/** A nats-server with JetStream on a store under `dir`, stopped by `cleanup`. */
export async function startNats(dir: string, cleanup: Cleanup): Promise<BenchNats> {
  const storeDir = `${dir}/nats`;
  const nats = await startPrivateNats({ storeDir, logFile: `${dir}/nats-server.log` });
  cleanup.add("nats-server", nats.stop);
  return { url: nats.url, pid: await pidWithArgument(storeDir) };
}

/** Creates a fresh database (dropped by `cleanup`) and returns its URL. */
export async function createDatabase(cleanup: Cleanup): Promise<string> {
  const name = `ticketd_bench_${Date.now().toString(36)}_${Deno.pid}`;
  const admin = postgres(ADMIN_URL, { max: 1, onnotice: () => {} });
  try {
    await admin`create database ${admin(name)}`;
  } finally {
    await admin.end();
  }
  cleanup.add(`drop database ${name}`, async () => {
    const sql = postgres(ADMIN_URL, { max: 1, onnotice: () => {} });
    try {
      await sql`drop database if exists ${sql(name)} with (force)`;
    } finally {
      await sql.end();
    }
  });
  const url = new URL(ADMIN_URL);
  url.pathname = `/${name}`;
  return url.href;
}

/** A client for the bench database with the service's conventions (camel case, UTC). */
export function benchSql(url: string, max = 4): Sql {
  return postgres(url, {
    max,
    transform: postgres.camel,
    onnotice: () => {},
    connection: { application_name: "ticketd-bench", TimeZone: "UTC" },
  });
}

export interface ServiceProcess {
  url: string;
  pid: number;
  dataDir: string;
  /** SIGTERM and wait (the service shuts down in order, writing a CPU profile if asked). */
  stop(): Promise<{ ms: number; killed: boolean }>;
}

/** Starts `services/main.ts` and resolves when `/readyz` answers 200. */
export async function startService(
  env: {
    natsUrl: string;
    databaseUrl: string;
    dataDir: string;
    extraArgs?: string[];
    extra?: Record<string, string>;
    /** The checkout whose `entry` runs (default: the one holding this bench). */
    repo?: string;
    /** What runs, relative to `repo` (default `services/main.ts`: every service in one process). */
    entry?: string;
  },
  cleanup: Cleanup,
): Promise<ServiceProcess> {
  const port = freePort();
  await Deno.mkdir(env.dataDir, { recursive: true });
  const child = new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "-A",
      "--unstable-net",
      "--unstable-worker-options",
      ...(env.extraArgs ?? []),
      env.entry ?? "services/main.ts",
    ],
    cwd: env.repo ?? REPO,
    env: {
      NATS_URL: env.natsUrl,
      DATABASE_URL: env.databaseUrl,
      TICKETD_DATA_DIR: env.dataDir,
      TICKETD_PORT: String(port),
      TICKETD_LOG_LEVEL: "warn",
      // The other services take any free port: the defaults may be in use on this machine.
      TICKETD_IDENTITY_PORT: "0",
      TICKETD_ROUTING_PORT: "0",
      TICKETD_SESSIONS_PORT: "0",
      TICKETD_ATTACHMENTS_PORT: "0",
      TICKETD_EMAIL_HTTP_PORT: "0",
      TICKETD_EMAIL_SMTP_PORT: "0",
      TICKETD_AUDIT_PORT: "0",
      TICKETD_WEBHOOKS_PORT: "0",
      TICKETD_REPORTS_PORT: "0",
      TICKETD_GATEWAY_PORT: "0",
      // The bench is one client hammering on purpose: rate limits would measure themselves.
      TICKETD_RATE_ADDRESS_BURST: "1000000",
      TICKETD_RATE_ADDRESS_PER_MINUTE: "100000000",
      TICKETD_RATE_TOKEN_BURST: "1000000",
      TICKETD_RATE_TOKEN_PER_MINUTE: "100000000",
      ...env.extra,
    },
    stdin: "null",
    stdout: "null",
    stderr: "piped",
  }).spawn();
  const logFile = `${env.dataDir}/service.log`;
  const log = await Deno.open(logFile, { append: true, create: true });
  const logged = child.stderr.pipeTo(log.writable).catch(() => {});
  let stopped: Promise<{ ms: number; killed: boolean }> | null = null;
  const stop = () =>
    stopped ??= stopChild(child, "SIGTERM", 20_000).then(async (result) => {
      await logged;
      return result;
    });
  cleanup.add("tickets service", stop);
  const url = `http://127.0.0.1:${port}`;
  await waitReady(url, child, logFile);
  return { url, pid: child.pid, dataDir: env.dataDir, stop };
}

async function waitReady(url: string, child: Deno.ChildProcess, logFile: string) {
  let exited = false;
  child.status.then(() => exited = true);
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline && !exited) {
    const ok = await fetch(`${url}/readyz`).then(async (r) => (await r.body?.cancel(), r.ok))
      .catch(() => false);
    if (ok) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  const tail = await Deno.readTextFile(logFile).catch(() => "");
  throw new Error(`The tickets service did not become ready.\n${tail.slice(-3000)}`);
}

/** The pid of the process whose command line has `argument` (found in /proc), or null. */
export async function pidWithArgument(argument: string): Promise<number | null> {
  for await (const entry of Deno.readDir("/proc")) {
    if (!/^\d+$/.test(entry.name)) continue;
    const cmdline = await Deno.readTextFile(`/proc/${entry.name}/cmdline`).catch(() => "");
    if (cmdline.split("\0").includes(argument)) return Number(entry.name);
  }
  return null;
}
