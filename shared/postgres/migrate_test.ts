import assert from "node:assert/strict";
import postgres, { type Sql } from "postgres";
import { createTestDatabase } from "../../tests/support/database.ts";
import { migrate, MigrationError, planMigrations } from "./migrate.ts";

/** A throwaway migrations folder and a fresh database; both removed afterwards. */
async function withMigrations(fn: (sql: Sql, dir: URL) => Promise<void>): Promise<void> {
  const db = await createTestDatabase();
  const path = await Deno.makeTempDir({ prefix: "ticketd_migrations_" });
  const sql = postgres(db.url, { max: 2, onnotice: () => {} });
  try {
    await fn(sql, new URL(`file://${path}/`));
  } finally {
    await sql.end({ timeout: 5 });
    await db.drop();
    await Deno.remove(path, { recursive: true });
  }
}

const write = (dir: URL, name: string, text: string) =>
  Deno.writeTextFile(new URL(name, dir), text);

async function refusal(run: Promise<unknown>): Promise<MigrationError> {
  const error = await run.then(() => null, (e) => e);
  assert.ok(error instanceof MigrationError, `expected a MigrationError, got ${error}`);
  return error;
}

Deno.test("migrate - applies new files in name order once and records each file's sha256", async () => {
  await withMigrations(async (sql, dir) => {
    await write(dir, "002_b.sql", "alter table a add column b int;");
    await write(dir, "001_a.sql", "create table a (id int);");
    assert.deepEqual(await migrate(sql, "svc", dir), ["001_a.sql", "002_b.sql"]);
    assert.deepEqual(await migrate(sql, "svc", dir), []);
    const rows = await sql`select name, sha256 from schema_migrations order by name`;
    assert.deepEqual(rows.map((row) => row.name), ["001_a.sql", "002_b.sql"]);
    for (const row of rows) assert.match(row.sha256, /^[0-9a-f]{64}$/);
  });
});

Deno.test("migrate - rolls forward: a later file is applied on the next start", async () => {
  await withMigrations(async (sql, dir) => {
    await write(dir, "001_a.sql", "create table a (id int);");
    await migrate(sql, "svc", dir);
    await write(dir, "002_b.sql", "alter table a add column b int;");
    assert.deepEqual(await migrate(sql, "svc", dir), ["002_b.sql"]);
    await sql`insert into a (id, b) values (1, 2)`;
  });
});

Deno.test("migrate - refuses to start when an applied file changed, naming the file", async () => {
  await withMigrations(async (sql, dir) => {
    await write(dir, "001_a.sql", "create table a (id int);");
    await migrate(sql, "svc", dir);
    await write(dir, "001_a.sql", "create table a (id int, edited int);");
    await write(dir, "002_b.sql", "create table b (id int);");
    const error = await refusal(migrate(sql, "svc", dir));
    assert.equal(error.code, "migration_changed");
    assert.match(error.message, /svc: migration 001_a\.sql changed after it was applied/);
    const [{ exists }] = await sql`select to_regclass('b') is not null as exists`;
    assert.equal(exists, false, "nothing after the refusal ran");
  });
});

Deno.test("migrate - refuses a downgrade: the database holds a migration this build does not know", async () => {
  await withMigrations(async (sql, dir) => {
    await write(dir, "001_a.sql", "create table a (id int);");
    await write(dir, "002_b.sql", "create table b (id int);");
    await migrate(sql, "svc", dir);
    await Deno.remove(new URL("002_b.sql", dir));
    const error = await refusal(migrate(sql, "svc", dir));
    assert.equal(error.code, "migration_unknown");
    assert.match(error.message, /migration 002_b\.sql that this build does not know/);
  });
});

Deno.test("migrate - rows recorded before checksums get the file's sha256 instead of a refusal", async () => {
  await withMigrations(async (sql, dir) => {
    // The table as the runner before checksums left it.
    await sql`create table schema_migrations (
      service text not null, name text not null, applied_at timestamptz not null default now(),
      primary key (service, name))`;
    await sql`create table a (id int)`;
    await sql`insert into schema_migrations (service, name) values ('svc', '001_a.sql')`;
    await write(dir, "001_a.sql", "create table a (id int); -- edited after release");
    assert.deepEqual(await migrate(sql, "svc", dir), []);
    const [row] = await sql`select sha256 from schema_migrations where name = '001_a.sql'`;
    assert.match(row.sha256, /^[0-9a-f]{64}$/);
    await write(dir, "001_a.sql", "create table a (id int); -- edited again");
    assert.equal((await refusal(migrate(sql, "svc", dir))).code, "migration_changed");
  });
});

Deno.test("migrate - another service's rows are not this service's unknown migrations", async () => {
  await withMigrations(async (sql, dir) => {
    await write(dir, "001_a.sql", "create table a (id int);");
    await migrate(sql, "svc", dir);
    await Deno.remove(new URL("001_a.sql", dir));
    await write(dir, "001_other.sql", "create table other (id int);");
    assert.deepEqual(await migrate(sql, "other", dir), ["001_other.sql"]);
  });
});

Deno.test("planMigrations - a new file sorting before an applied one is refused by name", () => {
  const file = (name: string) => ({ name, text: "", sha256: name });
  const error = (() => {
    try {
      planMigrations("svc", [file("001_a.sql"), file("002_new.sql"), file("003_c.sql")], [
        { name: "001_a.sql", sha256: "001_a.sql" },
        { name: "003_c.sql", sha256: "003_c.sql" },
      ]);
    } catch (e) {
      return e;
    }
  })();
  assert.ok(error instanceof MigrationError);
  assert.equal(error.code, "migration_out_of_order");
  assert.match(error.message, /002_new\.sql is new but sorts before the applied 003_c\.sql/);
});
