import assert from "node:assert/strict";
import postgres from "postgres";
import { createTestDatabase, quoteTestName, testAdminUrl } from "./database.ts";
import { RuntimeError } from "../../shared/runtime/runtime_error.ts";

async function databaseExists(name: string): Promise<boolean> {
  const admin = postgres(testAdminUrl(), { max: 1 });
  try {
    const rows = await admin`select 1 from pg_database where datname = ${name}`;
    return rows.length === 1;
  } finally {
    await admin.end();
  }
}

Deno.test("createTestDatabase - a fresh database that drop() removes, even while in use", async () => {
  const db = await createTestDatabase();
  assert.match(db.name, /^ticketd_test_[a-z0-9]+$/);
  assert.equal(new URL(db.url).pathname, `/${db.name}`);
  const sql = postgres(db.url, { max: 1 });
  try {
    const [{ current_database }] = await sql`select current_database()`;
    assert.equal(current_database, db.name);
    await sql`create table probe (id int)`;
    assert.ok(await databaseExists(db.name));
    // drop() forces out the connection still open here.
    await db.drop();
    await db.drop();
    assert.equal(await databaseExists(db.name), false);
  } finally {
    await sql.end({ timeout: 0 });
  }
});

Deno.test("createTestDatabase - two databases do not share tables", async () => {
  const [a, b] = await Promise.all([createTestDatabase(), createTestDatabase()]);
  const sqlA = postgres(a.url, { max: 1 });
  const sqlB = postgres(b.url, { max: 1 });
  try {
    assert.notEqual(a.name, b.name);
    await sqlA`create table only_a (id int)`;
    const [{ n }] = await sqlB`select count(*)::int as n from pg_tables where tablename = 'only_a'`;
    assert.equal(n, 0);
  } finally {
    await sqlA.end();
    await sqlB.end();
    await a.drop();
    await b.drop();
  }
});

Deno.test("quoteTestName - refuses names it did not generate", () => {
  assert.equal(quoteTestName("ticketd_test_abc123"), '"ticketd_test_abc123"');
  for (const bad of ['ticketd_test_x"; drop database postgres; --', "postgres", "ticketd_test_"]) {
    assert.throws(() => quoteTestName(bad), (error: unknown) => {
      assert.ok(error instanceof RuntimeError);
      assert.equal(error.code, "invalid_database_name");
      return true;
    });
  }
});
