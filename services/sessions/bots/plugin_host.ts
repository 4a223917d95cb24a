/**
 * The bot plugin host: loads every plugin folder under the configured one, runs each in its own
 * sandbox process with the permissions its manifest declares and a heap cap (started with the
 * host only for the plugins named `warm`, every other on its first turn), and turns whatever
 * a plugin does (answers, throws, hangs, loops, runs out of memory, exits, is refused by Deno,
 * writes or returns garbage) into an answer or a failed turn. Nothing a plugin does rejects
 * `turn()` or reaches the service's process.
 * @module
 */
import type { Logger } from "@ticketd/shared/log/logger.ts";
import { readManifest } from "./manifest.ts";
import { allowFlags, pluginConfig, pluginEnv, pluginGrants } from "./plugin_permissions.ts";
import { PluginSlot } from "./plugin_slot.ts";
import type { BotAnswer, BotContext, FailedTurn } from "./protocol.ts";
import type { BotHostSettings } from "./settings.ts";

/** A turn's input: the host adds the plugin's config itself. */
export type BotTurnInput = Omit<BotContext, "config">;

export interface PluginStatus {
  name: string;
  state: "enabled" | "disabled";
  /** ISO 8601 UTC, while disabled. */
  disabledUntil: string | null;
}

export interface PluginHost {
  /** One bot turn: the checked answer, or why there is none. Never rejects. */
  turn(plugin: string, input: BotTurnInput): Promise<BotAnswer | FailedTurn>;
  plugins(): PluginStatus[];
  /** Plugin folders that could not be loaded, and why. */
  readonly problems: readonly { folder: string; message: string }[];
  /** Kills every plugin process; settles once all have exited. */
  close(): Promise<void>;
}

export interface PluginHostDeps {
  settings: BotHostSettings;
  /** Where plugin settings are read from (`TICKETD_BOT_<PLUGIN>_<SETTING>`). */
  env: Record<string, string | undefined>;
  logger?: Logger;
  now?: () => number;
  /**
   * Plugins whose processes start with the host (the bot that answers first, so its first
   * turn is not slowed by a start); every other starts on its first turn, if it ever has one.
   */
  warm?: readonly string[];
}

/** Loads the plugins of `settings.pluginsDir` and starts the processes of the `warm` ones. */
export async function loadPluginHost(deps: PluginHostDeps): Promise<PluginHost> {
  const now = deps.now ?? Date.now;
  const slots = new Map<string, PluginSlot>();
  const problems: { folder: string; message: string }[] = [];
  for (const folder of await pluginFolders(deps.settings.pluginsDir)) {
    try {
      const slot = await loadSlot(folder, deps, now);
      if (slots.has(slot.name)) throw new Error(`a second plugin named "${slot.name}"`);
      slots.set(slot.name, slot);
    } catch (error) {
      problems.push({ folder, message: (error as Error).message });
    }
  }
  return {
    turn: (plugin, input) =>
      slots.get(plugin)?.turn(input) ??
        Promise.resolve({ failed: "unknown_plugin", message: `No bot plugin "${plugin}"` }),
    plugins: () => [...slots.values()].map((slot) => slot.status()),
    problems,
    close: async () => void await Promise.all([...slots.values()].map((slot) => slot.close())),
  };
}

async function loadSlot(folder: string, deps: PluginHostDeps, now: () => number) {
  const manifest = await readManifest(folder);
  const config = pluginConfig(manifest, deps.env);
  const dir = await Deno.realPath(folder);
  const entry = `${dir}/${manifest.entry}`;
  await Deno.stat(entry); // a missing entry is a load problem, not a failed turn each time
  const grants = pluginGrants(manifest, dir, config);
  return new PluginSlot({
    spec: {
      name: manifest.name,
      entryUrl: new URL(`file://${entry}`).href,
      allowFlags: allowFlags(grants),
      env: pluginEnv(grants, deps.env),
    },
    config,
    timeoutMs: Math.min(manifest.timeoutMs ?? Infinity, deps.settings.turnTimeoutMs),
    startNow: deps.warm?.includes(manifest.name) ?? false,
    settings: deps.settings,
    logger: deps.logger?.with({ plugin: manifest.name }),
    now,
  });
}

/** Subfolders holding a `manifest.json`, in name order. */
async function pluginFolders(dir: string): Promise<string[]> {
  const folders: string[] = [];
  for await (const entry of Deno.readDir(dir)) {
    if (!entry.isDirectory && !entry.isSymlink) continue; // a linked folder counts too
    const folder = `${dir.replace(/\/$/, "")}/${entry.name}`;
    const hasManifest = await Deno.stat(`${folder}/manifest.json`).then(() => true, () => false);
    if (hasManifest) folders.push(folder);
  }
  return folders.sort();
}
