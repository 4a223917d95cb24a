import assert from "node:assert/strict";

Deno.test("PluginHost - a bot spinning in a loop fails on time and is quarantined", async () => {
  const script = new URL("./testdata/looping_host.ts", import.meta.url).pathname;
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", "--unstable-worker-options", script],
    stdout: "piped",
    stderr: "piped",
    signal: AbortSignal.timeout(20_000),
  });
  const output = await child.output();
  const { first, second, status } = JSON.parse(new TextDecoder().decode(output.stdout));
  assert.equal(first.failed, "timeout");
  assert.equal(second.failed, "disabled", "no second worker is started to spin too");
  assert.equal(status.state, "quarantined");
});
