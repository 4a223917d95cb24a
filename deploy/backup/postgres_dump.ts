/**
 * The PostgreSQL half of a backup: `pg_dump --format=custom` of the database Ticketd's services
 * share, and `pg_restore` of it. The password travels in PGPASSWORD, never on a command line
 * (where `ps` shows it); the CA of TICKETD_TLS_CA_FILE in PGSSLROOTCERT.
 * @module
 */
import postgres from "postgres";
import { postgresSsl, type TlsSettings } from "@ticketd/shared/runtime/tls_settings.ts";

/** A pg_dump or pg_restore that failed; the message carries its last lines. */
export class DumpError extends Error {
  override name = "DumpError";
}

/** Dumps the database of `url` into `file` (custom format). */
export async function dumpDatabase(url: string, file: string, tls: TlsSettings): Promise<void> {
  await runPgTool("pg_dump", ["--format=custom", "--no-owner", `--file=${file}`], url, tls);
}

/**
 * Restores `file` into the database of `url`, in one transaction; `replace` first drops what the
 * dump holds, else the database must be empty ({@link userTableCount}).
 */
export async function restoreDatabase(
  url: string,
  file: string,
  tls: TlsSettings,
  replace: boolean,
): Promise<void> {
  const args = ["--no-owner", "--exit-on-error", "--single-transaction"];
  if (replace) args.push("--clean", "--if-exists");
  await runPgTool("pg_restore", [...args, file], url, tls);
}

/** How many tables outside PostgreSQL's own schemas the database holds. */
export async function userTableCount(url: string, tls: TlsSettings): Promise<number> {
  const sql = postgres(url, { max: 1, onnotice: () => {}, ...postgresSsl(url, tls) });
  try {
    const [{ count }] = await sql<{ count: number }[]>`select count(*)::int as count
      from pg_tables where schemaname not in ('pg_catalog', 'information_schema')`;
    return count;
  } finally {
    await sql.end({ timeout: 5 });
  }
}

/** `pg_dump --version`, e.g. "pg_dump (PostgreSQL) 15.20". */
export async function pgDumpVersion(): Promise<string> {
  const output = await new Deno.Command("pg_dump", { args: ["--version"] }).output();
  return new TextDecoder().decode(output.stdout).trim();
}

async function runPgTool(tool: string, args: string[], url: string, tls: TlsSettings) {
  const { dbname, env } = connectionOf(url, tls);
  let output: Deno.CommandOutput;
  try {
    output = await new Deno.Command(tool, {
      args: [...args, `--dbname=${dbname}`],
      env,
      stdin: "null",
    }).output();
  } catch (error) {
    if (!(error instanceof Deno.errors.NotFound)) throw error;
    throw new DumpError(`${tool} is not installed (apt-get install postgresql-client)`);
  }
  if (!output.success) {
    const lines = new TextDecoder().decode(output.stderr).trim().split("\n").slice(-3);
    throw new DumpError(`${tool} failed (exit ${output.code}): ${lines.join(" | ")}`);
  }
}

/** The URL without its password, and the environment that carries the password and the CA. */
function connectionOf(url: string, tls: TlsSettings) {
  const parsed = new URL(url);
  const env: Record<string, string> = {};
  if (parsed.password) env.PGPASSWORD = decodeURIComponent(parsed.password);
  parsed.password = "";
  if (tls.ca) env.PGSSLROOTCERT = tls.ca.file;
  return { dbname: parsed.href, env };
}
