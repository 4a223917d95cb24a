import assert from "node:assert/strict";
import { customerSays, pluginPids, processExists, withHost } from "./testing.ts";

/** Polls until `pid` is gone; false if it is still there after `ms`. */
async function goneWithin(pid: number, ms: number): Promise<boolean> {
  const deadline = performance.now() + ms;
  while (processExists(pid)) {
    if (performance.now() > deadline) return false;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return true;
}

Deno.test("PluginSlot - a bot spinning in a loop is killed on time and its process is gone", async () => {
  await withHost(["looping"], async (host) => {
    const [pid] = await pluginPids("looping");
    assert.ok(pid, "the process starts with the host");
    const started = performance.now();
    const failed = await host.turn("looping", customerSays("hi"));
    assert.equal("failed" in failed && failed.failed, "timeout");
    assert.ok(performance.now() - started < 1_500, "the manifest's 300 ms limit applies");
    assert.ok(await goneWithin(pid, 1_000), "SIGKILL ended the loop and freed its core");
  });
});

Deno.test("PluginSlot - after a kill the next turn gets a new process at once, then restarts back off", async () => {
  await withHost(["looping"], async (host, clock) => {
    const [first] = await pluginPids("looping");
    await host.turn("looping", customerSays("hi"));
    const second = host.turn("looping", customerSays("hi"));
    await new Promise((resolve) => setTimeout(resolve, 100));
    const [restarted] = await pluginPids("looping");
    assert.ok(restarted && restarted !== first, "a fresh process for the second turn");
    assert.equal((await second as { failed: string }).failed, "timeout");
    const refused = await host.turn("looping", customerSays("hi"));
    assert.equal("failed" in refused && refused.failed, "disabled");
    assert.match("failed" in refused ? refused.message : "", /restarts in 250 ms/);
    assert.equal(host.plugins()[0].state, "disabled");
    clock.now += 250;
    const trial = await host.turn("looping", customerSays("hi"));
    assert.equal("failed" in trial && trial.failed, "timeout", "tried again after the wait");
  });
});

Deno.test("PluginSlot - a loop outside any turn is caught by the liveness ping and killed", async () => {
  const settings = { pingIntervalMs: 100, probeMs: 200 };
  await withHost(["spinning"], async (host) => {
    const [pid] = await pluginPids("spinning");
    assert.ok("replies" in await host.turn("spinning", customerSays("hi")));
    assert.ok(await goneWithin(pid, 2_000), "killed without any turn waiting on it");
    assert.deepEqual(await host.turn("spinning", customerSays("hi")), {
      replies: ["spinning soon"],
      actions: [],
    });
  }, { settings });
});

Deno.test("PluginSlot - close() kills every plugin process, busy ones too, and no turn restarts one", async () => {
  await withHost(["good", "hanging", "looping"], async (host) => {
    const hanging = host.turn("hanging", customerSays("hang"));
    const looping = host.turn("looping", customerSays("hi"));
    await new Promise((resolve) => setTimeout(resolve, 100));
    const pids = [
      ...await pluginPids("good"),
      ...await pluginPids("hanging"),
      ...await pluginPids("looping"),
    ];
    assert.equal(pids.length, 3);
    await host.close();
    assert.deepEqual(pids.filter(processExists), [], "no child left, not even a zombie");
    assert.equal(((await hanging) as { failed: string }).failed, "crashed");
    assert.equal(((await looping) as { failed: string }).failed, "crashed");
    const after = await host.turn("good", customerSays("hi"));
    assert.equal("failed" in after && after.failed, "disabled");
    assert.deepEqual(await pluginPids("good"), []);
  }, { env: { TICKETD_BOT_GOOD_GREETING: "x" } });
});
