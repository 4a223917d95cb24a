import assert from "node:assert/strict";
import { grantScope } from "./scopes.ts";

Deno.test("grantScope - no scope asked grants all the client may have", () => {
  assert.deepEqual(grantScope(undefined, ["tickets", "users"]), ["tickets", "users"]);
  assert.deepEqual(grantScope("", ["tickets"]), ["tickets"]);
});

Deno.test("grantScope - a subset is granted as asked", () => {
  assert.deepEqual(grantScope("users users", ["tickets", "users"]), ["users"]);
});

Deno.test("grantScope - a scope the client may not have is invalid_scope", () => {
  assert.throws(() => grantScope("tickets admin", ["tickets"]), { code: "invalid_scope" });
  assert.throws(() => grantScope('ti"ckets', ['ti"ckets']), { code: "invalid_scope" });
});
