import assert from "node:assert/strict";
import { connect } from "@nats-io/transport-node";
import { jetstream, jetstreamManager } from "@nats-io/jetstream";
import { ACTIVITY_STREAM, decodeActivity } from "../events/activity.ts";
import { SnowflakeGenerator } from "../ids/snowflake.ts";
import { createLogger } from "../log/logger.ts";
import { withNats } from "../../tests/support/nats.ts";
import { type ActivityInput, ActivityRecorder, ActivityUnavailable } from "./recorder.ts";
import { activitySettings } from "./settings.ts";
import { ensureActivityStream } from "./stream.ts";

const defaults = activitySettings((_name, fallback) => fallback);
const settings = { ...defaults, publishAttempts: 2, ackTimeoutMs: 300 };
const read: ActivityInput = {
  tenant: "acme",
  actor: { id: "agent-7", role: "agent" },
  action: "tickets.ticket.read",
  target: { type: "ticket", id: "42" },
  outcome: "ok",
  source: { ip: "10.0.0.5", requestId: "req-1" },
};

async function withRecorder(
  fn: (recorder: ActivityRecorder, nc: Awaited<ReturnType<typeof connect>>) => Promise<void>,
) {
  await withNats(async (url) => {
    const nc = await connect({ servers: url });
    try {
      await ensureActivityStream(await jetstreamManager(nc), defaults);
      const ids = new SnowflakeGenerator(3);
      const recorder = new ActivityRecorder({
        js: jetstream(nc),
        service: "tickets",
        nextId: () => ids.next(),
        now: () => new Date("2026-12-03T10:00:00Z"),
        settings,
        log: createLogger("error", {}, { write: () => Promise.resolve() }),
      });
      await fn(recorder, nc);
    } finally {
      await nc.close();
    }
  });
}

Deno.test("ActivityRecorder - a fact is stored on its service's subject, with id and time", async () => {
  await withRecorder(async (recorder, nc) => {
    const fact = await recorder.record(read);
    const jsm = await jetstreamManager(nc);
    const stored = await jsm.streams.getMessage(ACTIVITY_STREAM, { seq: 1 });
    assert.equal(stored!.subject, "activity.acme.tickets");
    assert.equal(stored!.header.get("Nats-Msg-Id"), `activity:${fact.id}`);
    assert.deepEqual(decodeActivity(stored!.data), { ...read, id: fact.id, at: fact.at });
    assert.equal(fact.at, "2026-12-03T10:00:00.000Z");
  });
});

Deno.test("ensureActivityStream - file storage, kept forever by default, a bounded age when set", async () => {
  await withNats(async (url) => {
    const nc = await connect({ servers: url });
    try {
      const jsm = await jetstreamManager(nc);
      await ensureActivityStream(jsm, defaults);
      const forever = (await jsm.streams.info(ACTIVITY_STREAM)).config;
      assert.equal(forever.storage, "file");
      assert.equal(forever.max_age, 0);
      await ensureActivityStream(jsm, { maxAgeDays: 30, duplicateWindowSeconds: 600 });
      const month = (await jsm.streams.info(ACTIVITY_STREAM)).config;
      assert.equal(month.max_age, 30 * 86_400 * 1e9);
    } finally {
      await nc.close();
    }
  });
});

Deno.test("ActivityRecorder - without the stream the fact is refused as activity_unavailable", async () => {
  await withRecorder(async (recorder, nc) => {
    await (await jetstreamManager(nc)).streams.delete(ACTIVITY_STREAM);
    await assert.rejects(
      () => recorder.record(read),
      (error) => error instanceof ActivityUnavailable && error.status === 503,
    );
  });
});

Deno.test("ActivityRecorder - recordApplied says the change stands; recordOrLog swallows the loss", async () => {
  await withRecorder(async (recorder, nc) => {
    await (await jetstreamManager(nc)).streams.delete(ACTIVITY_STREAM);
    const change = { ...read, action: "identity.user.created" };
    await assert.rejects(
      () => recorder.recordApplied(change),
      (error) => error instanceof ActivityUnavailable && error.extra.applied === true,
    );
    await recorder.recordOrLog(change);
  });
});

Deno.test("activitySettings - retention defaults to forever and is a named setting", () => {
  const env: Record<string, string> = { TICKETD_ACTIVITY_MAX_AGE_DAYS: "90" };
  const int = (name: string, fallback: number) => Number(env[name] ?? fallback);
  assert.equal(defaults.maxAgeDays, 0);
  assert.equal(defaults.publishAttempts, 3);
  assert.equal(activitySettings(int).maxAgeDays, 90);
  assert.equal(activitySettings(int).publishAttempts, 3);
});
