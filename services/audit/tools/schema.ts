/**
 * The `--schema` arguments of the audit commands, checked with a clear line instead of a
 * PostgreSQL error: a fresh schema to write into must have a valid name and not exist yet; a
 * schema to read must exist and hold an audit log.
 * @module
 */
import type { Sql } from "postgres";
import { openReplayTarget } from "../replay_target.ts";
import { ToolError, usage } from "./cli.ts";

/** A connection writing into the fresh `schema` of `databaseUrl` (created here). */
export async function openFreshSchema(databaseUrl: string, schema: string): Promise<Sql> {
  try {
    return await openReplayTarget(databaseUrl, schema);
  } catch (error) {
    if (error instanceof TypeError) usage(`--schema: ${error.message}`);
    if ((error as { code?: string }).code === "42P06") {
      usage(`--schema: schema "${schema}" already exists: choose a new name (or drop it first)`);
    }
    throw error;
  }
}

/** Refuses `schema` unless it exists in `sql`'s database with an `audit_entries` table. */
export async function checkAuditSchema(sql: Sql, schema: string): Promise<void> {
  const [found] = await sql<{ schema: boolean; log: boolean }[]>`
    select exists (select 1 from pg_namespace where nspname = ${schema}) as schema,
      exists (
        select 1 from pg_tables where schemaname = ${schema} and tablename = 'audit_entries'
      ) as log`;
  if (!found.schema) {
    usage(`--schema: no schema "${schema}" in the database (see \\dn in psql)`);
  }
  if (!found.log) {
    throw new ToolError(`schema "${schema}" holds no audit log (no audit_entries table)`);
  }
}
