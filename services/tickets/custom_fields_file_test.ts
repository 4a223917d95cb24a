import assert from "node:assert/strict";
import { ConfigError } from "./config.ts";
import { loadCustomFields } from "./custom_fields_file.ts";

Deno.test("loadCustomFields - a missing, malformed or invalid file stops the start with a clear message", async () => {
  const dir = await Deno.makeTempDir();
  try {
    await assert.rejects(loadCustomFields(`${dir}/missing.json`), (e: Error) => {
      assert.ok(e instanceof ConfigError);
      assert.match(e.message, /^TICKETD_CUSTOM_FIELDS_FILE: .*missing\.json cannot be read/);
      return true;
    });
    await Deno.writeTextFile(`${dir}/bad.json`, "{nope");
    await assert.rejects(loadCustomFields(`${dir}/bad.json`), /is not valid JSON/);
    await Deno.writeTextFile(`${dir}/wrong.json`, JSON.stringify({ order_id: { type: "colour" } }));
    await assert.rejects(loadCustomFields(`${dir}/wrong.json`), ConfigError);
    await Deno.writeTextFile(`${dir}/ok.json`, JSON.stringify({ order_id: { type: "number" } }));
    assert.deepEqual(await loadCustomFields(`${dir}/ok.json`), { order_id: { type: "number" } });
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
