/**
 * Test support: a plugin host over chosen test plugins (`testdata/plugins/<name>`, linked into a
 * temporary folder), with short limits, and a turn input built from plain texts.
 * @module
 */
import { type BotTurnInput, loadPluginHost, type PluginHost } from "./plugin_host.ts";
import type { BotHostSettings } from "./settings.ts";
import { createLogger, type Logger } from "@ticketd/shared/log/logger.ts";

export const TEST_PLUGINS = new URL("./testdata/plugins/", import.meta.url).pathname;

export const testSettings = (pluginsDir: string): BotHostSettings => ({
  pluginsDir,
  turnTimeoutMs: 5_000,
  startTimeoutMs: 10_000,
  failureThreshold: 3,
  cooldownMs: 60_000,
  maxTranscriptMessages: 5,
  maxTurnsInFlight: 8,
  probeMs: 2_000,
  pingIntervalMs: 5_000,
  heapMb: 64,
  memoryMb: 1_024,
  maxFrameBytes: 65_536,
  restartBackoffMs: 250,
  restartBackoffMaxMs: 1_000,
  stderrLinesPerMinute: 20,
  stderrLineBytes: 500,
});

/** Runs `body` with a host over the named plugins (from `source`), then closes it. */
export async function withHost(
  names: string[],
  body: (host: PluginHost, clock: { now: number }) => Promise<void> | void,
  options: {
    env?: Record<string, string>;
    source?: string;
    settings?: Partial<BotHostSettings>;
    logger?: Logger;
    /** Plugins started with the host (default: all of `names`). */
    warm?: string[];
  } = {},
): Promise<void> {
  const dir = await Deno.makeTempDir({ prefix: "ticketd-bots-" });
  for (const name of names) {
    await Deno.symlink(`${options.source ?? TEST_PLUGINS}${name}`, `${dir}/${name}`);
  }
  const clock = { now: Date.parse("2025-01-06T09:00:00Z") };
  const host = await loadPluginHost({
    settings: { ...testSettings(dir), ...options.settings },
    env: options.env ?? {},
    logger: options.logger,
    now: () => clock.now,
    warm: options.warm ?? names,
  });
  try {
    await body(host, clock);
  } finally {
    await host.close();
    await Deno.remove(dir, { recursive: true });
  }
}

/** A turn whose transcript is `texts`, all from the customer. */
export function customerSays(...texts: string[]): BotTurnInput {
  return {
    conversation: { tenant: "1", conversationId: "7", customerId: "c-1", status: "bot" },
    transcript: texts.map((text, i) => ({
      from: { role: "customer", id: "c-1" },
      text,
      at: new Date(Date.UTC(2025, 0, 6, 9, 0, i)).toISOString(),
    })),
  };
}

/** The pids of this process's children running plugin `name` (read from /proc). */
export async function pluginPids(name: string): Promise<number[]> {
  const marker = encodeURIComponent(`// ticketd bot plugin ${name}\n`);
  const pids: number[] = [];
  for await (const entry of Deno.readDir("/proc")) {
    if (!/^\d+$/.test(entry.name)) continue;
    try {
      const stat = await Deno.readTextFile(`/proc/${entry.name}/stat`);
      const parent = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
      const cmdline = await Deno.readTextFile(`/proc/${entry.name}/cmdline`);
      if (parent === Deno.pid && cmdline.includes(marker)) pids.push(Number(entry.name));
    } catch {
      // it ended while we looked
    }
  }
  return pids;
}

/** Whether process `pid` still exists (a zombie counts: it is not reaped yet). */
export function processExists(pid: number): boolean {
  try {
    Deno.statSync(`/proc/${pid}`);
    return true;
  } catch {
    return false;
  }
}

/** A logger whose lines are kept, and a way to read them back parsed. */
export function capturedLogger(): { logger: Logger; lines(): Promise<Record<string, unknown>[]> } {
  const chunks: string[] = [];
  const decoder = new TextDecoder();
  const sink = {
    write: (chunk: Uint8Array) => Promise.resolve(chunks.push(decoder.decode(chunk))),
  };
  const logger = createLogger("debug", { service: "sessions" }, sink);
  const lines = async () => {
    await logger.flush();
    return chunks.join("").split("\n").filter(Boolean).map((line) => JSON.parse(line));
  };
  return { logger, lines };
}
