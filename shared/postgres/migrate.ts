/**
 * Applies a service's SQL migrations in file-name order, each once, under an advisory lock so
 * two processes starting together do not race. Rolls forward only: each applied file's sha256 is
 * recorded, and a start refuses a database whose history this code does not match (an applied
 * file edited, a migration from a newer build, a new file sorting before applied ones). The only
 * place `sql.unsafe` runs. The rules for writing migrations are in docs/operations.md.
 * @module
 */
import type { Sql } from "postgres";

/** Why the migrations did not run: `code` is stable, the message names the file. */
export class MigrationError extends Error {
  constructor(
    readonly code: "migration_changed" | "migration_unknown" | "migration_out_of_order",
    message: string,
  ) {
    super(message);
    this.name = "MigrationError";
  }
}

/** A migration file of this build. */
export interface MigrationFile {
  name: string;
  text: string;
  sha256: string;
}

/** A row of `schema_migrations`; `sha256` is null for rows recorded before checksums existed. */
export interface AppliedMigration {
  name: string;
  sha256: string | null;
}

/** What to do: the files to apply, in order, and the rows whose checksum to fill in. */
export interface MigrationPlan {
  pending: MigrationFile[];
  backfill: MigrationFile[];
}

/**
 * Pure: compares this build's files with what the database recorded, or throws a
 * {@link MigrationError} naming the first file that makes rolling forward unsafe.
 */
export function planMigrations(
  service: string,
  files: MigrationFile[],
  applied: AppliedMigration[],
): MigrationPlan {
  const byName = new Map(files.map((file) => [file.name, file]));
  const unknown = applied.filter((row) => !byName.has(row.name)).map((row) => row.name).sort();
  if (unknown.length > 0) {
    throw new MigrationError(
      "migration_unknown",
      `${service}: the database holds migration ${unknown.join(", ")} that this build does not ` +
        `know: a newer Ticketd ran on it, and a downgrade is refused (restore a backup taken ` +
        `before the upgrade, or run the newer build)`,
    );
  }
  const backfill: MigrationFile[] = [];
  for (const row of applied) {
    const file = byName.get(row.name)!;
    // Rows from before checksums (one identity file was edited after release) take the file's.
    if (row.sha256 === null) backfill.push(file);
    else if (row.sha256 !== file.sha256) {
      throw new MigrationError(
        "migration_changed",
        `${service}: migration ${row.name} changed after it was applied (sha256 ${
          row.sha256.slice(0, 12)
        }..., the file now ${file.sha256.slice(0, 12)}...); put the change in a new migration ` +
          `and restore the applied file as it was`,
      );
    }
  }
  const done = new Set(applied.map((row) => row.name));
  const last = applied.map((row) => row.name).sort().at(-1);
  const pending = files.filter((file) => !done.has(file.name));
  const early = pending.find((file) => last !== undefined && file.name < last);
  if (early) {
    throw new MigrationError(
      "migration_out_of_order",
      `${service}: migration ${early.name} is new but sorts before the applied ${last}; ` +
        `rename it to sort after every applied migration`,
    );
  }
  return { pending, backfill };
}

/** The `*.sql` files of `dir`, sorted by name, with their sha256. */
export async function readMigrationFiles(dir: URL): Promise<MigrationFile[]> {
  const names = [...Deno.readDirSync(dir)]
    .filter((entry) => entry.isFile && entry.name.endsWith(".sql"))
    .map((entry) => entry.name)
    .sort();
  return await Promise.all(names.map(async (name) => {
    const bytes = await Deno.readFile(new URL(name, dir));
    return { name, text: new TextDecoder().decode(bytes), sha256: await sha256Hex(bytes) };
  }));
}

/** Applies every `*.sql` file in `dir` not yet recorded in `schema_migrations`; returns them. */
export async function migrate(sql: Sql, service: string, dir: URL): Promise<string[]> {
  const files = await readMigrationFiles(dir);
  return await sql.begin(async (tx) => {
    await tx`select pg_advisory_xact_lock(hashtext(${"migrate:" + service}))`;
    await tx`create table if not exists schema_migrations (
      service text not null, name text not null, applied_at timestamptz not null default now(),
      primary key (service, name))`;
    await tx`alter table schema_migrations add column if not exists sha256 text`;
    const applied = await tx<AppliedMigration[]>`
      select name, sha256 from schema_migrations where service = ${service}`;
    const plan = planMigrations(service, files, applied);
    for (const file of plan.backfill) {
      await tx`update schema_migrations set sha256 = ${file.sha256}
        where service = ${service} and name = ${file.name}`;
    }
    for (const file of plan.pending) {
      await tx.unsafe(file.text);
      await tx`insert into schema_migrations (service, name, sha256)
        values (${service}, ${file.name}, ${file.sha256})`;
    }
    return plan.pending.map((file) => file.name);
  });
}

async function sha256Hex(bytes: Uint8Array): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", bytes as BufferSource));
  return Array.from(digest, (b) => b.toString(16).padStart(2, "0")).join("");
}
