import assert from "node:assert/strict";
import { redact } from "./infrastructure.ts";

Deno.test("redact - passwords and bare tokens in URLs never reach a log line", () => {
  assert.equal(redact("nats://user:NatsSecretPW@10.0.0.1:4222"), "nats://user:***@10.0.0.1:4222");
  assert.equal(redact("nats://s3cr3t-token@10.0.0.1:4222"), "nats://***@10.0.0.1:4222");
  assert.equal(redact("postgres://app:pw@db/ticketd"), "postgres://app:***@db/ticketd");
  assert.equal(redact("nats://127.0.0.1:4222"), "nats://127.0.0.1:4222");
});
