import { equal, ok } from "node:assert/strict";
import { connect } from "@nats-io/transport-node";
import { jetstream, jetstreamManager } from "@nats-io/jetstream";
import postgres from "postgres";
import { createLogger } from "@ticketd/shared/log/logger.ts";
import { createTestDatabase } from "../../../tests/support/database.ts";
import { startTestNats } from "../../../tests/support/nats.ts";
import { measureIngestion } from "./measure_ingestion.ts";

Deno.test("measureIngestion - ingests every published commit and reports the rates", {
  sanitizeOps: false,
  sanitizeResources: false,
}, async () => {
  const nats = await startTestNats();
  const db = await createTestDatabase();
  const nc = await connect({ servers: nats.url });
  const sql = postgres(db.url, { max: 4, transform: postgres.camel, onnotice: () => {} });
  try {
    const rate = await measureIngestion({
      js: jetstream(nc),
      jsm: await jetstreamManager(nc),
      sql,
      log: createLogger("error"),
    }, { count: 20_000 });
    console.log(rate);
    const [row] = await sql<{ count: string }[]>`select count(*) from audit_entries`;
    equal(Number(row.count), 20_000);
    ok(rate.ingestPerSecond > 0 && rate.publishPerSecond > 0);
  } finally {
    await nc.drain();
    await sql.end();
    await db.drop();
    await nats.stop();
  }
});
