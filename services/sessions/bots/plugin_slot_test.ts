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

Deno.test("PluginSlot - the turns in flight when one turn's loop gets the process killed are answered on the new one, and do not count", async () => {
  await withHost(["picky"], async (host) => {
    const [first] = await pluginPids("picky");
    const looping = host.turn("picky", customerSays("loop"));
    await new Promise((resolve) => setTimeout(resolve, 50)); // the loop has begun
    const others = ["a", "b", "c"].map((text) => host.turn("picky", customerSays(text)));
    assert.equal(((await looping) as { failed: string }).failed, "timeout");
    assert.deepEqual(await Promise.all(others), [
      { replies: ["picked up: a"], actions: [] },
      { replies: ["picked up: b"], actions: [] },
      { replies: ["picked up: c"], actions: [] },
    ]);
    const [second] = await pluginPids("picky");
    assert.ok(second && second !== first, "answered by the restarted process");
    assert.equal(host.plugins()[0].state, "enabled", "one failure, under the threshold of 2");
  }, { settings: { failureThreshold: 2 } });
});

Deno.test("PluginSlot - a turn killed as a bystander twice is failed without counting toward the breaker", async () => {
  // The liveness ping cannot tell which turn loops: every turn waiting is a bystander, the
  // looping one too. Tried again, it loops again and is killed again: failed, not counted.
  const settings = { failureThreshold: 1, pingIntervalMs: 50, probeMs: 100 };
  await withHost(["picky"], async (host, clock) => {
    const looping = await host.turn("picky", customerSays("loop"));
    assert.equal("failed" in looping && looping.failed, "timeout");
    assert.match("failed" in looping ? looping.message : "", /liveness ping/);
    clock.now += 1_000; // past the restart back-off, well inside the breaker's cooldown
    const next = await host.turn("picky", customerSays("hi"));
    assert.deepEqual(next, { replies: ["picked up: hi"], actions: [] }, "the breaker is closed");
  }, { settings: { ...settings, turnTimeoutMs: 5_000 } });
});

Deno.test("PluginHost - only the warm plugins start with the host; another starts on its first turn", async () => {
  await withHost(["good", "hanging"], async (host) => {
    assert.equal((await pluginPids("good")).length, 1, "the bot that answers first is ready");
    assert.deepEqual(await pluginPids("hanging"), [], "no process for a plugin not yet used");
    assert.deepEqual(await host.turn("hanging", customerSays("hi")), {
      replies: ["awake"],
      actions: [],
    });
    assert.equal((await pluginPids("hanging")).length, 1, "started by its first turn");
  }, { warm: ["good"], env: { TICKETD_BOT_GOOD_GREETING: "x" } });
});
