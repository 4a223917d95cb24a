import assert from "node:assert/strict";
import { judgeRefresh, type RefreshRecord } from "./refresh.ts";

const now = new Date("2026-01-01T12:00:00Z");
const fresh: RefreshRecord = {
  clientId: "console",
  expiresAt: new Date("2026-01-31T12:00:00Z"),
  rotatedAt: null,
  familyRevokedAt: null,
};

Deno.test("judgeRefresh - an unused, unexpired token of this client is rotated", () => {
  assert.deepEqual(judgeRefresh(fresh, "console", now), { kind: "rotate" });
});

Deno.test("judgeRefresh - a token already rotated is reuse (the family is to be revoked)", () => {
  assert.deepEqual(judgeRefresh({ ...fresh, rotatedAt: now }, "console", now), { kind: "reuse" });
});

Deno.test("judgeRefresh - unknown, foreign, revoked and expired tokens are invalid", () => {
  assert.equal(judgeRefresh(null, "console", now).kind, "invalid");
  assert.equal(judgeRefresh(fresh, "other", now).kind, "invalid");
  assert.equal(judgeRefresh({ ...fresh, familyRevokedAt: now }, "console", now).kind, "invalid");
  assert.equal(
    judgeRefresh({ ...fresh, rotatedAt: now, familyRevokedAt: now }, "console", now)
      .kind,
    "invalid",
  );
  assert.equal(judgeRefresh({ ...fresh, expiresAt: now }, "console", now).kind, "invalid");
});
