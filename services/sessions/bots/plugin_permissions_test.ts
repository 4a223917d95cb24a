import assert from "node:assert/strict";
import { parseManifest } from "./manifest.ts";
import { pluginConfig, settingVariable, workerPermissions } from "./plugin_permissions.ts";

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

Deno.test("workerPermissions - a setting: host is the configured URL's host and port, all else off", () => {
  const permissions = workerPermissions(llm, "/p/llm", { baseUrl: "https://api.example.com/v1" });
  assert.deepEqual(permissions, {
    read: false,
    net: ["api.example.com:443"],
    env: false,
    write: false,
    run: false,
    ffi: false,
    sys: false,
    import: false,
  });
});

Deno.test("workerPermissions - read paths are resolved inside the plugin folder", () => {
  const faq = parseManifest(
    { name: "faq", entry: "bot.ts", permissions: { read: ["kb.json"] } },
    "m",
  );
  assert.deepEqual(workerPermissions(faq, "/p/faq", {}).read, ["/p/faq/kb.json"]);
});
