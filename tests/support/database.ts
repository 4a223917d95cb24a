/**
 * A throwaway database on the test PostgreSQL server, one per test, so tests never share
 * tables. The server comes from `TEST_DATABASE_ADMIN_URL` (a role allowed to create databases),
 * default `postgres://postgres@127.0.0.1:5432/postgres`.
 * @module
 */
import postgres from "postgres";
import { RuntimeError } from "../../shared/runtime/runtime_error.ts";

const DEFAULT_ADMIN_URL = "postgres://postgres@127.0.0.1:5432/postgres";
// Only names we made ourselves reach `sql.unsafe`: lower-case, a fixed prefix, under 63 bytes.
const TEST_DATABASE_NAME = /^ticketd_test_[a-z0-9_]{1,49}$/;

export interface TestDatabase {
  /** URL of the new database: the admin URL with its database name replaced. */
  url: string;
  /** The database name, `ticketd_test_<random>`. */
  name: string;
  /** Drops the database, closing any connections still open to it; safe to call twice. */
  drop(): Promise<void>;
}

/** The admin URL tests create databases through. */
export function testAdminUrl(): string {
  return Deno.env.get("TEST_DATABASE_ADMIN_URL") ?? DEFAULT_ADMIN_URL;
}

/** Creates an empty database with a unique name and returns its URL. */
export async function createTestDatabase(): Promise<TestDatabase> {
  const adminUrl = testAdminUrl();
  const name = `ticketd_test_${crypto.randomUUID().replaceAll("-", "").slice(0, 16)}`;
  await withAdmin(adminUrl, (sql) => sql.unsafe(`create database ${quoteTestName(name)}`));
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  let dropping: Promise<void> | undefined;
  return {
    url: url.href,
    name,
    drop: () =>
      dropping ??= withAdmin(
        adminUrl,
        (sql) => sql.unsafe(`drop database if exists ${quoteTestName(name)} with (force)`),
      ),
  };
}

/** Quotes a test database name for DDL, refusing anything we would not have generated. */
export function quoteTestName(name: string): string {
  if (!TEST_DATABASE_NAME.test(name)) {
    throw new RuntimeError("invalid_database_name", `Not a test database name: ${name}`);
  }
  return `"${name}"`;
}

async function withAdmin(url: string, fn: (sql: postgres.Sql) => Promise<unknown>): Promise<void> {
  // Notices such as "database does not exist, skipping" are expected here, not news.
  const sql = postgres(url, { max: 1, onnotice: () => {} });
  try {
    await fn(sql);
  } finally {
    await sql.end();
  }
}
