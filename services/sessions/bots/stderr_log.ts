/**
 * A plugin's stderr in the service's log: each line a structured warning (the logger carries
 * the plugin's name), at most `linesPerMinute` a minute so a chatty or crash-looping plugin
 * cannot flood the log; the lines left out are counted on the next one logged.
 * @module
 */
import type { Logger } from "@ticketd/shared/log/logger.ts";

/** The line sink for one plugin. */
export function stderrLog(
  logger: Logger | undefined,
  linesPerMinute: number,
  now: () => number,
): (line: string) => void {
  let windowStart = -Infinity;
  let logged = 0;
  let dropped = 0;
  return (line) => {
    const at = now();
    if (at - windowStart >= 60_000) [windowStart, logged] = [at, 0];
    if (logged >= linesPerMinute) return void dropped++;
    logged++;
    logger?.warn("bot plugin stderr", dropped > 0 ? { line, droppedBefore: dropped } : { line });
    dropped = 0;
  };
}
