/**
 * The ticket feed on a real nats-server that is stopped and started again (same port, same
 * store) in the middle of a stream of commits: every commit is folded once, in order.
 */
import assert from "node:assert/strict";
import { connect } from "@nats-io/transport-node";
import { jetstream, jetstreamManager } from "@nats-io/jetstream";
import { createLogger } from "@ticketd/shared/log/logger.ts";
import { freePort } from "@ticketd/shared/runtime/free_port.ts";
import { startPrivateNats } from "@ticketd/shared/runtime/private_nats.ts";
import { publishCommitWithRetries } from "../../../tests/support/cluster_publish.ts";
import { followTickets } from "./ticket_feed.ts";

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

Deno.test({
  name:
    "ticket feed - a nats-server restarted mid-stream: every later commit folded once, in order",
  sanitizeOps: false,
  sanitizeResources: false,
  fn: async () => {
    const storeDir = await Deno.makeTempDir({ prefix: "ticketd_feed_test_" });
    const port = freePort();
    let nats = await startPrivateNats({ storeDir, port });
    const nc = await connect({
      servers: nats.url,
      maxReconnectAttempts: -1,
      reconnectTimeWait: 100,
    });
    const folded: number[] = [];
    try {
      const js = jetstream(nc);
      const jsm = await jetstreamManager(nc);
      await jsm.streams.add({ name: "TICKETS", subjects: ["tickets.>"] });
      const handler = { commit: (_: unknown, seq: number) => void folded.push(seq), caughtUp() {} };
      const log = createLogger("error", { service: "feed-test" });
      const feed = await followTickets(js, jsm, "TICKETS", handler, log);
      try {
        let seq = 0;
        const publish = async (count: number) => {
          for (let i = 0; i < count; i++) {
            seq = await publishCommitWithRetries(js, {
              commandId: String(seq + 1),
              ticketId: "7",
              msgID: `c-${seq + 1}`,
            });
          }
        };
        await publish(50);
        await nats.stop();
        nats = await startPrivateNats({ storeDir, port });
        await publish(50);
        for (let i = 0; i < 300 && folded.length < seq; i++) await pause(50);
        assert.deepEqual(folded, Array.from({ length: seq }, (_, i) => i + 1));
      } finally {
        await feed.stop();
      }
    } finally {
      await nc.close();
      await nats.stop();
      await Deno.remove(storeDir, { recursive: true });
    }
  },
});
