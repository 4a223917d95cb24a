import assert from "node:assert/strict";
import { streamsToBackUp } from "./stream_selection.ts";

Deno.test("streamsToBackUp - event streams first, then KV buckets; live-only buckets are skipped", () => {
  const { save, skip } = streamsToBackUp([
    "KV_ticket-numbers",
    "KV_leases",
    "TICKETS",
    "KV_worker-ids",
    "ACTIVITY",
    "KV_agent-presence",
    "KV_ticket-refs",
    "EMAIL_OUTBOX",
  ]);
  assert.deepEqual(save, [
    "ACTIVITY",
    "EMAIL_OUTBOX",
    "TICKETS",
    "KV_ticket-numbers",
    "KV_ticket-refs",
  ]);
  assert.deepEqual(skip, ["KV_agent-presence", "KV_leases", "KV_worker-ids"]);
});
