/**
 * The keyring API on real NATS JetStream and PostgreSQL: KEKs by id, profile and status with
 * their data-key counts (never material), who may read and rewrap, and an online rewrap after a
 * rotation moving every data key to the new KEK, with its fact in ACTIVITY.
 * @module
 */
import assert from "node:assert/strict";
import { Buffer } from "node:buffer";
import { connect } from "@nats-io/transport-node";
import { jetstream, jetstreamManager } from "@nats-io/jetstream";
import { ActivityRecorder } from "@ticketd/shared/activity/recorder.ts";
import { activitySettings } from "@ticketd/shared/activity/settings.ts";
import { ensureActivityStream } from "@ticketd/shared/activity/stream.ts";
import { recordedActivity } from "@ticketd/shared/activity/testing.ts";
import { addKek, generateKeyringFile, parseKeyring } from "@ticketd/shared/crypto/keyring.ts";
import { parseTenantProfiles } from "@ticketd/shared/crypto/profiles.ts";
import { openEnvelope } from "@ticketd/shared/keys/open_envelope.ts";
import { createLogger } from "@ticketd/shared/log/logger.ts";
import { natsServerOptions } from "@ticketd/shared/runtime/nats_url.ts";
import {
  adminA,
  agentA,
  auditorA,
  createTicket,
  customerA,
  supervisorA,
  withHarness,
} from "../../../tests/support/tickets_harness.ts";
import { startTestNats } from "../../../tests/support/nats.ts";
import { KeyringRewrap } from "./keyring_rewrap.ts";

Deno.test("GET /v1/keyring - KEKs by id, profile and status with their data-key counts, never key material", () =>
  withHarness(async (h) => {
    await createTicket(h, customerA);
    const response = await h.call(adminA, "GET", "/v1/keyring");
    assert.equal(response.status, 200);
    const text = await response.text();
    const intl = h.keyring.keks.get("k1")!;
    assert.ok(intl.alg === "A256KW");
    assert.ok(!text.includes(Buffer.from(intl.key).toString("base64")), "no AES key material");
    assert.ok(!/privateKey|publicKey/.test(text));
    assert.deepEqual(JSON.parse(text), {
      keks: [
        { id: "g1", alg: "SM2", profile: "gm", status: "active", dataKeys: 0 },
        { id: "k1", alg: "A256KW", profile: "intl", status: "active", dataKeys: 1 },
      ],
      rewrap: null,
    });
    assert.equal((await h.call(auditorA, "GET", "/v1/keyring")).status, 200);
  }));

Deno.test("keyring API - only admins rewrap, auditors only read, others are refused with forbidden", () =>
  withHarness(async (h) => {
    for (
      const [who, method, path] of [
        [agentA, "GET", "/v1/keyring"],
        [supervisorA, "GET", "/v1/keyring"],
        [customerA, "GET", "/v1/keyring"],
        [auditorA, "POST", "/v1/keyring/rewrap"],
        [supervisorA, "POST", "/v1/keyring/rewrap"],
      ] as const
    ) {
      const response = await h.call(who, method, path);
      assert.equal(response.status, 403, `${who.role} ${method} ${path}`);
      assert.equal((await response.json()).code, "forbidden");
    }
    assert.deepEqual(await recordedActivity(h.jsm, "tickets.key.rewrapped"), []);
  }));

Deno.test("POST /v1/keyring/rewrap - starts the rewrap, GET follows it to done, its fact is the admin's in tenant system", () =>
  withHarness(async (h) => {
    await createTicket(h, customerA);
    const started = await h.call(adminA, "POST", "/v1/keyring/rewrap");
    assert.equal(started.status, 202);
    assert.equal((await started.json()).rewrap.startedBy, adminA.sub);
    let rewrap;
    for (let tries = 0; tries < 100; tries++) {
      rewrap = (await (await h.call(auditorA, "GET", "/v1/keyring")).json()).rewrap;
      if (rewrap.state !== "running" && rewrap.recorded !== null) break;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    assert.equal(rewrap.state, "done");
    assert.equal(rewrap.checked, 1);
    assert.equal(rewrap.rewrapped, 0, "already under the active KEK");
    assert.equal(rewrap.recorded, true);
    const [fact] = await recordedActivity(h.jsm, "tickets.key.rewrapped");
    assert.equal(fact.tenant, "system");
    assert.deepEqual(fact.actor, { id: adminA.sub, role: "admin" });
    assert.deepEqual(fact.target, { type: "data_keys", id: "data-keys" });
    assert.deepEqual(fact.changes, { checked: 1, rewrapped: 0 });
  }));

Deno.test("KeyringRewrap - after a rotation every data key moves to the new KEK online; a second start while running is 409", async () => {
  const nats = await startTestNats();
  const nc = await connect(natsServerOptions(nats.url));
  try {
    const jsm = await jetstreamManager(nc);
    const settings = activitySettings((_name, fallback) => fallback);
    await ensureActivityStream(jsm, settings);
    const file = generateKeyringFile();
    const envelopeSettings = { profiles: parseTenantProfiles("intl"), dataKeyCacheEntries: 100 };
    const before = await openEnvelope(nc, jsm, {
      ...envelopeSettings,
      keyring: parseKeyring(file),
    });
    for (const owner of ["c1", "c2", "c3"]) await before.dataKeys.forOwner("acme", owner, "intl");
    before.close();

    const rotated = parseKeyring(addKek(file, "intl", "k2"));
    const after = await openEnvelope(nc, jsm, { ...envelopeSettings, keyring: rotated });
    const log = createLogger("error", { test: "rewrap" });
    let id = 0;
    const activity = new ActivityRecorder({
      js: jetstream(nc),
      service: "tickets",
      nextId: () => String(++id),
      now: () => new Date(),
      settings,
      log,
    });
    const rewrap = new KeyringRewrap({
      dataKeys: after.dataKeys,
      activity,
      now: () => new Date(),
      log,
    });
    const party = {
      tenant: "system",
      actor: { id: "admin-a", role: "admin" as const },
      source: { ip: null, requestId: "r1" },
    };
    assert.equal(rewrap.start(party).state, "running");
    assert.throws(() => rewrap.start(party), { code: "rewrap_running" });
    await rewrap.settled();
    const status = rewrap.status()!;
    assert.deepEqual(
      [status.state, status.checked, status.rewrapped, status.recorded],
      ["done", 3, 3, true],
    );
    assert.deepEqual(await after.dataKeys.usage(), { k2: 3 });
    const fact = (await recordedActivity(jsm, "tickets.key.rewrapped"))[0];
    assert.deepEqual(fact.changes, { checked: 3, rewrapped: 3 });
    after.close();
  } finally {
    await nc.close();
    await nats.stop();
  }
});
