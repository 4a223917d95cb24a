/**
 * Where a replay writes: a fresh schema (the default, `audit_replay_<time>`) in the live
 * database or in another one, reached through the connection's search path, so the same
 * migrations and queries build the same tables there.
 * @module
 */
import postgres, { type Sql } from "postgres";

const SCHEMA = /^[a-z_][a-z0-9_]{0,62}$/;

/** A schema name for a replay started at `now`. */
export function replaySchemaName(now: Date): string {
  return `audit_replay_${now.toISOString().replace(/[-:T]/g, "").slice(0, 14)}`;
}

/** Creates `schema` (it must not exist) in `databaseUrl`; returns a connection writing there. */
export async function openReplayTarget(databaseUrl: string, schema: string): Promise<Sql> {
  if (!SCHEMA.test(schema) || schema === "public") {
    throw new TypeError(`"${schema}" is not a fresh schema name (lower case, digits, _)`);
  }
  const admin = postgres(databaseUrl, { max: 1, onnotice: () => {} });
  try {
    // The name was checked above: only then does it reach DDL.
    await admin.unsafe(`create schema "${schema}"`);
  } finally {
    await admin.end();
  }
  return postgres(databaseUrl, {
    max: 2,
    transform: postgres.camel,
    onnotice: () => {},
    connection: { search_path: schema },
  });
}
