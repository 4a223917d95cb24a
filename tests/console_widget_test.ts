/**
 * The chat widget on a third-party page in a real Chromium: a host page on another origin
 * (served here, with its own strict CSP and CSS that tries to restyle everything) embeds
 * `<gateway>/widget.js`; the visitor gets a bot answer, asks for a person, and an agent's
 * messages sent through the sessions API appear, as text, also across a dropped socket.
 * Accessibility (axe-core) of the host page with the panel open, the language from the browser
 * and switchable, the size gzipped.
 * Screenshots in `.ci/artifacts/console/`.
 * @module
 */
import assert from "node:assert/strict";
import { gzipSync } from "node:zlib";
import { freePort } from "@ticketd/shared/runtime/free_port.ts";
import type { WebSocketRoute } from "playwright-core";
import { type ConsoleStack, startConsoleStack } from "../services/gateway/testing/console_stack.ts";
import { seriousViolations, shot } from "./support/browser.ts";

const VISITOR = "visitor-1";
const XSS = "<img src=x onerror=alert(1)>";
const WIDGET_GZIP_BUDGET = 6 * 1024;

/** The bit of the DOM this file uses inside the page (it has no DOM types). */
type Styled = {
  getComputedStyle(element: unknown): { backgroundColor: string; color: string };
};

/** The embedding site: its page, hostile CSS, and its own token endpoint for its customer. */
function hostSite(stack: ConsoleStack, port: number, httpFallback = false) {
  const socketOrigin = stack.gatewayUrl.replace(/^http/, "ws");
  // The HTTP fallback also fetches from the gateway's own origin.
  const connect = httpFallback ? `${socketOrigin} ${stack.gatewayUrl}` : socketOrigin;
  const csp = [
    "default-src 'self'",
    `script-src 'self' ${stack.gatewayUrl}`,
    `connect-src 'self' ${connect}`,
    "style-src 'self'",
    "img-src 'self'",
  ].join("; ");
  const page = `<!doctype html><html lang="en"><head><meta charset="utf-8">
<title>Example shop</title><link rel="stylesheet" href="/shop.css"></head>
<body><main><h1>Example shop</h1><p>We sell printers.</p></main>
<script src="${stack.gatewayUrl}/widget.js" data-tenant="demo"
  data-token-url="/ticketd/chat-token" async></script></body></html>`;
  const css = "* { color: #f0f !important; font-size: 30px !important; } " +
    "button { display: none !important; } li { display: inline !important; }";
  return Deno.serve({ hostname: "127.0.0.1", port, onListen: () => {} }, async (request) => {
    const path = new URL(request.url).pathname;
    if (path === "/") {
      return new Response(page, {
        headers: { "content-type": "text/html; charset=utf-8", "content-security-policy": csp },
      });
    }
    if (path === "/shop.css") return new Response(css, { headers: { "content-type": "text/css" } });
    if (path === "/ticketd/chat-token") {
      return Response.json({ token: await stack.token(VISITOR, "customer") });
    }
    return new Response("not found", { status: 404 });
  });
}

async function sessionsCall(stack: ConsoleStack, path: string, body?: unknown) {
  const origin = (await Deno.readTextFile(`${stack.dataDir}/sessions.url`)).trim();
  const response = await fetch(new URL(path, origin), {
    method: "POST",
    headers: {
      authorization: `Bearer ${await stack.token("agent-7", "agent", ["support"])}`,
      "content-type": "application/json",
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  assert.ok(response.ok, `${path}: ${response.status} ${await response.clone().text()}`);
  return await response.json();
}

Deno.test({
  name:
    "widget - on another site's page a visitor gets a bot answer, asks for a person, an agent answers; text stays text",
  sanitizeOps: false,
  sanitizeResources: false,
  async fn() {
    const stack = await startConsoleStack();
    const port = freePort();
    const host = hostSite(stack, port);
    // localhost vs. the gateway's 127.0.0.1: another origin and another site.
    const hostUrl = `http://localhost:${port}/`;
    try {
      const source = await Deno.readFile(new URL("../web/widget/widget.js", import.meta.url));
      const gzipped = gzipSync(source, { level: 9 }).length;
      console.log(`widget.js: ${source.length} bytes, ${gzipped} gzipped`);
      assert.ok(gzipped < WIDGET_GZIP_BUDGET, `widget.js is ${gzipped} bytes gzipped`);

      const context = await stack.browser.newContext({ locale: "en-US" });
      const page = await context.newPage();
      await page.addInitScript(`window.__violations = [];
        document.addEventListener("securitypolicyviolation",
          (e) => window.__violations.push(e.violatedDirective + " " + e.blockedURI));`);
      const dialogs: string[] = [];
      page.on("dialog", (d) => {
        dialogs.push(d.message());
        d.dismiss();
      });
      // The widget's sockets pass through here: to learn the conversation, and to cut one.
      let conversationId = "";
      const sockets: WebSocketRoute[] = [];
      await page.routeWebSocket(/\/api\/sessions\/sessions\/socket$/, (socket) => {
        sockets.push(socket);
        const server = socket.connectToServer();
        server.onMessage((message) => {
          const frame = JSON.parse(String(message));
          if (frame.type === "opened") conversationId = frame.conversation.conversationId;
          socket.send(message);
        });
      });

      await page.goto(hostUrl);
      const opener = page.locator("[data-ticketd-widget] button", { hasText: "Chat with us" });
      await opener.waitFor();
      // The host's `button { display: none }` and colours do not reach into the shadow root.
      assert.equal(
        await opener.evaluate((button) =>
          (globalThis as unknown as Styled).getComputedStyle(button)
            .backgroundColor
        ),
        "rgb(31, 78, 121)",
      );
      await opener.click();
      const panel = page.locator("[data-ticketd-widget] section[role=dialog]");
      await panel.waitFor();
      await panel.locator("input").fill("How do I reset my password?");
      await panel.locator("input").press("Enter");
      await panel.locator("p.customer", { hasText: "reset my password" }).waitFor();
      const bot = panel.locator("p.bot");
      await bot.first().waitFor({ timeout: 30_000 }); // a cold bot worker under load
      const answer = (await bot.allTextContents()).join(" ");
      assert.match(answer, /^Assistant/, "labelled as the bot");
      assert.ok(answer.length > 40, `a real answer: ${answer}`);
      await shot(page, stack.artifacts, "widget-1-bot");

      // A double-click asks once, and the button goes once the hand-off came.
      const human = panel.locator("button", { hasText: "Talk to a person" });
      await human.dblclick();
      await panel.locator("p.note", { hasText: "A person will answer here soon." }).waitFor({
        timeout: 30_000,
      });
      assert.ok(conversationId, "the widget opened a conversation");
      assert.equal(await panel.locator("p.customer", { hasText: "human agent" }).count(), 1);
      assert.equal(await human.isVisible(), false, "no Talk to a person after the hand-off");

      const path = `/v1/sessions/conversations/${conversationId}`;
      await sessionsCall(stack, `${path}/join`);
      await sessionsCall(stack, `${path}/messages`, { text: "Hi, this is Alice from support." });
      await panel.locator("p.agent", { hasText: "Alice from support" }).waitFor({
        timeout: 10_000,
      });
      // A dropped socket: what was said meanwhile arrives after the reconnect, nothing twice.
      await sockets[0].close({ code: 4000, reason: "cut by the test" });
      await sessionsCall(stack, `${path}/messages`, { text: "Sent while you were away." });
      await sessionsCall(stack, `${path}/messages`, { text: XSS });
      await panel.locator("p.agent", { hasText: "Sent while you were away." }).waitFor({
        timeout: 15_000,
      });
      await panel.locator("p.agent", { hasText: XSS }).waitFor();
      assert.equal(sockets.length, 2, "the widget reconnected once");
      assert.equal(await panel.locator("p", { hasText: "Alice from support" }).count(), 1);
      assert.equal(await panel.locator("p", { hasText: "reset my password" }).count(), 1);
      assert.equal(await panel.locator("img").count(), 0, "no element from chat text");
      // Nor do its `* { color; font-size }` rules, inherited through the host element.
      assert.equal(
        await panel.locator("p.agent").first().evaluate((p) =>
          (globalThis as unknown as Styled).getComputedStyle(p).color
        ),
        "rgb(27, 27, 27)",
      );
      await shot(page, stack.artifacts, "widget-2-agent");
      assert.deepEqual(await seriousViolations(page), [], "host page with the panel open");

      await page.evaluate(`window.ticketdWidget.language("zh")`);
      await panel.locator("button", { hasText: "转人工客服" }).waitFor({ state: "attached" });
      assert.deepEqual(await page.evaluate("window.__violations"), [], "the host's CSP held");
      assert.deepEqual(dialogs, [], "no dialog was opened by chat text");
      await context.close();

      const chinese = await stack.browser.newContext({ locale: "zh-CN" });
      const zhPage = await chinese.newPage();
      await zhPage.goto(hostUrl);
      await zhPage.locator("[data-ticketd-widget] button", { hasText: "在线咨询" }).waitFor();
      await shot(zhPage, stack.artifacts, "widget-3-chinese");
      await chinese.close();
    } finally {
      await host.shutdown();
      await stack.stop();
    }
  },
});

Deno.test({
  name:
    "widget - where WebSockets are blocked, the visitor chats over the SSE and POST fallback, across origins",
  sanitizeOps: false,
  sanitizeResources: false,
  async fn() {
    const stack = await startConsoleStack();
    const port = freePort();
    const host = hostSite(stack, port, true);
    try {
      const context = await stack.browser.newContext({ locale: "en-US" });
      const page = await context.newPage();
      await page.addInitScript(`window.__violations = [];
        document.addEventListener("securitypolicyviolation",
          (e) => window.__violations.push(e.violatedDirective + " " + e.blockedURI));`);
      let blocked = 0;
      await page.routeWebSocket(/\/api\/sessions\/sessions\/socket$/, (socket) => {
        blocked++;
        socket.close({ code: 4001, reason: "blocked by the network" });
      });
      const calls: string[] = [];
      page.on("request", (r) => {
        const url = new URL(r.url());
        if (url.pathname.startsWith("/api/")) calls.push(`${r.method()} ${url.pathname}`);
      });
      await page.goto(`http://localhost:${port}/`);
      await page.locator("[data-ticketd-widget] button", { hasText: "Chat with us" }).click();
      const panel = page.locator("[data-ticketd-widget] section[role=dialog]");
      await panel.locator("input").fill("How do I reset my password?");
      await panel.locator("input").press("Enter");
      await panel.locator("p.customer", { hasText: "reset my password" }).waitFor({
        timeout: 15_000,
      });
      await panel.locator("p.bot").first().waitFor({ timeout: 30_000 });
      await panel.locator("button", { hasText: "Talk to a person" }).click();
      await panel.locator("p.note", { hasText: "A person will answer here soon." }).waitFor({
        timeout: 30_000,
      });
      assert.equal(blocked, 1, "one socket tried, then HTTP");
      const base = "/api/sessions/v1/sessions/conversations";
      assert.ok(calls.includes(`POST ${base}`), `opened over HTTP: ${calls}`);
      assert.ok(calls.some((c) => /^GET .*\/events$/.test(c)), "followed over SSE");
      assert.ok(calls.some((c) => /^POST .*\/messages$/.test(c)), "sent over POST");
      assert.equal(await panel.locator("p", { hasText: "reset my password" }).count(), 1);
      assert.deepEqual(await page.evaluate("window.__violations"), [], "the host's CSP held");
      await shot(page, stack.artifacts, "widget-4-http-fallback");
      await context.close();
    } finally {
      await host.shutdown();
      await stack.stop();
    }
  },
});
