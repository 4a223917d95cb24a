/**
 * A real PostgreSQL (Debian's /usr/lib/postgresql/<v>/bin) for the native stack when no
 * DATABASE_URL is given: a cluster made once in `dir` with `ssl=on` and a pg_hba that admits
 * TLS connections only (`hostssl`), on 127.0.0.1. PGlite cannot serve TLS, hence this. As root,
 * the cluster belongs to user `postgres` (initdb refuses root).
 * @module
 */
import { join } from "node:path";
import { StackError } from "./stack_error.ts";

const BIN_DIRS = [
  "/usr/lib/postgresql/17/bin",
  "/usr/lib/postgresql/16/bin",
  "/usr/lib/postgresql/15/bin",
];
const START_TIMEOUT_MS = 20_000;
const SETPRIV_POSTGRES = ["--reuid=postgres", "--regid=postgres", "--init-groups"];

export interface TlsPostgres {
  /** `postgres://postgres@127.0.0.1:<port>/postgres?sslmode=verify-full` */
  url: string;
  stop(): Promise<void>;
}

/** Starts (making it first if needed) a TLS-only cluster in `dir` on `port`. */
export async function startTlsPostgres(
  dir: string,
  port: number,
  tls: { certFile: string; keyFile: string },
): Promise<TlsPostgres> {
  const bin = await postgresBinDir();
  const asRoot = Deno.uid() === 0;
  const run = (cmd: string, args: string[]) =>
    // setpriv execs the command itself, so signals reach postgres (runuser would sit between).
    new Deno.Command(asRoot ? "setpriv" : cmd, {
      args: asRoot ? [...SETPRIV_POSTGRES, "--", cmd, ...args] : args,
      stdin: "null",
      stdout: "piped",
      stderr: "piped",
    });
  const data = join(dir, "data");
  if (!(await exists(join(data, "PG_VERSION")))) {
    await Deno.mkdir(data, { recursive: true });
    if (asRoot) await chownToPostgres(dir);
    const made = await run(join(bin, "initdb"), ["-D", data, "-U", "postgres", "-A", "trust"])
      .output();
    if (!made.success) {
      throw new StackError(
        "postgres_failed",
        `initdb failed: ${new TextDecoder().decode(made.stderr).trim()}` +
          (asRoot ? " (user postgres must be able to enter every folder above it)" : ""),
      );
    }
  }
  // The server reads its key only if it owns it with mode 0600: a copy inside the cluster.
  await Deno.copyFile(tls.certFile, join(data, "server.crt"));
  await Deno.copyFile(tls.keyFile, join(data, "server.key"));
  await Deno.chmod(join(data, "server.key"), 0o600);
  await Deno.writeTextFile(join(data, "pg_hba.conf"), "hostssl all all 127.0.0.1/32 trust\n");
  if (asRoot) await chownToPostgres(dir);
  const server = run(join(bin, "postgres"), [
    ...["-D", data, "-p", String(port), "-h", "127.0.0.1", "-k", dir],
    ...["-c", "ssl=on", "-c", "ssl_cert_file=server.crt", "-c", "ssl_key_file=server.key"],
    ...["-c", "ssl_min_protocol_version=TLSv1.2", "-c", `log_directory=${dir}`],
  ]).spawn();
  server.stdout.cancel();
  const log = new Response(server.stderr).text();
  const url = `postgres://postgres@127.0.0.1:${port}/postgres?sslmode=verify-full`;
  const stop = async () => {
    try {
      server.kill("SIGINT"); // "fast" shutdown: rolls back open transactions, then exits
    } catch { /* already gone */ }
    await server.status;
  };
  if (!(await ready(bin, port, server))) {
    await stop();
    throw new StackError(
      "postgres_failed",
      `PostgreSQL did not start on port ${port}:\n${(await log).slice(-2000)}`,
    );
  }
  return { url, stop };
}

async function ready(bin: string, port: number, server: Deno.ChildProcess): Promise<boolean> {
  let exited = false;
  server.status.then(() => exited = true);
  const deadline = Date.now() + START_TIMEOUT_MS;
  while (Date.now() < deadline && !exited) {
    const probe = await new Deno.Command(join(bin, "pg_isready"), {
      args: ["-h", "127.0.0.1", "-p", String(port), "-U", "postgres", "-q"],
    }).output();
    if (probe.success) return true;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return false;
}

async function postgresBinDir(): Promise<string> {
  for (const dir of BIN_DIRS) if (await exists(join(dir, "postgres"))) return dir;
  throw new StackError(
    "postgres_failed",
    "No PostgreSQL server binaries (apt-get install -y postgresql), or set DATABASE_URL",
  );
}

async function chownToPostgres(dir: string): Promise<void> {
  const done = await new Deno.Command("chown", { args: ["-R", "postgres:postgres", dir] })
    .output();
  if (!done.success) throw new StackError("postgres_failed", `cannot give ${dir} to user postgres`);
}

async function exists(path: string): Promise<boolean> {
  return await Deno.stat(path).then(() => true, () => false);
}
