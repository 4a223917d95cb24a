/**
 * From a manifest to what its process runs with: `--allow-*` flags holding exactly what the
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

/** What a plugin process may touch: the manifest's grants (`dir` is the plugin folder). */
export interface PluginGrants {
  read: string[];
  net: string[];
  env: string[];
}

/** The manifest's permissions and nothing more: paths inside `dir`, `setting:` hosts resolved. */
export function pluginGrants(
  manifest: Manifest,
  dir: string,
  config: Record<string, string>,
): PluginGrants {
  const base = dir.replace(/\/?$/, "/");
  return {
    read: (manifest.permissions.read ?? []).map((path) => base + path),
    net: (manifest.permissions.net ?? []).flatMap((entry) =>
      entry.startsWith("setting:") ? hostOfSetting(manifest, entry.slice(8), config) : [entry]
    ),
    env: manifest.permissions.env ?? [],
  };
}

/**
 * The `--allow-*` flags of `grants`. An empty list gets no flag at all (`--allow-read=` alone
 * would allow everything); Deno splits values at commas, so a path holding one is refused.
 */
export function allowFlags(grants: PluginGrants): string[] {
  return Object.entries(grants).flatMap(([kind, values]: [string, string[]]) => {
    if (values.length === 0) return [];
    const bad = values.find((value) => value.includes(",") || value === "");
    if (bad !== undefined) fail("bot_manifest_invalid", `cannot grant ${kind} "${bad}"`);
    return [`--allow-${kind}=${values.join(",")}`];
  });
}

/** The plugin process's environment: the variables its manifest may read, from `env`. */
export function pluginEnv(
  grants: PluginGrants,
  env: Record<string, string | undefined>,
): Record<string, string> {
  const picked: Record<string, string> = {};
  for (const name of grants.env) if (env[name] !== undefined) picked[name] = env[name];
  return picked;
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
