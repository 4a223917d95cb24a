/**
 * The whole of Ticketd for browser tests: `services/main.ts` as a process on a private NATS and
 * a fresh database, the gateway in this process in front of it (found through the URL files),
 * an agent user, dev tokens for arranging data over the API, and Chromium.
 * @module
 */
import { type Browser, chromium, type Page } from "playwright-core";
import { loadOrCreateDevKeys, mintDevToken } from "@ticketd/shared/http/dev_keys.ts";
import { createLogger } from "@ticketd/shared/log/logger.ts";
import { freePort } from "@ticketd/shared/runtime/free_port.ts";
import { createTestDatabase, type TestDatabase } from "../../../tests/support/database.ts";
import { startTestNats } from "../../../tests/support/nats.ts";
import { loadGatewayConfig } from "../config.ts";
import { startGatewayService } from "../service.ts";

export const CHROMIUM_ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];
export const AGENT = { username: "alice", password: "alice-password-1", group: "support" };
export const ADMIN_PASSWORD = "admin-password-1";

export interface ConsoleStack {
  gatewayUrl: string;
  natsUrl: string;
  /** The services' data folder (keyring, URL files). */
  dataDir: string;
  ticketsUrl: string;
  db: TestDatabase;
  browser: Browser;
  /** A dev token of tenant `demo` (the tickets service accepts both kinds). */
  token(sub: string, role: string, groups?: string[]): Promise<string>;
  /** Where screenshots go (kept by CI). */
  artifacts: string;
  /** Adds an identity user of tenant `demo` (identity's admin tool). */
  addUser(
    user: { username: string; password: string; role: string; groups?: string },
  ): Promise<void>;
  stop(): Promise<void>;
}

/** Starts everything; `extraEnv` goes to the services' process. */
export async function startConsoleStack(extraEnv: Record<string, string> = {}) {
  const nats = await startTestNats();
  const db = await createTestDatabase();
  const dataDir = await Deno.makeTempDir({ prefix: "ticketd-console-" });
  const [ticketsPort, identityPort, gatewayPort] = [freePort(), freePort(), freePort()];
  const gatewayUrl = `http://127.0.0.1:${gatewayPort}`;
  const env = {
    NATS_URL: nats.url,
    DATABASE_URL: db.url,
    TICKETD_DATA_DIR: dataDir,
    TICKETD_PORT: String(ticketsPort),
    TICKETD_IDENTITY_PORT: String(identityPort),
    TICKETD_IDENTITY_BOOTSTRAP_PASSWORD: ADMIN_PASSWORD,
    TICKETD_IDENTITY_BOOTSTRAP_REDIRECT_URIS: ["/callback", "/admin/callback", "/portal/callback"]
      .map((page) => gatewayUrl + page).join(" "),
    TICKETD_GATEWAY_PORT: String(freePort()), // main.ts's own gateway, unused here
    TICKETD_ROUTING_PORT: "0",
    TICKETD_SESSIONS_PORT: "0",
    TICKETD_ATTACHMENTS_PORT: "0",
    TICKETD_AUDIT_PORT: "0",
    TICKETD_REPORTS_PORT: "0",
    TICKETD_WEBHOOKS_PORT: "0",
    TICKETD_EMAIL_SMTP_PORT: "0",
    TICKETD_EMAIL_HTTP_PORT: "0",
    TICKETD_LOG_LEVEL: "warn",
    ...extraEnv,
  };
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", "--unstable-net", "--unstable-worker-options", path("../../main.ts")],
    env,
    stdout: "null",
    stderr: "piped",
  }).spawn();
  const stderr = new Response(child.stderr).text();
  const ticketsUrl = `http://127.0.0.1:${ticketsPort}`;
  await waitFor(async () => (await fetch(`${ticketsUrl}/readyz`)).ok);
  for (const name of ["routing", "sessions", "attachments"]) {
    await waitFor(async () => Boolean(await Deno.readTextFile(`${dataDir}/${name}.url`)));
  }
  await addUser(env, { ...AGENT, role: "agent", groups: AGENT.group });
  const log = createLogger("warn", { service: "gateway-test" });
  const gateway = await startGatewayService(
    loadGatewayConfig({
      TICKETD_GATEWAY_PORT: String(gatewayPort),
      TICKETD_GATEWAY_IDENTITY_URL: `http://127.0.0.1:${identityPort}`,
    }),
    { log, dataDir },
  );
  const server = Deno.serve(
    { hostname: "127.0.0.1", port: gatewayPort, onListen: () => {} },
    gateway.fetch,
  );
  const browser = await chromium.launch({
    executablePath: "/usr/bin/chromium",
    args: CHROMIUM_ARGS,
  });
  const devKeys = await loadOrCreateDevKeys(dataDir);
  const artifacts = path("../../../.ci/artifacts/console");
  await Deno.mkdir(artifacts, { recursive: true });
  return {
    gatewayUrl,
    natsUrl: nats.url,
    dataDir,
    ticketsUrl,
    db,
    browser,
    artifacts,
    addUser: (user) => addUser(env, user),
    token: (sub: string, role: string, groups: string[] = []) =>
      mintDevToken(devKeys, { sub, tenant: "demo", role, groups } as never),
    async stop() {
      await browser.close().catch(() => {});
      await server.shutdown();
      child.kill("SIGTERM");
      await child.status;
      await stderr;
      await db.drop();
      await nats.stop();
      await Deno.remove(dataDir, { recursive: true }).catch(() => {});
    },
  } satisfies ConsoleStack;
}

/** Signs `page` in as the agent through the console's button and identity's form. */
export async function signInAsAgent(stack: ConsoleStack, page: Page): Promise<void> {
  await page.goto(stack.gatewayUrl);
  await page.click("#signin-button");
  await page.fill("input[name=username]", AGENT.username);
  await page.fill("input[name=password]", AGENT.password);
  await Promise.all([page.waitForURL(`${stack.gatewayUrl}/`), page.click("button[type=submit]")]);
  await page.waitForSelector("#workspace:not([hidden])");
}

/** A user through identity's admin tool (the users API needs an admin's identity token). */
async function addUser(
  env: Record<string, string>,
  user: { username: string; password: string; role: string; groups?: string },
) {
  const { code, stderr } = await new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "-A",
      path("../../identity/tools/admin.ts"),
      "add-user",
      "--tenant",
      "demo",
      "--username",
      user.username,
      "--role",
      user.role,
      ...(user.groups ? ["--groups", user.groups] : []),
    ],
    env: { ...env, TICKETD_NEW_PASSWORD: user.password },
    stdout: "null",
    stderr: "piped",
  }).output();
  if (code !== 0) throw new Error(`add-user failed: ${new TextDecoder().decode(stderr)}`);
}

async function waitFor(check: () => Promise<boolean>, timeoutMs = 60_000) {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    if (await check().catch(() => false)) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error("the services did not start in time");
}

function path(relative: string): string {
  return new URL(relative, import.meta.url).pathname;
}
