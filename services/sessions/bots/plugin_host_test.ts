import assert from "node:assert/strict";
import { customerSays, withHost } from "./testing.ts";

const opts = { env: { TICKETD_BOT_GOOD_GREETING: "and a setting" } };

Deno.test("PluginHost - a good bot answers with its declared file, its setting and the last messages", async () => {
  await withHost(["good"], async (host) => {
    const answer = await host.turn("good", customerSays("1", "2", "3", "4", "5", "6", "hi"));
    assert.deepEqual(answer, {
      replies: ["Hello from a file and a setting", "you said: hi", "seen 5"],
      actions: [{ type: "tag", tags: ["bot:good"] }],
    });
  }, opts);
});

Deno.test("PluginHost - a hanging turn fails on time and the restarted process answers the next", async () => {
  await withHost(["hanging"], async (host) => {
    const started = performance.now();
    const failed = await host.turn("hanging", customerSays("hang"));
    assert.equal("failed" in failed && failed.failed, "timeout");
    assert.ok(performance.now() - started < 4_000, "the manifest's 300 ms limit applies");
    assert.deepEqual(await host.turn("hanging", customerSays("hello")), {
      replies: ["awake"],
      actions: [],
    });
  });
});

Deno.test("PluginHost - a bot that throws fails the turn and keeps serving", async () => {
  await withHost(["throwing", "good"], async (host) => {
    const failed = await host.turn("throwing", customerSays("hi"));
    assert.equal("failed" in failed && failed.failed, "crashed");
    assert.match("failed" in failed ? failed.message : "", /RangeError: this bot always throws/);
    assert.ok("replies" in await host.turn("good", customerSays("hi")));
  }, opts);
});

Deno.test("PluginHost - an uncaught error outside the turn ends the process and fails the turn", async () => {
  await withHost(["crashing"], async (host) => {
    const failed = await host.turn("crashing", customerSays("hi"));
    assert.equal("failed" in failed && failed.failed, "crashed");
    assert.match("failed" in failed ? failed.message : "", /uncaught, outside the turn/);
  });
});

Deno.test("PluginHost - Deno.exit in a bot fails the turn instead of ending anything", async () => {
  await withHost(["exiting"], async (host) => {
    const failed = await host.turn("exiting", customerSays("hi"));
    assert.equal("failed" in failed && failed.failed, "crashed");
    assert.match("failed" in failed ? failed.message : "", /Deno\.exit is not allowed/);
  });
});

Deno.test("PluginHost - reading a file the manifest does not declare is refused by Deno", async () => {
  await withHost(["reading"], async (host) => {
    const failed = await host.turn("reading", customerSays("hi"));
    assert.equal("failed" in failed && failed.failed, "permission_denied");
    assert.match("failed" in failed ? failed.message : "", /NotCapable.*read access/);
  });
});

Deno.test("PluginHost - reaching a host the manifest does not declare is refused by Deno", async () => {
  await withHost(["fetching"], async (host) => {
    const failed = await host.turn("fetching", customerSays("hi"));
    assert.equal("failed" in failed && failed.failed, "permission_denied");
    assert.match("failed" in failed ? failed.message : "", /net access to "127\.0\.0\.2:45678"/);
  });
});

Deno.test("PluginHost - a malformed answer is a failed turn naming the bad field", async () => {
  await withHost(["garbage"], async (host) => {
    const failed = await host.turn("garbage", customerSays("hi"));
    assert.equal("failed" in failed && failed.failed, "invalid_answer");
    assert.match("failed" in failed ? failed.message : "", /^replies/);
  });
});

Deno.test("PluginHost - a bot failing three turns in a row is disabled until the pause ends", async () => {
  await withHost(["throwing"], async (host, clock) => {
    for (let i = 0; i < 3; i++) await host.turn("throwing", customerSays("hi"));
    const paused = await host.turn("throwing", customerSays("hi"));
    assert.equal("failed" in paused && paused.failed, "disabled");
    assert.equal(host.plugins()[0].state, "disabled");
    clock.now += 60_000;
    const trial = await host.turn("throwing", customerSays("hi"));
    assert.equal("failed" in trial && trial.failed, "crashed", "tried again after the pause");
  });
});

Deno.test("PluginHost - an unknown plugin name is a failed turn", async () => {
  await withHost([], async (host) => {
    assert.deepEqual(await host.turn("nobody", customerSays("hi")), {
      failed: "unknown_plugin",
      message: 'No bot plugin "nobody"',
    });
  });
});

Deno.test("PluginHost - a folder with a bad manifest is reported and the others still load", async () => {
  const source = await Deno.makeTempDir({ prefix: "ticketd-bad-bot-" });
  await Deno.mkdir(`${source}/bad`);
  await Deno.writeTextFile(`${source}/bad/manifest.json`, '{"name":"bad","entry":"../x.ts"}');
  await Deno.symlink(
    new URL("./testdata/plugins/garbage", import.meta.url).pathname,
    `${source}/garbage`,
  );
  try {
    await withHost(["bad", "garbage"], (host) => {
      assert.equal(host.problems.length, 1);
      assert.match(host.problems[0].message, /entry must stay inside the folder/);
      assert.deepEqual(host.plugins().map((plugin) => plugin.name), ["garbage"]);
    }, { source: `${source}/` });
  } finally {
    await Deno.remove(source, { recursive: true });
  }
});
