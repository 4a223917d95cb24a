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
  /** How long a plugin process has to answer a liveness ping before it is killed. */
  probeMs: number;
  /** How often a running plugin process is pinged (a loop outside any turn is caught too). */
  pingIntervalMs: number;
  /** The V8 heap limit of each plugin process (`--max-old-space-size`). */
  heapMb: number;
  /** All writable memory of a plugin process, array buffers too (Linux `RLIMIT_DATA`). */
  memoryMb: number;
  /** The longest line a plugin process may write on stdout (one answer). */
  maxFrameBytes: number;
  /** Wait before the second restart in a row; it doubles per further one, up to the max. */
  restartBackoffMs: number;
  restartBackoffMaxMs: number;
  /** Plugin stderr lines logged per plugin and minute (the rest are counted), and their length. */
  stderrLinesPerMinute: number;
  stderrLineBytes: number;
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
    pingIntervalMs: int("TICKETD_BOTS_PING_INTERVAL_MS", 5_000, 50, 600_000),
    heapMb: int("TICKETD_BOTS_HEAP_MB", 128, 16, 16_384),
    // below about 600 MB Deno cannot reserve its code range and does not start
    memoryMb: int("TICKETD_BOTS_MEMORY_MB", 1_024, 768, 1_048_576),
    maxFrameBytes: int("TICKETD_BOTS_FRAME_BYTES", 1_048_576, 65_536, 268_435_456),
    restartBackoffMs: int("TICKETD_BOTS_RESTART_BACKOFF_MS", 250, 1, 600_000),
    restartBackoffMaxMs: int("TICKETD_BOTS_RESTART_BACKOFF_MAX_MS", 30_000, 1, 3_600_000),
    stderrLinesPerMinute: int("TICKETD_BOTS_STDERR_LINES_PER_MINUTE", 20, 0, 100_000),
    stderrLineBytes: int("TICKETD_BOTS_STDERR_LINE_BYTES", 500, 20, 100_000),
  };
}
