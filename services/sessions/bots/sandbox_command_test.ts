import assert from "node:assert/strict";
import { sandboxCommand } from "./sandbox_command.ts";

const spec = {
  name: "llm",
  entryUrl: "file:///p/llm/bot.ts",
  allowFlags: ["--allow-net=api.example.com:443"],
  env: { SOME_VAR: "1" },
};

Deno.test("sandboxCommand - deno under a memory cap with the manifest's flags and nothing else", () => {
  const { program, args, env } = sandboxCommand(spec, { heapMb: 128, memoryMb: 1_024 });
  assert.equal(program, "prlimit");
  assert.deepEqual(args.slice(0, -1), [
    "--data=1073741824",
    Deno.execPath(),
    "run",
    "--no-config",
    "--no-prompt",
    "--v8-flags=--max-old-space-size=128",
    "--allow-net=api.example.com:443",
  ]);
  assert.ok(!args.some((arg) => arg === "-A" || arg === "--allow-all"));
  assert.deepEqual(env, { SOME_VAR: "1", NO_COLOR: "1" });
});

Deno.test("sandboxCommand - the entry imports the guard before the plugin, then serves it", () => {
  const entry = decodeURIComponent(sandboxCommand(spec, { heapMb: 1, memoryMb: 1 }).args.at(-1)!);
  const guard = entry.indexOf("plugin_guard.ts");
  assert.ok(guard > 0 && guard < entry.indexOf("file:///p/llm/bot.ts"));
  assert.match(entry, /await serveBot\(bot\);$/);
});
