/**
 * `deno task start` with every port chosen at start (`0`): each service writes the address it got
 * to `<data dir>/<name>.url`, the gateway names its real origin (banner and CSP) and still finds
 * identity, whose port it could not know from the settings.
 */
import assert from "node:assert/strict";
import { createTestDatabase } from "./support/database.ts";
import { startTestNats } from "./support/nats.ts";
import { STACK_SERVICES } from "../deploy/stack/stack_services.ts";

// Every service of the stack; email's HTTP port beside its SMTP one (no mailbox: no email.url).
const PORTS = [...STACK_SERVICES.map((s) => s.portSetting), "TICKETD_EMAIL_HTTP_PORT"];
const URL_FILES = [
  ...STACK_SERVICES.filter((s) => s.name !== "email").map((s) => s.name),
  "email-http",
];

async function urlFile(dataDir: string, name: string, until: number): Promise<string> {
  for (;;) {
    const text = await Deno.readTextFile(`${dataDir}/${name}.url`).catch(() => null);
    if (text) return text.trim();
    assert.ok(Date.now() < until, `${name}.url was never written`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

Deno.test({
  name:
    "start with every port 0 - each service writes the URL it got; the gateway knows its own and finds identity",
  sanitizeResources: false,
  async fn() {
    const nats = await startTestNats();
    const db = await createTestDatabase();
    const dataDir = await Deno.makeTempDir({ prefix: "ticketd-free-ports-" });
    const child = new Deno.Command(Deno.execPath(), {
      args: ["run", "-A", "--unstable-net", "--unstable-worker-options", "services/main.ts"],
      cwd: new URL("..", import.meta.url).pathname,
      env: {
        NATS_URL: nats.url,
        DATABASE_URL: db.url,
        TICKETD_DATA_DIR: dataDir,
        TICKETD_LOG_LEVEL: "warn",
        ...Object.fromEntries(PORTS.map((name) => [name, "0"])),
      },
      stdin: "null",
      stdout: "null",
      stderr: "piped",
    }).spawn();
    const stderr = new Response(child.stderr).text();
    try {
      const until = Date.now() + 60_000;
      const urls: Record<string, string> = Object.fromEntries(
        await Promise.all(
          URL_FILES.map(async (name) => [name, await urlFile(dataDir, name, until)]),
        ),
      );
      for (const [name, url] of Object.entries(urls)) {
        assert.match(url, /^http:\/\/127\.0\.0\.1:[1-9][0-9]*$/, `${name}: ${url}`);
      }
      const page = await fetch(`${urls.gateway}/`);
      await page.body?.cancel();
      const csp = page.headers.get("content-security-policy") ?? "";
      assert.ok(
        csp.includes(urls.gateway.replace("http", "ws")),
        `CSP names the socket origin: ${csp}`,
      );
      const metadata = await fetch(
        `${urls.gateway}/api/identity/.well-known/oauth-authorization-server`,
      );
      assert.equal(metadata.status, 200, "the gateway reaches identity through its URL file");
      assert.equal((await metadata.json()).issuer, urls.identity);
    } finally {
      child.kill("SIGINT");
      await child.status;
      const banner = await stderr;
      await nats.stop();
      await db.drop();
      await Deno.remove(dataDir, { recursive: true });
      assert.ok(banner.includes(`Console (gateway) at http://127.0.0.1:`), banner.slice(-2000));
      assert.ok(
        !banner.includes("127.0.0.1:0"),
        `no port 0 in the banner:\n${banner.slice(-2000)}`,
      );
    }
  },
});
