/**
 * Test fixture: serves an embedded Postgres on `Deno.args[0]`, writes one committed row,
 * prints `ready <url>` and stops cleanly on SIGINT, as `deno task start` would on Ctrl-C.
 * @module
 */
import postgres from "postgres";
import { startEmbeddedPostgres } from "../embedded_postgres.ts";

const pg = await startEmbeddedPostgres({ dataDir: Deno.args[0] });
const sql = postgres(pg.url, { max: pg.maxConnections, onnotice: () => {} });
await sql`create table if not exists marks (label text primary key)`;
await sql`insert into marks values (${Deno.args[1] ?? "child"}) on conflict do nothing`;
// Left open on purpose: stop() must cope with a connected client, as on a real Ctrl-C.
Deno.addSignalListener("SIGINT", async () => {
  await pg.stop();
  console.log("stopped");
  Deno.exit(0);
});
console.log(`ready ${pg.url}`);
