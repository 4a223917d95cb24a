import assert from "node:assert/strict";
import { join } from "node:path";
import { healthy } from "./healthcheck.ts";

/** A private CA and a certificate for `localhost` made by the script Compose's `certs` step runs. */
async function certificates(): Promise<string> {
  const dir = await Deno.makeTempDir({ prefix: "healthcheck_" });
  const script = new URL("./tls/gen-dev-certs.sh", import.meta.url).pathname;
  const made = await new Deno.Command("bash", {
    args: [script, dir],
    env: { TLS_NAMES: "tickets other" },
    stdout: "null",
  }).output();
  assert.ok(made.success);
  return dir;
}

Deno.test("healthy - 200 over HTTPS with a certificate of the CA; another CA or plain HTTP is not", async () => {
  const dir = await certificates();
  const other = await certificates();
  const read = (name: string) => Deno.readTextFileSync(join(dir, name));
  const server = Deno.serve(
    {
      hostname: "127.0.0.1",
      port: 0,
      onListen: () => {},
      cert: read("tickets.crt"),
      key: read("tickets.key"),
    },
    () => new Response("ok"),
  );
  const plain = Deno.serve(
    { hostname: "127.0.0.1", port: 0, onListen: () => {} },
    () => new Response("ok"),
  );
  try {
    const url = `https://localhost:${server.addr.port}/healthz`;
    assert.equal(await healthy(url, join(dir, "ca.crt")), true);
    assert.equal(await healthy(url, join(other, "ca.crt")), false);
    assert.equal(
      await healthy(`https://127.0.0.1:${plain.addr.port}/healthz`, join(dir, "ca.crt")),
      false,
    );
  } finally {
    await server.shutdown();
    await plain.shutdown();
    await Deno.remove(dir, { recursive: true });
    await Deno.remove(other, { recursive: true });
  }
});
