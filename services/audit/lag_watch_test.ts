import { deepEqual, equal } from "node:assert/strict";
import { createLogger } from "@ticketd/shared/log/logger.ts";
import { LagWatch } from "./lag_watch.ts";

function capture() {
  const lines: Record<string, unknown>[] = [];
  const sink = {
    write(chunk: Uint8Array) {
      for (const line of new TextDecoder().decode(chunk).split("\n").filter(Boolean)) {
        lines.push(JSON.parse(line));
      }
      return Promise.resolve();
    },
  };
  return { lines, log: createLogger("warn", {}, sink) };
}

Deno.test("LagWatch - warns once the lag has stayed above the threshold for the set time", async () => {
  let lag = 50;
  let now = 0;
  const { lines, log } = capture();
  const watch = new LagWatch(
    [{ stream: "TICKETS", lag: () => Promise.resolve(lag) }],
    { checkMs: 1000, warnMessages: 10, warnMs: 5_000 },
    log,
    () => now,
  );
  await watch.check();
  now = 4_000;
  await watch.check();
  await log.flush();
  equal(lines.length, 0);
  now = 5_000;
  await watch.check();
  now = 6_000;
  await watch.check(); // already warned within the period
  await log.flush();
  deepEqual(lines.map((l) => [l.msg, l.stream, l.lag]), [
    ["audit is lagging behind a stream", "TICKETS", 50],
  ]);
  lag = 0;
  await watch.check();
  equal(watch.lags.get("TICKETS"), 0);
});
