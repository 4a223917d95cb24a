import assert from "node:assert/strict";
import { shownOnce } from "@ticketd/shared/log/shown_once.ts";
import { tailShownOnce } from "./shown_once_tail.ts";

Deno.test("tailShownOnce - prints what services append from now on, never what an earlier start left", async () => {
  const dir = await Deno.makeTempDir();
  try {
    await Deno.writeTextFile(`${dir}/shown-once.txt`, "from the last start\n");
    const printed: string[] = [];
    const tail = await tailShownOnce(dir, (text) => printed.push(text));
    assert.equal((await Deno.stat(tail.path)).mode! & 0o777, 0o600);
    shownOnce(tail.path)("First admin: password p1");
    const deadline = Date.now() + 10_000;
    while (printed.length === 0 && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    shownOnce(tail.path)("Admin token: t1");
    await tail.stop();
    assert.deepEqual(printed, ["First admin: password p1", "Admin token: t1"]);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
