/**
 * The queue bench's scenario on a small seed (the bench itself seeds a million): every count
 * and first page answers, over HTTP, against the real service, with the pages the queues hold.
 * @module
 */
import assert from "node:assert/strict";
import { Cleanup } from "../bench/cleanup.ts";
import { runQueueBench } from "../bench/queue_bench.ts";

Deno.test({
  name: "queue bench - counts and the first page of each queue answer on a 3,000-ticket seed",
  sanitizeOps: false,
  sanitizeResources: false,
  async fn() {
    const cleanup = new Cleanup();
    const tmp = await Deno.makeTempDir({ prefix: "ticketd_queue_bench_test_" });
    cleanup.add("temp dir", () => Deno.remove(tmp, { recursive: true }));
    try {
      const figures = await runQueueBench(
        { tickets: 3_000, requests: 20, concurrency: [1], maxSecondsPerQuery: 30 },
        tmp,
        cleanup,
      );
      assert.equal(figures.queries.length, 5);
      for (const query of figures.queries) {
        const [{ latency }] = query.http;
        assert.equal(latency.errors, 0, `${query.name}: ${latency.firstError}`);
        assert.equal(latency.requests, 20, query.name);
        assert.ok(Number.isFinite(query.sqlMs), query.name);
      }
      const pages = figures.queries.slice(1).map((q) => q.http[0].latency.pageSize);
      assert.ok(pages.every((size) => size > 0), `every queue has tickets: ${pages}`);
      assert.ok(figures.sizes.customStatus > 0, "some tickets hold the custom status");
    } finally {
      await cleanup.run();
    }
  },
});
