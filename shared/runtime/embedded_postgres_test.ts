import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";
import postgres from "postgres";
import { startEmbeddedPostgres } from "./embedded_postgres.ts";

const CHILD = fileURLToPath(new URL("./testdata/embedded_postgres_child.ts", import.meta.url));
const CONFIG = fileURLToPath(new URL("../../deno.json", import.meta.url));

function client(url: string, max = 1): postgres.Sql {
  return postgres(url, { max, onnotice: () => {} });
}

Deno.test("startEmbeddedPostgres - postgres.js works unchanged on one connection", async (t) => {
  const dataDir = await Deno.makeTempDir({ prefix: "embedded_pg_test_" });
  try {
    const pg = await startEmbeddedPostgres({ dataDir });
    assert.equal(pg.maxConnections, 1);
    assert.match(pg.url, /^postgres:\/\/postgres@127\.0\.0\.1:\d+\/postgres$/);
    const sql = client(pg.url, pg.maxConnections);

    await t.step("schema with bigint[] + GIN, text[], jsonb, timestamptz", async () => {
      await sql`
        create table items (
          id bigint primary key,
          title text not null,
          refs bigint[] not null default '{}',
          tags text[] not null default '{}',
          doc jsonb not null default '{}',
          at timestamptz not null
        )`;
      await sql`create index items_refs on items using gin (refs)`;
    });

    await t.step("multi-row insert with on conflict do update", async () => {
      const at = new Date("2024-05-01T12:00:00.123Z");
      const rows = [1, 2, 3].map((n) => ({
        id: n,
        title: `t${n}`,
        refs: [String(n), "9007199254740993"], // ids as decimal strings, past 2^53
        tags: sql.array([`tag${n}`, "all"]),
        doc: sql.json({ n, nested: { ok: true } }),
        at,
      }));
      await sql`insert into items ${sql(rows)}`;
      rows[0].title = "t1 again";
      const upserted = await sql`
        insert into items ${sql(rows)}
        on conflict (id) do update set title = excluded.title
        returning id, title`;
      assert.equal(upserted.count, 3);
      const [one] = await sql`select * from items where id = ${1}`;
      assert.equal(one.title, "t1 again");
      assert.deepEqual(one.refs, ["1", "9007199254740993"]); // int8 arrays come back as strings
      assert.deepEqual(one.tags, ["tag1", "all"]);
      assert.deepEqual(one.doc, { n: 1, nested: { ok: true } });
      assert.equal((one.at as Date).toISOString(), at.toISOString());
    });

    await t.step("bigint[] @> uses the GIN index", async () => {
      const hits = await sql`
        select id from items where refs @> ${["9007199254740993"]}
        order by id`;
      assert.deepEqual(hits.map((r) => Number(r.id)), [1, 2, 3]);
      const two = await sql`select id from items where refs @> ${["2"]}`;
      assert.deepEqual(two.map((r) => Number(r.id)), [2]);
      const plan = await sql.begin(async (tx) => {
        await tx`set local enable_seqscan = off`;
        return await tx`explain select id from items where refs @> array[2]::bigint[]`;
      });
      assert.match(plan.map((r) => r["QUERY PLAN"]).join("\n"), /Bitmap Index Scan on items_refs/);
      const tagged = await sql`select count(*)::int as n from items where tags @> ${["tag3"]}`;
      assert.equal(tagged[0].n, 1);
      const json = await sql`select id from items where doc @> ${sql.json({ n: 2 })}`;
      assert.deepEqual(json.map((r) => Number(r.id)), [2]);
    });

    await t.step("sql.begin commits, and rolls back when the callback throws", async () => {
      await sql.begin(async (tx) => {
        await tx`update items set title = 'committed' where id = ${2}`;
      });
      await assert.rejects(
        sql.begin(async (tx) => {
          await tx`update items set title = 'lost' where id = ${3}`;
          throw new Error("abort");
        }),
        /abort/,
      );
      const titles = await sql`select id, title from items where id in ${sql([2, 3])} order by id`;
      assert.deepEqual(titles.map((r) => r.title), ["committed", "t3"]);
    });

    await t.step("50 concurrent queries and transactions queue on the one connection", async () => {
      const results = await Promise.all(
        Array.from({ length: 50 }, (_, i) =>
          i % 5 === 0
            ? sql.begin(async (tx) => {
              await tx`update items set doc = ${sql.json({ n: i })} where id = ${1}`;
              const [row] = await tx`select (doc->>'n')::int as n from items where id = ${1}`;
              return row.n as number;
            })
            : sql`select ${i}::int as n, count(*)::int as c from items`.then(([r]) =>
              r.n as number
            )),
      );
      assert.deepEqual(results, Array.from({ length: 50 }, (_, i) => i));
    });

    await t.step("data survives stop and start", async () => {
      await sql.end();
      await pg.stop();
      await pg.stop(); // idempotent
      const again = await startEmbeddedPostgres({ dataDir });
      const sql2 = client(again.url);
      try {
        const [{ n }] = await sql2`select count(*)::int as n from items`;
        assert.equal(n, 3);
        const [two] = await sql2`select title from items where id = ${2}`;
        assert.equal(two.title, "committed");
      } finally {
        await sql2.end();
        await again.stop();
      }
    });
  } finally {
    await Deno.remove(dataDir, { recursive: true });
  }
});

Deno.test("startEmbeddedPostgres - each client starts with a clean session", async () => {
  const dataDir = await Deno.makeTempDir({ prefix: "embedded_pg_test_" });
  const pg = await startEmbeddedPostgres({ dataDir });
  try {
    const first = client(pg.url);
    await first`create table marks (label text)`;
    await first`set application_name = 'first'`;
    // Disconnect in the middle of a transaction: pglite-socket must roll it back.
    let inside!: () => void;
    const entered = new Promise<void>((resolve) => inside = resolve);
    const tx = first.begin(async (tx) => {
      await tx`insert into marks values ('uncommitted')`;
      inside();
      await new Promise((resolve) => setTimeout(resolve, 200));
    }).catch((error) => error);
    await entered;
    await first.end({ timeout: 0 });
    assert.ok(await tx instanceof Error);

    const second = client(pg.url);
    try {
      const [{ application_name }] = await second`show application_name`;
      assert.equal(application_name, "");
      const [{ n }] = await second`select count(*)::int as n from marks`;
      assert.equal(n, 0);
    } finally {
      await second.end();
    }
  } finally {
    await pg.stop();
    await Deno.remove(dataDir, { recursive: true });
  }
});

Deno.test("startEmbeddedPostgres - a second connection waits rather than fails", async () => {
  const dataDir = await Deno.makeTempDir({ prefix: "embedded_pg_test_" });
  const pg = await startEmbeddedPostgres({ dataDir });
  const first = client(pg.url);
  const second = client(pg.url);
  try {
    await first`select 1`;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const outcome = await Promise.race([
      second`select 1`.then(() => "answered", () => "failed"),
      new Promise((resolve) => timer = setTimeout(() => resolve("waiting"), 1_000)),
    ]);
    clearTimeout(timer);
    // Documents pglite-socket's limit (see the module comment): pools must use maxConnections.
    assert.equal(outcome, "waiting");
  } finally {
    await second.end({ timeout: 0 });
    await first.end();
    await pg.stop();
    await Deno.remove(dataDir, { recursive: true });
  }
});

Deno.test("startEmbeddedPostgres - Ctrl-C stops cleanly and a SIGKILL loses no commit", async () => {
  const dataDir = await Deno.makeTempDir({ prefix: "embedded_pg_test_" });
  try {
    assert.deepEqual(await runChild(dataDir, "clean", "SIGINT"), { code: 0, stdout: "stopped" });
    assert.equal((await runChild(dataDir, "killed", "SIGKILL")).code, 137);
    const pg = await startEmbeddedPostgres({ dataDir });
    const sql = client(pg.url);
    try {
      const rows = await sql`select label from marks order by label`;
      assert.deepEqual(rows.map((r) => r.label), ["clean", "killed"]);
    } finally {
      await sql.end();
      await pg.stop();
    }
  } finally {
    await Deno.remove(dataDir, { recursive: true });
  }
});

/** Runs the fixture until it prints `ready`, sends `signal`, returns its exit and later output. */
async function runChild(
  dataDir: string,
  label: string,
  signal: Deno.Signal,
): Promise<{ code: number; stdout: string }> {
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", "--config", CONFIG, CHILD, dataDir, label],
    stdin: "null",
    stdout: "piped",
    stderr: "inherit",
  }).spawn();
  const lines = child.stdout.pipeThrough(new TextDecoderStream()).getReader();
  let output = "";
  while (!output.includes("\n")) {
    const { value, done } = await lines.read();
    if (done) break;
    output += value;
  }
  assert.match(output, /^ready postgres:\/\//);
  child.kill(signal);
  const status = await child.status;
  let rest = "";
  for (let chunk = await lines.read(); !chunk.done; chunk = await lines.read()) rest += chunk.value;
  return { code: status.code, stdout: (output.slice(output.indexOf("\n") + 1) + rest).trim() };
}
