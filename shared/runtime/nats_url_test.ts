import assert from "node:assert/strict";
import { natsServerOptions } from "./nats_url.ts";

Deno.test("natsServerOptions - credentials leave the URL and become client options", () => {
  assert.deepEqual(natsServerOptions("nats://127.0.0.1:4222"), {
    servers: ["nats://127.0.0.1:4222"],
  });
  assert.deepEqual(natsServerOptions("nats://s3cr3t@10.0.0.1:4222"), {
    servers: ["nats://10.0.0.1:4222"],
    token: "s3cr3t",
  });
  assert.deepEqual(natsServerOptions("nats://app:p%40ss@a:4222, nats://app:p%40ss@b:4222"), {
    servers: ["nats://a:4222", "nats://b:4222"],
    user: "app",
    pass: "p@ss",
  });
  assert.deepEqual(natsServerOptions("tls://host:4443"), { servers: ["tls://host:4443"] });
});
