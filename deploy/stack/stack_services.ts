/**
 * The Ticketd services of the native stack, each a `deno run` process of its own with its
 * port, its certificate (HTTPS only), the CA and the shared settings; started in order, each
 * ready when its `/healthz` answers over HTTPS (email: its SMTP port accepts), logs in
 * `<dataDir>/logs/<service>.log` (mode 0600 in a 0700 folder: a log may name what only the
 * operator should read; the secrets shown once go to shown-once.txt, never there).
 * @module
 */
import { join } from "node:path";
import { StackError } from "./stack_error.ts";
import { ownerOnlyFile } from "./stack_infrastructure.ts";

export interface StackService {
  name: string;
  /** The setting that names its port, and the port when that setting is not given. */
  portSetting: string;
  defaultPort: number;
  /** What the banner line says after the URL. */
  about: string;
  /**
   * Ready when `/healthz` answers 200, or (no HTTP port: email, which listens for SMTP only when a
   * mailbox is configured) once it has written `<data dir>/<name>.url`. Not a log line: the log
   * level may hide it (CI runs at `warn`).
   */
  readyWhenUrlFile?: true;
  /**
   * Also given the CA as `DENO_CERT`: the gateway's proxy calls (fetch, the WebSocket relay)
   * use Deno's own trust store, which only `DENO_CERT` extends.
   */
  denoCert?: true;
}

/** In start order: identity first (its deny list), tickets next (it makes the keyring). */
export const STACK_SERVICES: StackService[] = [
  { name: "identity", portSetting: "TICKETD_IDENTITY_PORT", defaultPort: 8081, about: "OAuth 2" },
  { name: "tickets", portSetting: "TICKETD_PORT", defaultPort: 8080, about: "the API" },
  { name: "routing", portSetting: "TICKETD_ROUTING_PORT", defaultPort: 8082, about: "routing" },
  { name: "sessions", portSetting: "TICKETD_SESSIONS_PORT", defaultPort: 8083, about: "chat" },
  {
    name: "attachments",
    portSetting: "TICKETD_ATTACHMENTS_PORT",
    defaultPort: 8084,
    about: "tus uploads",
  },
  { name: "audit", portSetting: "TICKETD_AUDIT_PORT", defaultPort: 8085, about: "audit trail" },
  { name: "webhooks", portSetting: "TICKETD_WEBHOOKS_PORT", defaultPort: 8086, about: "webhooks" },
  { name: "reports", portSetting: "TICKETD_REPORTS_PORT", defaultPort: 8089, about: "reports" },
  {
    name: "email",
    portSetting: "TICKETD_EMAIL_SMTP_PORT",
    defaultPort: 2525,
    about: "SMTP in, with mailboxes configured",
    readyWhenUrlFile: true,
  },
  {
    name: "gateway",
    portSetting: "TICKETD_GATEWAY_PORT",
    defaultPort: 8088,
    about: "the console, /api/<service>/",
    denoCert: true,
  },
];

/** How long a service may take to become ready (`TICKETD_STACK_READY_SECONDS`): a busy machine is slow. */
const DEFAULT_READY_SECONDS = 120;
const STOP_GRACE_MS = 10_000;

export interface RunningService {
  name: string;
  url: string;
  /** Settles when the process exits, however. */
  exited: Promise<Deno.CommandStatus>;
  logFile: string;
  stop(): Promise<void>;
}

export interface SpawnPlan {
  env: Record<string, string>;
  dataDir: string;
  tlsDir: string;
  host: string;
  caCerts: string[];
  /** Aborted on SIGINT/SIGTERM: a service still starting is stopped at once. */
  abort: AbortSignal;
}

/** Starts `service` and resolves once it is ready; a process that exits first fails the start. */
export async function spawnService(
  service: StackService,
  plan: SpawnPlan,
): Promise<RunningService> {
  const port = Number(plan.env[service.portSetting] || service.defaultPort);
  const logFile = join(plan.dataDir, "logs", `${service.name}.log`);
  await ownerOnlyDir(join(plan.dataDir, "logs"));
  await ownerOnlyFile(logFile);
  const entry = new URL(`../../services/${service.name}/main.ts`, import.meta.url).pathname;
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", "--unstable-net", "--unstable-worker-options", entry],
    env: {
      ...plan.env,
      [service.portSetting]: String(port),
      TICKETD_TLS_CERT_FILE: join(plan.tlsDir, `${service.name}.crt`),
      TICKETD_TLS_KEY_FILE: join(plan.tlsDir, `${service.name}.key`),
      ...(service.denoCert ? { DENO_CERT: plan.env.TICKETD_TLS_CA_FILE } : {}),
    },
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  // Not waiting for the log pipes: a plugin sandbox the service started may still hold them.
  logTo(logFile, child);
  const exited = child.status;
  const scheme = service.name === "email" ? "smtp" : "https";
  const url = `${scheme}://${plan.host}:${port}`;
  const running = {
    name: service.name,
    url,
    exited,
    logFile,
    stop: () => stop(service.name, child, exited),
  };
  const urlFile = join(plan.dataDir, `${service.name}.url`);
  await Deno.remove(urlFile).catch(() => {}); // a file from the last run says nothing of this one
  const ready = await untilReady(service, { url, urlFile }, plan, exited);
  if (!ready) {
    await running.stop();
    const tail = (await Deno.readTextFile(logFile).catch(() => "")).slice(-3000);
    throw new StackError(
      "service_failed",
      `${service.name} did not become ready at ${url} (log: ${logFile}):\n${tail}`,
    );
  }
  return running;
}

async function untilReady(
  service: StackService,
  where: { url: string; urlFile: string },
  plan: SpawnPlan,
  exited: Promise<unknown>,
): Promise<boolean> {
  let gone = false;
  exited.then(() => gone = true);
  // The stack's own client trusts exactly the private CA.
  const client = Deno.createHttpClient({ caCerts: plan.caCerts });
  try {
    const readySeconds = Number(plan.env.TICKETD_STACK_READY_SECONDS) || DEFAULT_READY_SECONDS;
    const deadline = Date.now() + readySeconds * 1000;
    while (!gone && !plan.abort.aborted && Date.now() < deadline) {
      if (await probe(service, where, client)) return true;
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    return false;
  } finally {
    client.close();
  }
}

async function probe(
  service: StackService,
  where: { url: string; urlFile: string },
  client: Deno.HttpClient,
) {
  try {
    if (service.readyWhenUrlFile) {
      await Deno.stat(where.urlFile);
      return true;
    }
    const response = await fetch(`${where.url}/healthz`, { client });
    await response.body?.cancel();
    return response.ok;
  } catch {
    return false;
  }
}

/** Creates `path` if missing, open to its owner only. */
async function ownerOnlyDir(path: string): Promise<void> {
  await Deno.mkdir(path, { recursive: true, mode: 0o700 });
  await Deno.chmod(path, 0o700);
}

/** Copies the process's stdout and stderr into `path` as they come (`pipeTo` a file lags). */
async function logTo(path: string, child: Deno.ChildProcess): Promise<void> {
  const file = await Deno.open(path, { create: true, append: true, mode: 0o600 });
  const copy = async (stream: ReadableStream<Uint8Array>) => {
    for await (const chunk of stream) {
      for (let done = 0; done < chunk.length;) done += await file.write(chunk.subarray(done));
    }
  };
  await Promise.all([copy(child.stdout), copy(child.stderr)]).catch(() => {});
  file.close();
}

/** SIGTERM, then SIGKILL after a grace period; resolves when the process is gone. */
async function stop(name: string, child: Deno.ChildProcess, exited: Promise<unknown>) {
  const signal = (name: Deno.Signal) => {
    try {
      child.kill(name);
    } catch { /* already exited */ }
  };
  signal("SIGTERM");
  const timer = setTimeout(() => {
    console.error(`stack: ${name} did not stop within ${STOP_GRACE_MS / 1000} s; killed`);
    signal("SIGKILL");
  }, STOP_GRACE_MS);
  await exited;
  clearTimeout(timer);
}
