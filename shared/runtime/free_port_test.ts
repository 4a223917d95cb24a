import assert from "node:assert/strict";
import { freePort, portRange } from "./free_port.ts";

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

Deno.test("freePort - never a port of the ephemeral range, so no outgoing connection holds it", () => {
  const [low, high] = Deno.readTextFileSync("/proc/sys/net/ipv4/ip_local_port_range")
    .trim().split(/\s+/).map(Number);
  const ports = Array.from({ length: 50 }, () => freePort());
  for (const port of ports) assert.ok(port < low || port > high, `port ${port} in ${low}-${high}`);
  assert.equal(new Set(ports).size, ports.length, "a port handed out twice");
});

Deno.test("portRange - below the ephemeral range, else above it, else none", () => {
  assert.deepEqual(portRange([32768, 60999]), [10000, 32767]);
  assert.deepEqual(portRange([1024, 60999]), [61000, 65535]);
  assert.equal(portRange([1024, 65000]), undefined);
});
