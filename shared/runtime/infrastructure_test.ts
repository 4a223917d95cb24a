import assert from "node:assert/strict";
import { redact } from "./infrastructure.ts";

Deno.test("redact - passwords and bare tokens in URLs never reach a log line", () => {
  assert.equal(redact("nats://user:NatsSecretPW@10.0.0.1:4222"), "nats://user:***@10.0.0.1:4222");
  assert.equal(redact("nats://s3cr3t-token@10.0.0.1:4222"), "nats://***@10.0.0.1:4222");
  assert.equal(redact("postgres://app:pw@db/ticketd"), "postgres://app:***@db/ticketd");
  assert.equal(redact("nats://127.0.0.1:4222"), "nats://127.0.0.1:4222");
  assert.equal(redact("postgres://u:p@ss#w0rdSECRET@db:1/x"), "(a URL that does not parse)");
  assert.equal(
    redact("postgres://postgres@db:1/x?password=QSECRET"),
    "postgres://***@db:1/x?password=***",
  );
  assert.equal(
    redact("nats://u:PW1@127.0.0.1:1,nats://u:PW2SECRET@127.0.0.1:2"),
    "nats://u:***@127.0.0.1:1,nats://u:***@127.0.0.1:2",
  );
  assert.equal(redact("not a url:PWSECRET"), "(a URL that does not parse)");
});
