/**
 * The key lifecycle as an operator runs it: `deno task keys` generates a keyring, adds a KEK,
 * re-wraps data keys onto it and retires the old one, and every sealed text still opens.
 * @module
 */
import assert from "node:assert/strict";
import { jetstreamManager } from "@nats-io/jetstream";
import { connect } from "@nats-io/transport-node";
import { parseKeyring } from "@ticketd/shared/crypto/keyring.ts";
import { parseTenantProfiles } from "@ticketd/shared/crypto/profiles.ts";
import { openEnvelope } from "@ticketd/shared/keys/open_envelope.ts";
import { createTestDatabase } from "./support/database.ts";
import { startTestNats } from "./support/nats.ts";

const TOOL = new URL("../services/tickets/tools/keys.ts", import.meta.url).pathname;

Deno.test("keys tool - rotate a KEK: add, rewrap, retire; every text opens; a stale keyring is refused", async () => {
  const nats = await startTestNats();
  const db = await createTestDatabase();
  const dir = await Deno.makeTempDir({ prefix: "ticketd-keys-" });
  const file = `${dir}/keyring.json`;
  const env = {
    NATS_URL: nats.url,
    DATABASE_URL: db.url,
    TICKETD_DATA_DIR: dir,
    TICKETD_KEYRING_FILE: file,
  };
  const keysWith = async (environment: Record<string, string>, ...args: string[]) => {
    const out = await new Deno.Command(Deno.execPath(), {
      args: ["run", "-A", TOOL, ...args],
      env: { PATH: Deno.env.get("PATH") ?? "", HOME: Deno.env.get("HOME") ?? "", ...environment },
      clearEnv: true,
      stdout: "piped",
      stderr: "piped",
    }).output();
    const text = (bytes: Uint8Array) => new TextDecoder().decode(bytes);
    return { code: out.code, stdout: text(out.stdout), stderr: text(out.stderr) };
  };
  const keys = (...args: string[]) => keysWith(env, ...args);
  const nc = await connect({ servers: nats.url });
  try {
    assert.equal((await keys("generate", "--file", file)).code, 0);
    assert.equal((await Deno.stat(file)).mode! & 0o777, 0o600);
    assert.equal((await keys("generate", "--file", file)).code !== 0, true, "never overwrites");

    const profiles = parseTenantProfiles("intl", "gmcorp=gm");
    const open = async () =>
      await openEnvelope(nc, await jetstreamManager(nc), {
        keyring: parseKeyring(JSON.parse(await Deno.readTextFile(file))),
        profiles,
        dataKeyCacheEntries: 10,
      });
    const scopes = ["c1", "c2", "c3"].map((ownerId) => ({
      tenant: "acme",
      ticketId: "1",
      ownerId,
    }));
    scopes.push({ tenant: "gmcorp", ticketId: "2", ownerId: "c1" });
    const before = await open();
    const sealed = await Promise.all(
      scopes.map((s) => before.envelope.seal(`words of ${s.ownerId}`, s)),
    );
    before.close();

    const backup = await Deno.readTextFile(file);
    assert.equal((await keys("add", "--file", file, "--profile", "intl", "--id", "k2")).code, 0);
    assert.deepEqual(JSON.parse((await keys("usage")).stdout), { k1: 3, g1: 1 });
    const early = await keys("retire", "--file", file, "--id", "k1");
    assert.equal(early.code, 2);
    assert.match(early.stderr, /3 data keys are still wrapped by k1/);

    const rewrap = await keys("rewrap");
    assert.equal(rewrap.code, 0, rewrap.stderr);
    assert.match(rewrap.stdout, /rewrapped 3 of 4 data keys/);
    assert.deepEqual(JSON.parse((await keys("usage")).stdout), { k2: 3, g1: 1 });
    assert.equal((await keys("retire", "--file", file, "--id", "k1")).code, 0);
    assert.deepEqual(Object.keys(JSON.parse(await Deno.readTextFile(file)).keys).sort(), [
      "g1",
      "k2",
    ]);

    const after = await open();
    for (const [i, scope] of scopes.entries()) {
      assert.equal(await after.envelope.open(sealed[i], scope), `words of ${scope.ownerId}`);
    }
    after.close();

    // The backup from before the rotation: it lacks k2 and makes the retired k1 active.
    const stale = { keyring: parseKeyring(JSON.parse(backup)), profiles, dataKeyCacheEntries: 10 };
    await assert.rejects(openEnvelope(nc, await jetstreamManager(nc), stale), {
      code: "invalid_keyring",
      message: /lacks KEK "k2"/,
    });
    const current = JSON.parse(await Deno.readTextFile(file));
    const revived = { ...current, keys: { ...current.keys, k1: JSON.parse(backup).keys.k1 } };
    revived.active = { ...revived.active, intl: "k1" };
    await assert.rejects(
      openEnvelope(nc, await jetstreamManager(nc), { ...stale, keyring: parseKeyring(revived) }),
      { code: "invalid_keyring", message: /"k1" was retired/ },
    );
    assert.match(
      (await keys("add", "--file", file, "--profile", "intl", "--id", "k2")).stderr,
      /^keys: .*already/,
    );
    const intlOnly = parseKeyring({ ...current, active: { intl: current.active.intl } });
    await assert.rejects(
      openEnvelope(nc, await jetstreamManager(nc), { ...stale, keyring: intlOnly }),
      { code: "invalid_keyring", message: /no active gm KEK/ },
    );
    const typo = await keys("retire", "--file", file, "--id", "k9");
    assert.deepEqual([typo.code, /no KEK "k9" was ever used/.test(typo.stderr)], [2, true]);
    const { NATS_URL: _nats, ...noNats } = env;
    const elsewhere = await keysWith({ ...noNats, TICKETD_DATA_DIR: `${dir}/typo` }, "usage");
    assert.deepEqual([elsewhere.code, /no Ticketd data in/.test(elsewhere.stderr)], [2, true]);
  } finally {
    await nc.close();
    await db.drop();
    await nats.stop();
    await Deno.remove(dir, { recursive: true });
  }
});
