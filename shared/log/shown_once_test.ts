import assert from "node:assert/strict";
import { join } from "node:path";
import { shownOnce } from "./shown_once.ts";

Deno.test("shownOnce - with a file, each secret is appended to it and the file is mode 0600", async () => {
  const dir = await Deno.makeTempDir();
  const file = join(dir, "shown-once.txt");
  try {
    await Deno.writeTextFile(file, "", { mode: 0o644 });
    const show = shownOnce(file);
    show("password p1");
    show("token t1\n");
    assert.equal(await Deno.readTextFile(file), "password p1\ntoken t1\n");
    assert.equal((await Deno.stat(file)).mode! & 0o777, 0o600);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
