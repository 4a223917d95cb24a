/**
 * The process's own metrics, read at scrape time: resident memory, start time and uptime.
 * @module
 */
import type { MetricsRegistry } from "./registry.ts";

/** Registers `process_resident_memory_bytes`, `process_start_time_seconds` and the uptime. */
export function processMetrics(registry: MetricsRegistry): void {
  const memory = registry.collected({
    name: "process_resident_memory_bytes",
    help: "Resident memory size in bytes.",
  }, "gauge");
  const start = registry.collected({
    name: "process_start_time_seconds",
    help: "Start time of the process since the Unix epoch in seconds.",
  }, "gauge");
  const uptime = registry.collected({
    name: "ticketd_process_uptime_seconds",
    help: "Seconds since the process started.",
  }, "gauge");
  const startedAt = performance.timeOrigin / 1000;
  registry.collector("process", () =>
    Promise.resolve([
      memory.sample({}, Deno.memoryUsage().rss),
      start.sample({}, Math.floor(startedAt)),
      uptime.sample({}, Math.round(performance.now()) / 1000),
    ]));
}
