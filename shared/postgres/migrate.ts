/**
 * Applies a service's SQL migrations in file-name order, each once, under an advisory lock so
 * two processes starting together do not race. The only place `sql.unsafe` runs.
 * @module
 */
import type { Sql } from "postgres";

/** Applies every `*.sql` file in `dir` not yet recorded in `schema_migrations`. */
export async function migrate(sql: Sql, service: string, dir: URL): Promise<string[]> {
  const files = [...Deno.readDirSync(dir)]
    .filter((entry) => entry.isFile && entry.name.endsWith(".sql"))
    .map((entry) => entry.name)
    .sort();
  return await sql.begin(async (tx) => {
    await tx`select pg_advisory_xact_lock(hashtext(${"migrate:" + service}))`;
    await tx`create table if not exists schema_migrations (
      service text not null, name text not null, applied_at timestamptz not null default now(),
      primary key (service, name))`;
    const done = new Set(
      (await tx<{ name: string }[]>`select name from schema_migrations where service = ${service}`)
        .map((row) => row.name),
    );
    const applied: string[] = [];
    for (const name of files.filter((f) => !done.has(f))) {
      await tx.unsafe(await Deno.readTextFile(new URL(name, dir)));
      await tx`insert into schema_migrations (service, name) values (${service}, ${name})`;
      applied.push(name);
    }
    return applied;
  });
}
