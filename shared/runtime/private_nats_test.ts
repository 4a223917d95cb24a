import assert from "node:assert/strict";
import { natsServerOptions } from "./nats_url.ts";
import { connect } from "@nats-io/transport-node";
import { jetstream, jetstreamManager } from "@nats-io/jetstream";
import { freePort } from "./free_port.ts";
import { findNatsServer, natsServerVersion, startPrivateNats } from "./private_nats.ts";
import { RuntimeError } from "./runtime_error.ts";

async function withEnv(name: string, value: string, fn: () => Promise<void>): Promise<void> {
  const before = Deno.env.get(name);
  Deno.env.set(name, value);
  try {
    await fn();
  } finally {
    if (before === undefined) Deno.env.delete(name);
    else Deno.env.set(name, before);
  }
}

Deno.test("natsServerVersion - reports the installed version without the v", async () => {
  const version = await natsServerVersion();
  assert.match(version, /^\d+\.\d+\.\d+/);
  assert.equal(await natsServerVersion(await findNatsServer()), version);
});

Deno.test("startPrivateNats - JetStream data survives a stop and a start on the same store", async () => {
  const storeDir = await Deno.makeTempDir({ prefix: "private_nats_test_" });
  try {
    const first = await startPrivateNats({ storeDir });
    assert.match(first.url, /^nats:\/\/127\.0\.0\.1:\d+$/);
    const nc = await connect({ servers: first.url });
    const jsm = await jetstreamManager(nc);
    await jsm.streams.add({ name: "probe", subjects: ["probe.>"] });
    await jetstream(nc).publish("probe.one", new TextEncoder().encode("kept"));
    await nc.close();
    await first.stop();
    await first.stop(); // idempotent

    const second = await startPrivateNats({ storeDir });
    try {
      const nc2 = await connect({ servers: second.url });
      const jsm2 = await jetstreamManager(nc2);
      const info = await jsm2.streams.info("probe");
      assert.equal(info.state.messages, 1);
      const message = await jsm2.streams.getMessage("probe", { seq: 1 });
      assert.equal(message?.subject, "probe.one");
      assert.equal(message?.string(), "kept");
      await nc2.close();
    } finally {
      await second.stop();
    }
  } finally {
    await Deno.remove(storeDir, { recursive: true });
  }
});

Deno.test("startPrivateNats - listens on the port asked for and stops accepting after stop", async () => {
  const storeDir = await Deno.makeTempDir({ prefix: "private_nats_test_" });
  const logFile = `${storeDir}.log`;
  try {
    const port = freePort();
    const nats = await startPrivateNats({ storeDir, port, logFile });
    assert.equal(nats.url, `nats://127.0.0.1:${port}`);
    assert.match(await Deno.readTextFile(logFile), /Server is ready/);
    await nats.stop();
    await assert.rejects(Deno.connect({ hostname: "127.0.0.1", port }));
  } finally {
    await Deno.remove(storeDir, { recursive: true });
    await Deno.remove(logFile).catch(() => {});
  }
});

Deno.test("startPrivateNats - a port in use fails with the server's own words", async () => {
  const storeDir = await Deno.makeTempDir({ prefix: "private_nats_test_" });
  const taken = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  try {
    await assert.rejects(
      startPrivateNats({ storeDir, port: taken.addr.port }),
      (error: unknown) => {
        assert.ok(error instanceof RuntimeError);
        assert.equal(error.code, "nats_server_failed");
        assert.match(error.message, /address already in use/);
        return true;
      },
    );
  } finally {
    taken.close();
    await Deno.remove(storeDir, { recursive: true });
  }
});

Deno.test("startPrivateNats - a missing binary says how to install one", async () => {
  await withEnv("NATS_SERVER_BIN", "/nonexistent/nats-server", async () => {
    await assert.rejects(startPrivateNats({ storeDir: "/nonexistent/store" }), (error: unknown) => {
      assert.ok(error instanceof RuntimeError);
      assert.equal(error.code, "nats_server_missing");
      assert.match(error.message, /apt-get install -y nats-server/);
      assert.match(error.message, /github\.com\/nats-io\/nats-server\/releases/);
      assert.match(error.message, /NATS_URL/);
      return true;
    });
    await assert.rejects(natsServerVersion(), RuntimeError);
  });
});

Deno.test("startPrivateNats - with authToken a client needs the token its URL carries", async () => {
  const storeDir = await Deno.makeTempDir();
  const nats = await startPrivateNats({ storeDir, authToken: true });
  try {
    const options = natsServerOptions(nats.url);
    assert.match(options.token ?? "", /^[0-9a-f]{48}$/);
    const nc = await connect(options);
    await nc.flush();
    await nc.close();
    assert.match(await connectWithoutToken(options.servers[0]), /Authorization Violation/);
  } finally {
    await nats.stop();
    await Deno.remove(storeDir, { recursive: true });
  }
});

/**
 * What the server answers a client that connects without the token. Spoken over a raw socket:
 * the nats.js client, refused, can leave an ECONNRESET behind that fails the test run.
 */
async function connectWithoutToken(server: string): Promise<string> {
  const { hostname, port } = new URL(server.includes("://") ? server : `nats://${server}`);
  const conn = await Deno.connect({ hostname, port: Number(port) });
  try {
    await conn.write(new TextEncoder().encode('CONNECT {"verbose":false}\r\nPING\r\n'));
    let said = "";
    const buffer = new Uint8Array(4096);
    while (!said.includes("-ERR") && !said.includes("PONG")) {
      const n = await conn.read(buffer);
      if (n === null) break;
      said += new TextDecoder().decode(buffer.subarray(0, n));
    }
    return said;
  } finally {
    try {
      conn.close();
    } catch { /* the server may have closed it first */ }
  }
}
