import assert from "node:assert/strict";
import { applyFrame, emptyPresence, presenceLines } from "./collision.js";

const NOW = Date.parse("2025-03-01T14:00:00.000Z");
const at = (/** @type {number} */ seconds) => new Date(NOW + seconds * 1000).toISOString();
/** @param {import("./collision.js").Presence} p */
const keys = (p, now = NOW) => presenceLines(p, "me", now).map((l) => `${l.key}:${l.values.name}`);

Deno.test("collision presence - others viewing are shown, the agent themself never", () => {
  const p = applyFrame(emptyPresence(), {
    type: "collision",
    viewers: [
      { agentId: "alice", state: "viewing", expiresAt: at(60) },
      { agentId: "me", state: "viewing", expiresAt: at(60) },
    ],
    claim: null,
  });
  assert.deepEqual(keys(p), ["collision.viewing:alice"]);
});

Deno.test("collision presence - typing shows while it holds, then the agent is viewing again", () => {
  let p = applyFrame(emptyPresence(), {
    type: "collision",
    signal: { agentId: "bob", state: "viewing", expiresAt: at(60) },
  });
  p = applyFrame(p, {
    type: "collision",
    signal: { agentId: "bob", state: "typing", expiresAt: at(5) },
  });
  p = applyFrame(p, {
    type: "collision",
    signal: { agentId: "bob", state: "viewing", expiresAt: at(80) },
  });
  assert.deepEqual(keys(p), ["collision.typing:bob"]);
  assert.deepEqual(keys(p, NOW + 6_000), ["collision.viewing:bob"]);
});

Deno.test("collision presence - a viewer who left or expired is gone", () => {
  let p = applyFrame(emptyPresence(), {
    type: "collision",
    signal: { agentId: "bob", state: "viewing", expiresAt: at(60) },
  });
  assert.deepEqual(keys(p, NOW + 61_000), []);
  p = applyFrame(p, {
    type: "collision",
    signal: { agentId: "bob", state: "left", expiresAt: at(0) },
  });
  assert.deepEqual(p.viewers, {});
});

Deno.test("collision presence - a claim shows its holder until it ends; one's own reads as mine", () => {
  const theirs = applyFrame(emptyPresence(), {
    type: "collision",
    claim: { agentId: "alice", until: at(120) },
  });
  assert.deepEqual(keys(theirs), ["collision.claimed:alice"]);
  assert.deepEqual(keys(theirs, NOW + 121_000), []);
  const mine = applyFrame(theirs, { type: "collision", claim: { agentId: "me", until: at(120) } });
  assert.deepEqual(keys(mine), ["collision.mine:me"]);
  assert.deepEqual(keys(applyFrame(mine, { type: "collision", claim: null })), []);
});
