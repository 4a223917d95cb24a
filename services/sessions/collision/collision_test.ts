import assert from "node:assert/strict";
import { DomainError } from "@ticketd/shared/errors.ts";
import { heldClaim, takeClaim } from "./collision.ts";

const NOW = Date.parse("2025-03-01T14:00:00.000Z");
const alice = { agentId: "alice", until: "2025-03-01T14:01:00.000Z" };

Deno.test("takeClaim - a free ticket is claimed until now plus the claim length", () => {
  assert.deepEqual(takeClaim(null, "alice", NOW, 120_000), {
    action: "create",
    claim: { agentId: "alice", until: "2025-03-01T14:02:00.000Z" },
  });
});

Deno.test("takeClaim - the holder renews their own claim at the stored revision", () => {
  const verdict = takeClaim({ claim: alice, revision: 7 }, "alice", NOW, 120_000);
  assert.deepEqual(verdict, {
    action: "update",
    revision: 7,
    claim: { agentId: "alice", until: "2025-03-01T14:02:00.000Z" },
  });
});

Deno.test("takeClaim - another agent is refused 409 claimed naming the holder and the end", () => {
  assert.throws(
    () => takeClaim({ claim: alice, revision: 7 }, "bob", NOW, 120_000),
    (e) =>
      e instanceof DomainError && e.code === "claimed" && e.status === 409 &&
      e.extra.heldBy === "alice" && e.extra.until === alice.until,
  );
});

Deno.test("takeClaim - an expired claim (not yet removed by the bucket) may be taken over", () => {
  const later = Date.parse(alice.until) + 1;
  const verdict = takeClaim({ claim: alice, revision: 7 }, "bob", later, 120_000);
  assert.equal(verdict.action, "update");
  assert.equal(verdict.claim.agentId, "bob");
  assert.equal(heldClaim(alice, later), null);
  assert.deepEqual(heldClaim(alice, NOW), alice);
});
