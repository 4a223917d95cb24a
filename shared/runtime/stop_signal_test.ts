import assert from "node:assert/strict";
import { FORCED_EXIT_CODE } from "./stop_signal.ts";

const CHILD = new URL("./testdata/stop_signal_child.ts", import.meta.url).pathname;

/** Starts the child, waits for "ready", returns it with a reader of what it printed. */
async function startChild(stopMs: number, graceMs: number) {
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", "--no-config", CHILD, String(stopMs), String(graceMs)],
    stdout: "piped",
    stderr: "null",
  }).spawn();
  const lines: string[] = [];
  const decoder = new TextDecoder();
  const reading = (async () => {
    for await (const chunk of child.stdout) lines.push(...decoder.decode(chunk).split("\n"));
  })();
  const said = async (line: string) => {
    for (let i = 0; i < 200 && !lines.includes(line); i++) {
      await new Promise((r) => setTimeout(r, 25));
    }
    assert.ok(lines.includes(line), `child said ${JSON.stringify(lines)}, not "${line}"`);
  };
  await said("ready");
  return { child, lines, said, reading };
}

Deno.test("listenForStop - the first SIGTERM starts an orderly stop that ends with exit 0", async () => {
  const { child, lines, said, reading } = await startChild(100, 5_000);
  child.kill("SIGTERM");
  await said("stopping");
  const status = await child.status;
  await reading;
  assert.equal(status.code, 0);
  assert.ok(lines.includes("stopped"));
});

Deno.test("listenForStop - a second Ctrl-C within a second is the same press; a later one exits 130", async () => {
  const { child, lines, said, reading } = await startChild(0, 60_000);
  child.kill("SIGINT");
  await said("stopping");
  child.kill("SIGINT"); // deno task's forwarded copy of the same press
  await new Promise((r) => setTimeout(r, 1_300));
  assert.ok(!lines.includes("forced"));
  child.kill("SIGINT");
  const status = await child.status;
  await reading;
  assert.equal(status.code, FORCED_EXIT_CODE);
  assert.ok(lines.includes("forced"));
});

Deno.test("listenForStop - a stop outlasting its grace period says so and exits 1", async () => {
  const { child, lines, said, reading } = await startChild(0, 300);
  child.kill("SIGTERM");
  await said("stopping");
  const status = await child.status;
  await reading;
  assert.equal(status.code, 1);
  assert.ok(lines.includes("overrun"));
});
