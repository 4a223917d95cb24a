/**
 * A nats-server with JetStream owned by this process: for local runs and integration tests,
 * where no shared NATS is wanted.
 *
 * The server binds 127.0.0.1 only. The client port is the one asked for, or one the server
 * picks itself (`-p -1`) so that two servers never race for a port chosen beforehand; the
 * monitoring port is always picked by the server. The ports it chose are read from the
 * `--ports_file_dir` file it writes once its listeners are up, and the start is over when
 * `/healthz?js-enabled-only=true` answers 200, so JetStream is usable when this returns.
 *
 * Limitations: the server is a child process and is not killed if this process dies without
 * calling `stop()` (wire `stop()` to SIGINT/SIGTERM). The client URL changes on every start
 * unless `port` is given. JetStream data lives in `<storeDir>/jetstream` and survives restarts.
 * @module
 */
import { join } from "node:path";
import { RuntimeError } from "./runtime_error.ts";

const encodeHex = (bytes: Uint8Array) =>
  Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");

const FALLBACK_BINARIES = ["/usr/sbin/nats-server"];
const DEFAULT_START_TIMEOUT_MS = 10_000;
const STOP_GRACE_MS = 5_000;
const POLL_INTERVAL_MS = 20;
const LOG_TAIL_BYTES = 4_000;

export interface PrivateNatsOptions {
  /** JetStream store directory (`-sd`); created if missing, kept across restarts. */
  storeDir: string;
  /** Client port; by default the server picks a free one. */
  port?: number;
  /** Server log (`-l`); by default a file in a temporary directory removed by `stop()`. */
  logFile?: string;
  /** How long to wait for the server to accept clients with JetStream enabled. */
  startTimeoutMs?: number;
  /**
   * Require a random token of every client (`url` then carries it: `nats://<token>@...`), so
   * other local users cannot reach the streams. The token travels in a mode-600 config file,
   * never on the command line (where `ps` would show it).
   */
  authToken?: boolean;
  /** Serve clients over TLS only with this certificate and key (`url` then starts `tls://`). */
  tls?: { certFile: string; keyFile: string };
}

export interface PrivateNats {
  /** Client URL, e.g. `nats://127.0.0.1:41234` (with `authToken`, `nats://<token>@...`). */
  url: string;
  /** Monitoring base URL, e.g. `http://127.0.0.1:41235`. */
  monitorUrl: string;
  /** Where the server writes its log. */
  logFile: string;
  /** Settles when the server exits, stopped or not: a caller can notice it dying. */
  exited: Promise<Deno.CommandStatus>;
  /** SIGTERM, wait for exit (SIGKILL after a grace period); safe to call more than once. */
  stop(): Promise<void>;
}

/** The nats-server binary: `$NATS_SERVER_BIN`, else the first on PATH, else /usr/sbin. */
export async function findNatsServer(): Promise<string> {
  const override = Deno.env.get("NATS_SERVER_BIN");
  if (override) {
    if (await isExecutable(override)) return override;
    throw missing(`NATS_SERVER_BIN=${override} is not an executable file.`);
  }
  const onPath = (Deno.env.get("PATH") ?? "").split(":").filter(Boolean).map((dir) =>
    join(dir, "nats-server")
  );
  for (const candidate of [...onPath, ...FALLBACK_BINARIES]) {
    if (await isExecutable(candidate)) return candidate;
  }
  throw missing("nats-server was not found on PATH or at /usr/sbin/nats-server.");
}

/** The version `nats-server --version` reports, without the `v`, e.g. "2.9.10". */
export async function natsServerVersion(bin?: string): Promise<string> {
  const binary = bin ?? await findNatsServer();
  let output: Deno.CommandOutput;
  try {
    output = await new Deno.Command(binary, { args: ["--version"], stdin: "null" }).output();
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) throw missing(`${binary} does not exist.`);
    throw error;
  }
  const text = new TextDecoder().decode(output.stdout) + new TextDecoder().decode(output.stderr);
  const match = text.match(/v?(\d+\.\d+\.\d+[\w.+-]*)/);
  if (!output.success || !match) {
    throw new RuntimeError("nats_server_failed", `${binary} --version said: ${text.trim()}`);
  }
  return match[1];
}

/** Starts nats-server with JetStream on 127.0.0.1 and resolves once JetStream is ready. */
export async function startPrivateNats(options: PrivateNatsOptions): Promise<PrivateNats> {
  const binary = await findNatsServer();
  await Deno.mkdir(options.storeDir, { recursive: true });
  const runDir = await Deno.makeTempDir({ prefix: "private_nats_" });
  const logFile = options.logFile ?? join(runDir, "nats-server.log");
  const token = options.authToken ? encodeHex(crypto.getRandomValues(new Uint8Array(24))) : null;
  const tls = options.tls
    ? `tls { cert_file: "${options.tls.certFile}", key_file: "${options.tls.keyFile}" }\n`
    : "";
  if (token || tls) {
    const auth = token ? `authorization { token: "${token}" }\n` : "";
    await Deno.writeTextFile(join(runDir, "auth.conf"), auth + tls, { mode: 0o600 });
  }
  const args = [
    ...(token || tls ? ["-c", join(runDir, "auth.conf")] : []),
    "-js",
    ...["-a", "127.0.0.1"],
    ...["-p", String(options.port ?? -1)],
    ...["-m", "-1"],
    ...["-sd", options.storeDir],
    ...["-l", logFile],
    ...["--ports_file_dir", runDir],
  ];
  // Its own process group: a terminal's Ctrl-C reaches the service, which stops this server
  // last, after the services that need it have stopped (not before them, mid-stop).
  const child = new Deno.Command(binary, {
    args,
    stdin: "null",
    stdout: "null",
    stderr: "piped",
    detached: true,
  }).spawn();
  // With -l the server logs to the file; stderr only carries errors from before logging starts.
  const stderr = collectTail(child.stderr);
  let exited: Deno.CommandStatus | undefined;
  const status = child.status.then((s) => exited = s);

  let stopping: Promise<void> | undefined;
  const stop = () =>
    stopping ??= (async () => {
      if (!exited) {
        signal(child, "SIGTERM");
        const timer = setTimeout(() => exited || signal(child, "SIGKILL"), STOP_GRACE_MS);
        await status;
        clearTimeout(timer);
      }
      await stderr.done;
      await Deno.remove(runDir, { recursive: true }).catch(() => {});
    })();

  try {
    const ports = await waitUntilReady({
      portsFile: join(runDir, `nats-server_${child.pid}.ports`),
      deadline: Date.now() + (options.startTimeoutMs ?? DEFAULT_START_TIMEOUT_MS),
      exited: () => exited,
      describe: async () =>
        `${binary} ${args.join(" ")}\n--- log tail ---\n${await readTail(logFile)}` +
        `\n--- stderr ---\n${stderr.text()}`,
    });
    const served = options.tls ? ports.url.replace(/^nats:/, "tls:") : ports.url;
    const url = token ? served.replace("://", `://${token}@`) : served;
    return {
      url,
      monitorUrl: ports.monitorUrl,
      logFile,
      exited: child.status,
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}

interface ReadyWait {
  portsFile: string;
  deadline: number;
  exited: () => Deno.CommandStatus | undefined;
  describe: () => Promise<string>;
}

async function waitUntilReady(wait: ReadyWait): Promise<{ url: string; monitorUrl: string }> {
  let ports: { url: string; monitorUrl: string } | undefined;
  while (Date.now() < wait.deadline) {
    const status = wait.exited();
    if (status) {
      throw new RuntimeError(
        "nats_server_failed",
        `nats-server exited with code ${status.code} while starting.\n${await wait.describe()}`,
      );
    }
    ports ??= await readPortsFile(wait.portsFile);
    if (ports && await jetStreamHealthy(ports.monitorUrl)) return ports;
    await new Promise((resolve) => setTimeout(resolve, POLL_INTERVAL_MS));
  }
  throw new RuntimeError(
    "nats_server_timeout",
    `nats-server did not report JetStream ready in time.\n${await wait.describe()}`,
  );
}

async function readPortsFile(
  path: string,
): Promise<{ url: string; monitorUrl: string } | undefined> {
  let text: string;
  try {
    text = await Deno.readTextFile(path);
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return undefined;
    throw error;
  }
  // The server may still be writing it; an unparsable file is read again on the next poll.
  try {
    const ports = JSON.parse(text) as { nats?: string[]; monitoring?: string[] };
    const url = ports.nats?.[0];
    const monitorUrl = ports.monitoring?.[0];
    return url && monitorUrl ? { url, monitorUrl } : undefined;
  } catch {
    return undefined;
  }
}

async function jetStreamHealthy(monitorUrl: string): Promise<boolean> {
  try {
    const response = await fetch(`${monitorUrl}/healthz?js-enabled-only=true`);
    await response.body?.cancel();
    return response.ok;
  } catch {
    return false;
  }
}

function collectTail(stream: ReadableStream<Uint8Array>): { text(): string; done: Promise<void> } {
  let tail = "";
  const decoder = new TextDecoder();
  const done = (async () => {
    for await (const chunk of stream) {
      tail = (tail + decoder.decode(chunk, { stream: true })).slice(-LOG_TAIL_BYTES);
    }
  })().catch(() => {});
  return { text: () => tail, done };
}

async function readTail(path: string): Promise<string> {
  try {
    return (await Deno.readTextFile(path)).slice(-LOG_TAIL_BYTES);
  } catch {
    return "(no log)";
  }
}

function signal(child: Deno.ChildProcess, name: Deno.Signal): void {
  try {
    child.kill(name);
  } catch {
    // Already exited: the status promise settles on its own.
  }
}

async function isExecutable(path: string): Promise<boolean> {
  try {
    const info = await Deno.stat(path);
    return info.isFile && ((info.mode ?? 0o111) & 0o111) !== 0;
  } catch {
    return false;
  }
}

function missing(reason: string): RuntimeError {
  return new RuntimeError(
    "nats_server_missing",
    `${reason} Install it with \`apt-get install -y nats-server\` (Debian/Ubuntu) or download ` +
      "a release from https://github.com/nats-io/nats-server/releases (or point " +
      "NATS_SERVER_BIN at the binary), or set NATS_URL to use an existing server.",
  );
}
