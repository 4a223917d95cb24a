import assert from "node:assert/strict";
import { MetricsRegistry } from "./registry.ts";

/** The text without the registry's own collect-error family. */
async function own(registry: MetricsRegistry, timeoutMs = 1_000): Promise<string> {
  const text = await registry.text(timeoutMs);
  return text.split("\n").filter((l) => !l.includes("ticketd_metrics_collect_errors_total"))
    .join("\n");
}

Deno.test("metrics text - counters and gauges with HELP, TYPE and labels in declared order", async () => {
  const registry = new MetricsRegistry();
  const requests = registry.counter({
    name: "t_requests_total",
    help: "Requests.",
    labels: ["b", "a"],
  });
  const up = registry.gauge({ name: "t_up", help: "Up." });
  requests.inc({ a: "1", b: "2" });
  requests.inc({ a: "1", b: "2" }, 2);
  up.set({}, 1);
  assert.equal(
    await own(registry),
    [
      "# HELP t_requests_total Requests.",
      "# TYPE t_requests_total counter",
      't_requests_total{b="2",a="1"} 3',
      "# HELP t_up Up.",
      "# TYPE t_up gauge",
      "t_up 1",
      "",
    ].join("\n"),
  );
});

Deno.test("metrics text - label values escape backslash, double quote and newline; HELP too", async () => {
  const registry = new MetricsRegistry();
  const g = registry.gauge({ name: "t_g", help: "A \\ help\nline.", labels: ["v"] });
  g.set({ v: 'a\\b"c\nd' }, 2);
  const text = await own(registry);
  assert.ok(text.includes("# HELP t_g A \\\\ help\\nline.\n"), text);
  assert.ok(text.includes('t_g{v="a\\\\b\\"c\\nd"} 2\n'), text);
});

Deno.test("metrics text - histogram buckets are cumulative, end with +Inf, then _sum and _count", async () => {
  const registry = new MetricsRegistry();
  const h = registry.histogram({
    name: "t_seconds",
    help: "Time.",
    labels: ["route"],
    buckets: [1, 0.1, 0.5],
  });
  for (const v of [0.05, 0.1, 0.3, 0.7, 3]) h.observe({ route: "/x" }, v);
  assert.equal(
    await own(registry),
    [
      "# HELP t_seconds Time.",
      "# TYPE t_seconds histogram",
      't_seconds_bucket{route="/x",le="0.1"} 2',
      't_seconds_bucket{route="/x",le="0.5"} 3',
      't_seconds_bucket{route="/x",le="1"} 4',
      't_seconds_bucket{route="/x",le="+Inf"} 5',
      't_seconds_sum{route="/x"} 4.15',
      't_seconds_count{route="/x"} 5',
      "",
    ].join("\n"),
  );
});

Deno.test("metrics text - collected samples appear only in the scrape that read them", async () => {
  const registry = new MetricsRegistry();
  const lag = registry.collected({ name: "t_lag", help: "Lag.", labels: ["stream"] }, "gauge");
  let value = 7;
  registry.collector("lag", () => Promise.resolve([lag.sample({ stream: "S" }, value)]));
  assert.ok((await registry.text(1_000)).includes('t_lag{stream="S"} 7\n'));
  value = 0;
  const text = await registry.text(1_000);
  assert.ok(text.includes('t_lag{stream="S"} 0\n'), text);
  assert.ok(!text.includes(" 7\n"), text);
});

Deno.test("metrics text - a failing or slow collector is a missing sample and a counted error", async () => {
  const registry = new MetricsRegistry();
  const lag = registry.collected({ name: "t_lag", help: "Lag." }, "gauge");
  registry.collector("broken", () => Promise.reject(new Error("no server")));
  let timer: ReturnType<typeof setTimeout> | undefined;
  registry.collector(
    "slow",
    () => new Promise((resolve) => timer = setTimeout(() => resolve([lag.sample({}, 1)]), 2_000)),
  );
  const started = Date.now();
  const text = await registry.text(50);
  clearTimeout(timer);
  assert.ok(Date.now() - started < 1_500, "the scrape waited for the slow collector");
  assert.ok(!text.includes("\nt_lag "), text);
  assert.ok(text.includes('ticketd_metrics_collect_errors_total{collector="broken"} 1\n'), text);
  assert.ok(text.includes('ticketd_metrics_collect_errors_total{collector="slow"} 1\n'), text);
});

Deno.test("metrics registry - a name registered twice and a counter going down are refused", () => {
  const registry = new MetricsRegistry();
  const c = registry.counter({ name: "t_total", help: "T." });
  assert.throws(() => registry.gauge({ name: "t_total", help: "Again." }), /registered twice/);
  assert.throws(() => c.inc({}, -1), /cannot go down/);
});

Deno.test("metrics text - each collector's error count is 0 from the first scrape", async () => {
  const registry = new MetricsRegistry();
  registry.collector("fine", () => Promise.resolve([]));
  const text = await registry.text(1_000);
  assert.ok(text.includes('ticketd_metrics_collect_errors_total{collector="fine"} 0\n'), text);
});
