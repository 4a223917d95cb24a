/**
 * Chat hand-off answered from the agent workspace (issue 9), in a real Chromium with two
 * browser contexts behind the gateway: a visitor on a site that embeds the widget gets the bot,
 * asks for a person; the agent opens the hand-off ticket from Unassigned, sees the transcript
 * and the visitor's new messages arrive over the workspace's socket, answers from the ticket's
 * chat panel, and the answer appears in the widget; hostile text stays text both ways. The same
 * run checks that agents are shown by their routing display name, customers by their identity
 * username, and similar tickets by subject.
 * Screenshots in `.ci/artifacts/console/`.
 * @module
 */
import assert from "node:assert/strict";
import { freePort } from "@ticketd/shared/runtime/free_port.ts";
import type { Page } from "playwright-core";
import postgres from "postgres";
import {
  AGENT,
  type ConsoleStack,
  signInAsAgent,
  startConsoleStack,
} from "../services/gateway/testing/console_stack.ts";
import { seriousViolations, shot } from "./support/browser.ts";

const VISITOR = "visitor-9";
const XSS_FROM_AGENT = "<img src=x onerror=alert(1)> from the agent";
const XSS_FROM_VISITOR = "<script>alert(2)</script><b>bold?</b>";
const LIVE_MS = 20_000; // a shared CI machine: generous, nothing here waits on a timer

/** The embedding site: a page with the widget and its own token endpoint for its visitor. */
function hostSite(stack: ConsoleStack, port: number) {
  const page = `<!doctype html><html lang="en"><head><meta charset="utf-8">
<title>Example shop</title></head><body><main><h1>Example shop</h1></main>
<script src="${stack.gatewayUrl}/widget.js" data-tenant="demo"
  data-token-url="/ticketd/chat-token" async></script></body></html>`;
  return Deno.serve({ hostname: "127.0.0.1", port, onListen: () => {} }, async (request) => {
    const path = new URL(request.url).pathname;
    if (path === "/") return new Response(page, { headers: { "content-type": "text/html" } });
    if (path === "/ticketd/chat-token") {
      return Response.json({ token: await stack.token(VISITOR, "customer") });
    }
    return new Response("not found", { status: 404 });
  });
}

/** A call through the gateway with a dev token. */
async function call(
  stack: ConsoleStack,
  method: string,
  path: string,
  as: { sub: string; role: string },
  body?: unknown,
) {
  const response = await fetch(`${stack.gatewayUrl}/api${path}`, {
    method,
    headers: {
      authorization: `Bearer ${await stack.token(as.sub, as.role, [AGENT.group])}`,
      ...(body === undefined ? {} : { "content-type": "application/json" }),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  assert.ok(response.ok, `${method} ${path}: ${response.status} ${await response.clone().text()}`);
  return await response.json();
}

/** A customer of identity (its admin tool), and their id (read from identity's table). */
async function identityUser(stack: ConsoleStack, username: string): Promise<string> {
  await stack.addUser({ username, password: `${username}-password-1`, role: "customer" });
  const sql = postgres(stack.db.url, { max: 1, onnotice: () => {} });
  try {
    const [user] =
      await sql`select id::text as id from identity_users where username = ${username}`;
    return user.id;
  } finally {
    await sql.end();
  }
}

/** The signed-in user's id (the token's `sub`), read from the page's first API request. */
function subjectOf(page: Page): Promise<string> {
  return new Promise((resolve) => {
    page.on("request", (request) => {
      const bearer = request.headers()["authorization"]?.replace(/^Bearer /, "");
      if (!bearer) return;
      const payload = bearer.split(".")[1].replace(/-/g, "+").replace(/_/g, "/");
      resolve(JSON.parse(atob(payload)).sub);
    });
  });
}

Deno.test({
  name:
    "console chat - an agent answers a widget hand-off live from the ticket, the visitor's reply arrives, HTML stays text; names and similar subjects shown",
  sanitizeOps: false,
  sanitizeResources: false,
  async fn() {
    const stack = await startConsoleStack();
    const port = freePort();
    const host = hostSite(stack, port);
    const admin = { sub: "boss", role: "admin" };
    try {
      // Two tickets alike for the similar list, by a customer who is an identity user.
      const customer = { sub: await identityUser(stack, "carol"), role: "customer" };
      const printer = await call(stack, "POST", "/tickets/v1/tickets", customer, {
        subject: "Printer jams on page two",
        body: "The office printer jams on the second page of every print job.",
      });
      await call(stack, "POST", "/tickets/v1/tickets", customer, {
        subject: "Printer jams again",
        body: "Our office printer jams on the second page of each print job again.",
      });

      // The visitor: bot first, then a person.
      const visitorContext = await stack.browser.newContext({ locale: "en-US" });
      const visitor = await visitorContext.newPage();
      const dialogs: string[] = [];
      visitor.on("dialog", (d) => {
        dialogs.push(d.message());
        d.dismiss();
      });
      await visitor.goto(`http://localhost:${port}/`);
      await visitor.locator("[data-ticketd-widget] button", { hasText: "Chat with us" }).click();
      const widget = visitor.locator("[data-ticketd-widget] section[role=dialog]");
      await widget.locator("input").fill("How do I reset my password?");
      await widget.locator("input").press("Enter");
      await widget.locator("p.bot").first().waitFor({ timeout: 30_000 }); // a cold bot worker
      await widget.locator("button", { hasText: "Talk to a person" }).click();
      await widget.locator("p.note", { hasText: "A person will answer here soon." }).waitFor({
        timeout: 30_000,
      });

      // The agent, in a second context: a display name in routing (inactive, so routing does
      // not assign the hand-off to them and it stays in Unassigned).
      const agentContext = await stack.browser.newContext({ locale: "en-US" });
      const agent = await agentContext.newPage();
      agent.on("dialog", (d) => {
        dialogs.push(d.message());
        d.dismiss();
      });
      const sub = subjectOf(agent);
      await signInAsAgent(stack, agent);
      const agentId = await sub;
      await call(stack, "PUT", `/routing/v1/routing/agents/${agentId}`, admin, {
        displayName: "Alice",
        groups: [AGENT.group],
        active: false,
      });
      const sessionsCalls: string[] = [];
      agent.on("request", (r) => {
        const url = new URL(r.url());
        if (url.pathname.startsWith("/api/sessions/")) {
          sessionsCalls.push(`${r.method()} ${url.pathname}`);
        }
      });

      const row = agent.locator("#queue-list li", { hasText: "Chat: How do I reset my password?" });
      await row.waitFor({ timeout: LIVE_MS });
      await row.click();
      const chat = agent.locator("#chat");
      await chat.waitFor();
      const transcript = chat.locator(".chat-transcript");
      await transcript.locator("li.chat-customer", { hasText: "reset my password" }).waitFor({
        timeout: LIVE_MS,
      });
      await transcript.locator("li.chat-bot").first().waitFor();
      await chat.locator("#chat-status", { hasText: "Your first message joins" }).waitFor();

      // Live from the visitor: pushed over the workspace's socket, shown as text.
      await widget.locator("input").fill(XSS_FROM_VISITOR);
      await widget.locator("input").press("Enter");
      await transcript.locator("li.chat-customer", { hasText: XSS_FROM_VISITOR }).waitFor({
        timeout: LIVE_MS,
      });
      assert.equal(await transcript.locator("li.chat-customer b, script").count(), 0);

      // The agent answers: joins on the first message, the widget shows it as text.
      await agent.fill("#chat-text", XSS_FROM_AGENT);
      await agent.click("#chat-send");
      await widget.locator("p.agent", { hasText: XSS_FROM_AGENT }).waitFor({ timeout: LIVE_MS });
      assert.equal(await widget.locator("img").count(), 0, "no element from the agent's text");
      await transcript.locator("li.chat-agent", { hasText: XSS_FROM_AGENT }).waitFor();
      await transcript.locator("li.chat-note", { hasText: "You joined the chat" }).waitFor();
      await chat.locator("#chat-status", { hasText: "You are in the chat" }).waitFor();
      assert.equal(await agent.inputValue("#chat-text"), "", "the composer is emptied");

      // The visitor's reply reaches the agent.
      await widget.locator("input").fill("Thanks, that worked!");
      await widget.locator("input").press("Enter");
      await transcript.locator("li.chat-customer", { hasText: "Thanks, that worked!" }).waitFor({
        timeout: LIVE_MS,
      });
      assert.equal(await chat.locator("img, b, script").count(), 0, "no element from chat text");
      await shot(agent, stack.artifacts, "chat-1-agent-panel");
      await shot(visitor, stack.artifacts, "chat-2-widget");
      assert.deepEqual(await seriousViolations(agent), [], "workspace with the chat panel");

      // Names: the assignee and the timeline say "Alice", not the id.
      await agent.click("#assign-me");
      await agent.locator("#assignee", { hasText: /^Alice$/ }).waitFor({ timeout: LIVE_MS });
      await agent.locator(".timeline li.change", { hasText: "Alice" }).first().waitFor();
      assert.equal(await agent.locator(".timeline", { hasText: agentId }).count(), 0);
      // The panel survived the redraw after the change, still live.
      await widget.locator("input").fill("One more thing.");
      await widget.locator("input").press("Enter");
      await transcript.locator("li.chat-customer", { hasText: "One more thing." }).waitFor({
        timeout: LIVE_MS,
      });

      // End chat: the conversation closes, its transcript becomes an internal note.
      await agent.click("#chat-end");
      await chat.locator("#chat-status", { hasText: "This chat has ended" }).waitFor({
        timeout: LIVE_MS,
      });
      assert.equal(await agent.isDisabled("#chat-send"), true);
      const conversation = /chat:(\d+)/.exec(
        (await agent.locator(".tag", { hasText: "chat:" }).textContent()) ?? "",
      )?.[1];
      assert.ok(conversation, "the ticket carries its chat tag");
      const state = await call(
        stack,
        "GET",
        `/sessions/v1/sessions/conversations/${conversation}`,
        admin,
      );
      assert.equal(state.status, "closed");
      // Its transcript reaches the ticket as one internal note (sessions archives on close).
      const ticketId = await agent.getAttribute("article[data-ticket]", "data-ticket");
      const transcriptNote = async () => {
        const ticket = await call(stack, "GET", `/tickets/v1/tickets/${ticketId}`, admin);
        return ticket.messages.find((m: { internal: boolean; body: string }) =>
          m.internal && m.body.includes(XSS_FROM_AGENT) && m.body.includes("Thanks, that worked!")
        );
      };
      for (let i = 0; !(await transcriptNote()); i++) {
        assert.ok(i < 200, "the transcript never reached the ticket");
        await new Promise((r) => setTimeout(r, 100));
      }
      // In Chinese the panel speaks Chinese (the catalogues' parity is web/shared/i18n_test.js).
      await agent.selectOption("#language", "zh");
      await chat.locator("h3", { hasText: "在线会话" }).waitFor();
      await chat.locator("#chat-status", { hasText: "此会话已结束" }).waitFor();
      await shot(agent, stack.artifacts, "chat-3-ended-chinese");
      await agent.selectOption("#language", "en");
      // No polling: the panel only ever asked to join, send and close.
      assert.deepEqual(
        [...new Set(sessionsCalls.map((c) => c.replace(/\/\d+(?=\/|$)/g, "/:id")))].sort(),
        [
          "POST /api/sessions/v1/sessions/conversations/:id/close",
          "POST /api/sessions/v1/sessions/conversations/:id/join",
          "POST /api/sessions/v1/sessions/conversations/:id/messages",
        ],
      );

      // Similar tickets show their subjects (one tickets request for them all), once routing
      // has indexed both.
      const similarPath = `/routing/v1/routing/tickets/${printer.id}/similar?limit=5`;
      for (let i = 0; !(await call(stack, "GET", similarPath, admin)).items.length; i++) {
        assert.ok(i < 200, "routing never found the similar ticket");
        await new Promise((r) => setTimeout(r, 100));
      }
      await agent.click('[data-queue="unassigned"]');
      await agent.locator("#queue-list li", { hasText: "Printer jams on page two" }).click();
      await agent.waitForSelector(`article[data-ticket="${printer.id}"]`);
      await agent.locator('[aria-labelledby="similar-title"] a', { hasText: "Printer jams again" })
        .waitFor({ timeout: LIVE_MS });
      assert.equal(await agent.locator("#chat").count(), 0, "no chat panel on other tickets");
      // Its requester is an identity user: shown by name (identity's GET /people), not by id.
      await agent.locator(".timeline li.message .meta", { hasText: "carol" }).waitFor();
      assert.equal(await agent.locator(".timeline", { hasText: customer.sub }).count(), 0);
      assert.deepEqual(dialogs, [], "no dialog was opened by chat text");
      await agentContext.close();
      await visitorContext.close();
    } finally {
      await host.shutdown();
      await stack.stop();
    }
  },
});
