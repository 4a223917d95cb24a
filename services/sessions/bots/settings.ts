/**
 * The bot host's named settings (`TICKETD_BOTS_*`; a plugin's own settings are
 * `TICKETD_BOT_<PLUGIN>_<SETTING>`, see `plugin_permissions.ts`). Read once by the sessions
 * config; the host itself never reads the environment.
 * @module
 */
import { intSettings } from "@ticketd/shared/runtime/env_settings.ts";

export interface BotHostSettings {
  /** Folder whose subfolders (each with a `manifest.json`) are the plugins. */
  pluginsDir: string;
  /** The longest a turn may take; a manifest's `timeoutMs` can only lower it. */
  turnTimeoutMs: number;
  /** The longest a plugin's worker may take to load. */
  startTimeoutMs: number;
  /** Failed turns in a row that disable a plugin for `cooldownMs`. */
  failureThreshold: number;
  cooldownMs: number;
  /** Transcript messages a bot is given (the last ones). */
  maxTranscriptMessages: number;
  /** Turns a plugin may have in progress at once; more are refused as `busy`. */
  maxTurnsInFlight: number;
  /** After a timeout, how long the worker has to answer a ping (silence: stuck in a loop). */
  probeMs: number;
}

export class BotSettingsError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "BotSettingsError";
  }
}

/** The built-in plugins (`faq`, `llm`). */
export const BUILT_IN_PLUGINS_DIR = new URL("../plugins/", import.meta.url).pathname;

/** Reads `TICKETD_BOTS_*` from `env`; throws {@link BotSettingsError} naming the setting. */
export function loadBotHostSettings(env: Record<string, string | undefined>): BotHostSettings {
  const int = intSettings(env, (message) => new BotSettingsError(message));
  return {
    pluginsDir: env.TICKETD_BOTS_DIR || BUILT_IN_PLUGINS_DIR,
    turnTimeoutMs: int("TICKETD_BOTS_TURN_TIMEOUT_MS", 15_000, 10, 600_000),
    startTimeoutMs: int("TICKETD_BOTS_START_TIMEOUT_MS", 10_000, 100, 600_000),
    failureThreshold: int("TICKETD_BOTS_FAILURE_THRESHOLD", 3, 1, 1_000),
    cooldownMs: int("TICKETD_BOTS_COOLDOWN_SECONDS", 60, 1, 86_400) * 1_000,
    maxTranscriptMessages: int("TICKETD_BOTS_TRANSCRIPT_MESSAGES", 20, 1, 1_000),
    maxTurnsInFlight: int("TICKETD_BOTS_TURNS_IN_FLIGHT", 32, 1, 10_000),
    probeMs: int("TICKETD_BOTS_PROBE_MS", 1_000, 10, 60_000),
  };
}
