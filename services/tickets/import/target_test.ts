import assert from "node:assert/strict";
import { loadOrCreateDevKeys } from "@ticketd/shared/http/dev_keys.ts";
import { DEFAULT_URL, resolveTarget, tokenTenant } from "./target.ts";

Deno.test("resolveTarget - flags win over the data folder", async () => {
  const target = await resolveTarget({
    url: "http://u",
    token: "t",
    tenant: "demo",
    dataDir: "/nowhere",
  });
  assert.deepEqual(target, { url: "http://u", token: "t" });
});

Deno.test("resolveTarget - reads the service URL and mints an admin token from the dev key", async () => {
  const dataDir = await Deno.makeTempDir();
  try {
    await loadOrCreateDevKeys(dataDir);
    await Deno.writeTextFile(`${dataDir}/tickets.url`, "http://127.0.0.1:18181\n");
    const target = await resolveTarget({ tenant: "acme", dataDir });
    assert.equal(target.url, "http://127.0.0.1:18181");
    assert.equal(tokenTenant(target.token), "acme");
  } finally {
    await Deno.remove(dataDir, { recursive: true });
  }
});

Deno.test("resolveTarget - without a key or token it says how to get one, and creates none", async () => {
  const dataDir = await Deno.makeTempDir();
  try {
    await assert.rejects(resolveTarget({ tenant: "demo", dataDir }), /--token/);
    assert.equal(
      (await resolveTarget({ envToken: "e", tenant: "demo", dataDir })).url,
      DEFAULT_URL,
    );
    assert.deepEqual([...Deno.readDirSync(dataDir)], []);
  } finally {
    await Deno.remove(dataDir, { recursive: true });
  }
});

Deno.test("tokenTenant - reads the claim and tolerates what is not a JWT", () => {
  assert.equal(tokenTenant("not-a-jwt"), undefined);
});
