import assert from "node:assert/strict";
import { parseManifest } from "./manifest.ts";
import { DomainError } from "@ticketd/shared/errors.ts";
import {
  allowFlags,
  pluginConfig,
  pluginEnv,
  pluginGrants,
  settingVariable,
} from "./plugin_permissions.ts";

const llm = parseManifest({
  name: "llm",
  entry: "bot.ts",
  permissions: { net: ["setting:baseUrl"] },
  settings: ["baseUrl", "model", "apiKey"],
}, "m");

Deno.test("settingVariable - names a plugin's setting TICKETD_BOT_<PLUGIN>_<SETTING>", () => {
  assert.equal(settingVariable("llm", "baseUrl"), "TICKETD_BOT_LLM_BASE_URL");
  assert.equal(settingVariable("my-bot", "apiKey"), "TICKETD_BOT_MY_BOT_API_KEY");
});

Deno.test("pluginConfig - reads declared settings only, unset ones as empty", () => {
  const env = { TICKETD_BOT_LLM_MODEL: "m1", TICKETD_BOT_LLM_OTHER: "x" };
  assert.deepEqual(pluginConfig(llm, env), { baseUrl: "", model: "m1", apiKey: "" });
});

Deno.test("pluginGrants - a setting: host is the configured URL's host and port", () => {
  const grants = pluginGrants(llm, "/p/llm", { baseUrl: "https://api.example.com/v1" });
  assert.deepEqual(grants, { read: [], net: ["api.example.com:443"], env: [] });
});

Deno.test("pluginGrants - read paths are resolved inside the plugin folder", () => {
  const faq = parseManifest(
    { name: "faq", entry: "bot.ts", permissions: { read: ["kb.json"] } },
    "m",
  );
  assert.deepEqual(pluginGrants(faq, "/p/faq", {}).read, ["/p/faq/kb.json"]);
});

Deno.test("allowFlags - one flag per granted kind, none for an empty one (which would allow all)", () => {
  const flags = allowFlags({ read: ["/p/a", "/p/b"], net: [], env: ["X"] });
  assert.deepEqual(flags, ["--allow-read=/p/a,/p/b", "--allow-env=X"]);
  assert.deepEqual(allowFlags({ read: [], net: [], env: [] }), []);
});

Deno.test("allowFlags - refuses a path with a comma, which Deno would split into two grants", () => {
  assert.throws(
    () => allowFlags({ read: ["/p/a,/etc"], net: [], env: [] }),
    (error: Error) => error instanceof DomainError && error.code === "bot_manifest_invalid",
  );
});

Deno.test("pluginEnv - passes only the variables the manifest may read", () => {
  const env = { X: "1", SECRET: "s" };
  assert.deepEqual(pluginEnv({ read: [], net: [], env: ["X", "UNSET"] }, env), { X: "1" });
});
