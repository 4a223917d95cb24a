/**
 * From a manifest to what its worker runs with: Deno permissions holding exactly what the
 * manifest declares (paths resolved inside the plugin folder, `setting:` hosts taken from the
 * configured URL, everything else off), and the config values read from the environment as
 * `TICKETD_BOT_<PLUGIN>_<SETTING>` (`llm` + `baseUrl` -> `TICKETD_BOT_LLM_BASE_URL`).
 * @module
 */
import { fail } from "@ticketd/shared/errors.ts";
import type { Manifest } from "./manifest.ts";

/** The environment variable holding `setting` of `plugin`. */
export function settingVariable(plugin: string, setting: string): string {
  const snake = setting.replace(/[A-Z]/g, (letter) => "_" + letter);
  return `TICKETD_BOT_${plugin.replace(/-/g, "_")}_${snake}`.toUpperCase();
}

/** Every declared setting's value from `env` ("" when unset). */
export function pluginConfig(
  manifest: Manifest,
  env: Record<string, string | undefined>,
): Record<string, string> {
  const config: Record<string, string> = {};
  for (const setting of manifest.settings) {
    config[setting] = env[settingVariable(manifest.name, setting)] ?? "";
  }
  return config;
}

/** The worker's permissions: the manifest's and nothing more (`dir` is the plugin folder). */
export function workerPermissions(
  manifest: Manifest,
  dir: string,
  config: Record<string, string>,
): Deno.PermissionOptionsObject {
  const base = dir.replace(/\/?$/, "/");
  const read = (manifest.permissions.read ?? []).map((path) => base + path);
  const net = (manifest.permissions.net ?? []).flatMap((entry) =>
    entry.startsWith("setting:") ? hostOfSetting(manifest, entry.slice(8), config) : [entry]
  );
  const env = manifest.permissions.env ?? [];
  return {
    read: read.length > 0 ? read : false,
    net: net.length > 0 ? net : false,
    env: env.length > 0 ? env : false,
    write: false,
    run: false,
    ffi: false,
    sys: false,
    import: false,
  };
}

/** `host:port` of the URL in a setting; none while it is unset. */
function hostOfSetting(manifest: Manifest, setting: string, config: Record<string, string>) {
  const value = config[setting];
  if (!value) return [];
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return fail("bot_setting_invalid", `${settingVariable(manifest.name, setting)} is not a URL`);
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") {
    fail("bot_setting_invalid", `${settingVariable(manifest.name, setting)} must be http(s)`);
  }
  return [`${url.hostname}:${url.port || (url.protocol === "https:" ? "443" : "80")}`];
}
