import assert from "node:assert/strict";
import { freePort } from "./free_port.ts";

Deno.test("freePort - returns a port that can be bound on 127.0.0.1", () => {
  const port = freePort();
  assert.ok(Number.isInteger(port) && port > 0 && port < 65536, `port ${port}`);
  const listener = Deno.listen({ hostname: "127.0.0.1", port });
  try {
    assert.equal(listener.addr.port, port);
  } finally {
    listener.close();
  }
});
