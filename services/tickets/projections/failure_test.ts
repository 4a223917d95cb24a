import assert from "node:assert/strict";
import { z } from "zod";
import { DomainError } from "@ticketd/shared/errors.ts";
import { poisonOf } from "./failure.ts";

function postgresError(code: string): Error {
  return Object.assign(new Error(`pg ${code}`), { name: "PostgresError", code });
}

Deno.test("poisonOf - values PostgreSQL refuses and undecodable commits are the message's fault", () => {
  assert.equal(poisonOf(postgresError("22021"))?.code, "sqlstate_22021");
  assert.equal(poisonOf(postgresError("22003"))?.code, "sqlstate_22003");
  assert.equal(poisonOf(postgresError("23505"))?.code, "sqlstate_23505");
  assert.equal(poisonOf(new SyntaxError("bad json"))?.code, "undecodable_commit");
  assert.equal(poisonOf(z.string().safeParse(1).error)?.code, "undecodable_commit");
  assert.equal(poisonOf(new DomainError("decryption_failed", "x", 500))?.code, "decryption_failed");
});

Deno.test("poisonOf - lost connections, deadlocks, bugs and newer events are retried", () => {
  assert.equal(poisonOf(postgresError("08006")), null);
  assert.equal(poisonOf(postgresError("40P01")), null);
  assert.equal(poisonOf(postgresError("42703")), null);
  assert.equal(poisonOf(Object.assign(new Error("closed"), { code: "CONNECTION_CLOSED" })), null);
  assert.equal(poisonOf(new DomainError("unknown_event_version", "x", 500)), null);
  assert.equal(poisonOf(new TypeError("bug")), null);
});
