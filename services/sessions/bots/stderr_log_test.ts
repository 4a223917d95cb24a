import assert from "node:assert/strict";
import { stderrLog } from "./stderr_log.ts";
import { capturedLogger } from "./testing.ts";

Deno.test("stderrLog - logs lines with the plugin's name up to the rate, then counts the rest", async () => {
  const { logger, lines } = capturedLogger();
  const clock = { now: 0 };
  const log = stderrLog(logger.with({ plugin: "faq" }), 2, () => clock.now);
  for (const line of ["one", "two", "three", "four"]) log(line);
  clock.now += 60_000;
  log("five");
  const logged = await lines();
  assert.deepEqual(logged.map((entry) => [entry.plugin, entry.line, entry.droppedBefore]), [
    ["faq", "one", undefined],
    ["faq", "two", undefined],
    ["faq", "five", 2],
  ]);
  assert.equal(logged[0].msg, "bot plugin stderr");
});
