/**
 * The compose stack's keyring generator writes keyrings the service accepts: an AES KEK for
 * intl, an SM2 pair for gm whose halves belong together, and it never overwrites one.
 * @module
 */
import assert from "node:assert/strict";
import { parseKeyring } from "@ticketd/shared/crypto/keyring.ts";

const SCRIPT = new URL("../deploy/gen-keyring.sh", import.meta.url).pathname;

Deno.test("deploy/gen-keyring.sh - keyrings for both profiles that parse; never overwrites", async () => {
  const dir = await Deno.makeTempDir({ prefix: "ticketd-gen-keyring-" });
  try {
    // openssl prints a leading 00 for about half of all private keys: several runs cover both.
    for (let i = 0; i < 6; i++) {
      const file = `${dir}/keyring-${i}.json`;
      const run = await new Deno.Command("bash", { args: [SCRIPT, file], stderr: "piped" })
        .output();
      assert.equal(run.code, 0, new TextDecoder().decode(run.stderr));
      const keyring = parseKeyring(JSON.parse(await Deno.readTextFile(file)));
      assert.deepEqual(keyring.active, { intl: "k1", gm: "g1" });
      assert.equal(keyring.keks.get("g1")?.alg, "SM2");
    }
    const again = await new Deno.Command("bash", { args: [SCRIPT, `${dir}/keyring-0.json`] })
      .output();
    assert.equal(again.code, 1);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
