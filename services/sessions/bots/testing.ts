/**
 * Test support: a plugin host over chosen test plugins (`testdata/plugins/<name>`, linked into a
 * temporary folder), with short limits, and a turn input built from plain texts.
 * @module
 */
import { type BotTurnInput, loadPluginHost, type PluginHost } from "./plugin_host.ts";
import type { BotHostSettings } from "./settings.ts";

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
});

/** Runs `body` with a host over the named plugins (from `source`), then closes it. */
export async function withHost(
  names: string[],
  body: (host: PluginHost, clock: { now: number }) => Promise<void> | void,
  options: { env?: Record<string, string>; source?: string } = {},
): Promise<void> {
  const dir = await Deno.makeTempDir({ prefix: "ticketd-bots-" });
  for (const name of names) {
    await Deno.symlink(`${options.source ?? TEST_PLUGINS}${name}`, `${dir}/${name}`);
  }
  const clock = { now: Date.parse("2025-01-06T09:00:00Z") };
  const host = await loadPluginHost({
    settings: testSettings(dir),
    env: options.env ?? {},
    now: () => clock.now,
  });
  try {
    await body(host, clock);
  } finally {
    host.close();
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
