/**
 * PostgreSQL without a server install: PGlite (Postgres compiled to WASM, in this process)
 * persisted in `dataDir`, served over the Postgres wire protocol by `PGLiteSocketServer` on
 * 127.0.0.1, so postgres.js connects to `url` exactly as it would to a real server.
 *
 * What we found in @electric-sql/pglite-socket 0.2.17 and @electric-sql/pglite 0.5.14
 * (PostgreSQL 18 inside), and why this module looks the way it does:
 *
 * - One backend. PGlite is a single Postgres session. The socket server's `maxConnections`
 *   (default 1) only admits more sockets and interleaves their protocol messages into that
 *   one session, so extra clients gain nothing in throughput and share session state
 *   (`SET`, prepared statements, temp tables, an error that leaves another client's
 *   half-sent extended query skipped up to its Sync). We keep it at 1: give postgres.js
 *   `max: maxConnections`. Concurrent queries then queue in postgres.js on one connection;
 *   `sql.begin` reserves it, exactly as with a pool of one against a real server.
 * - A connection over the limit is not refused in protocol terms: the server writes the text
 *   "Too many connections" and closes, and postgres.js keeps retrying, so the query hangs
 *   instead of failing. Do not point a second client (psql, a second pool) at a running
 *   instance.
 * - Because every client lands in the same session, we run `DISCARD ALL` when a client
 *   connects, so it starts like a fresh backend and does not inherit the previous client's
 *   settings or prepared statements (postgres.js reconnects after `max_lifetime`).
 *   A client that disconnects inside a transaction has it rolled back by pglite-socket.
 * - No lock on `dataDir`: two processes opening the same directory corrupt it.
 * - A fresh `dataDir` runs initdb (about 5 s here); reopening one takes under a second.
 *   Committed data survives `stop()` and a restart, and even a SIGKILL (Postgres replays its
 *   WAL on the next open); still, call `stop()` on SIGINT/SIGTERM.
 * - No authentication and no TLS, so 127.0.0.1 only. Any user, password and database name
 *   are accepted, and the session is always user `postgres` in database `postgres`.
 * - postgres.js (not PGlite, real Postgres too) types an array parameter from its first
 *   element, so an array of JS bigints goes out as a scalar int8 and fails against `bigint[]`;
 *   pass decimal strings (as our snowflake ids are). `bigint[]` comes back as strings unless
 *   the client sets `types: { bigint: postgres.BigInt }`.
 * @module
 */
import { PGlite } from "@electric-sql/pglite";
import { PGLiteSocketServer } from "@electric-sql/pglite-socket";
import { RuntimeError } from "./runtime_error.ts";

/** pglite-socket multiplexes extra sockets into one session; see the module comment. */
const MAX_CONNECTIONS = 1;

export interface EmbeddedPostgresOptions {
  /** Database files; created (initdb) if empty, reopened otherwise. */
  dataDir: string;
  /** TCP port on 127.0.0.1; by default one the kernel picks. */
  port?: number;
}

export interface EmbeddedPostgres {
  /** `postgres://postgres@127.0.0.1:<port>/postgres`. */
  url: string;
  /** How many connections a client pool may open at once (postgres.js `max`). */
  maxConnections: number;
  /** Closes the listener and client sockets, then the database; safe to call more than once. */
  stop(): Promise<void>;
}

/** Opens (or creates) the database in `dataDir` and serves it on 127.0.0.1. */
export async function startEmbeddedPostgres(
  options: EmbeddedPostgresOptions,
): Promise<EmbeddedPostgres> {
  await Deno.mkdir(options.dataDir, { recursive: true });
  let db: PGlite;
  try {
    db = await PGlite.create({ dataDir: options.dataDir });
  } catch (error) {
    throw new RuntimeError(
      "embedded_postgres_failed",
      `PGlite could not open ${options.dataDir}: ${describe(error)}`,
      { cause: error },
    );
  }

  const server = new PGLiteSocketServer({
    db,
    host: "127.0.0.1",
    port: options.port ?? 0,
    maxConnections: MAX_CONNECTIONS,
  });
  server.addEventListener("connection", () => {
    // Queued on PGlite's query lock before the client's startup message can be, so it runs
    // first. If it fails the client merely inherits the previous session's state.
    db.exec("DISCARD ALL").catch(() => {});
  });
  try {
    await server.start();
  } catch (error) {
    await db.close();
    throw new RuntimeError(
      "embedded_postgres_failed",
      `Could not listen on 127.0.0.1:${options.port ?? 0}: ${describe(error)}`,
      { cause: error },
    );
  }

  let stopping: Promise<void> | undefined;
  const stop = () =>
    stopping ??= (async () => {
      // The server's close callback waits for every client socket, and pglite-socket only
      // destroys a socket after rolling back its open transaction, so the db is idle here.
      await server.stop();
      await db.close();
    })();

  return {
    url: `postgres://postgres@${server.getServerConn()}/postgres`,
    maxConnections: MAX_CONNECTIONS,
    stop,
  };
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
