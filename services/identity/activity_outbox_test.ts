import assert from "node:assert/strict";
import postgres from "postgres";
import { connect } from "@nats-io/transport-node";
import { jetstream, jetstreamManager } from "@nats-io/jetstream";
import { ensureActivityStream } from "@ticketd/shared/activity/stream.ts";
import { activitySettings } from "@ticketd/shared/activity/settings.ts";
import { recordedActivity } from "@ticketd/shared/activity/testing.ts";
import { ACTIVITY_STREAM } from "@ticketd/shared/events/activity.ts";
import { SnowflakeGenerator } from "@ticketd/shared/ids/snowflake.ts";
import { createLogger } from "@ticketd/shared/log/logger.ts";
import { migrate } from "@ticketd/shared/postgres/migrate.ts";
import { createTestDatabase } from "../../tests/support/database.ts";
import { withNats } from "../../tests/support/nats.ts";
import { drainOutbox, enqueueActivity } from "./activity_outbox.ts";

const settings = { ...activitySettings((_name, fallback) => fallback), ackTimeoutMs: 300 };

Deno.test("drainOutbox - without the stream the rows wait; once it is back each is published once", async () => {
  const db = await createTestDatabase();
  const sql = postgres(db.url, { max: 2, transform: postgres.camel, onnotice: () => {} });
  try {
    await migrate(sql, "identity", new URL("./migrations/", import.meta.url));
    await withNats(async (url) => {
      const nc = await connect({ servers: url });
      try {
        const ids = new SnowflakeGenerator(7);
        await sql.begin(async (tx) => {
          for (const client of ["crm", "portal"]) {
            await enqueueActivity(tx as never, {
              id: ids.next(),
              at: "2026-12-04T01:00:00.000Z",
              tenant: "acme",
              actor: { id: "cli:ops", role: "admin" },
              action: "identity.client.created",
              target: { type: "client", id: client },
              outcome: "ok",
              source: { ip: null, requestId: "cli-1" },
            });
          }
        });
        const log = createLogger("error", {}, { write: () => Promise.resolve() });
        const deps = { sql, js: jetstream(nc), nextId: () => ids.next(), settings, log };
        await assert.rejects(() => drainOutbox(deps));
        const [{ n }] = await sql`select count(*)::int as n from identity_activity_outbox`;
        assert.equal(n, 2, "nothing is deleted without an ack");

        const jsm = await jetstreamManager(nc);
        await ensureActivityStream(jsm, settings);
        assert.equal(await drainOutbox(deps), 2);
        assert.equal(await drainOutbox(deps), 0);
        const facts = await recordedActivity(jsm, "identity.client.created");
        assert.deepEqual(facts.map((f) => f.target.id), ["crm", "portal"]);
        assert.equal((await jsm.streams.info(ACTIVITY_STREAM)).state.messages, 2);
      } finally {
        await nc.close();
      }
    });
  } finally {
    await sql.end();
    await db.drop();
  }
});
