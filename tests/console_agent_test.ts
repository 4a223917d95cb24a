/**
 * The agent workspace in a real Chromium against the real services behind the gateway: sign in
 * with PKCE, work a ticket from the unassigned queue, see a ticket arrive live, switch to
 * Chinese, show hostile text as text, and the CSP and accessibility of each main page.
 * Screenshots of each step go to `.ci/artifacts/console/`.
 * @module
 */
import assert from "node:assert/strict";
import type { Page } from "playwright-core";
import {
  AGENT,
  type ConsoleStack,
  signInAsAgent,
  startConsoleStack,
} from "../services/gateway/testing/console_stack.ts";
import { seriousViolations, shot as shotInto } from "./support/browser.ts";

const XSS = "<img src=x onerror=alert(1)>";

const shot = (stack: ConsoleStack, page: Page, name: string) =>
  shotInto(page, stack.artifacts, `agent-${name}`);

async function createTicket(stack: ConsoleStack, body: Record<string, unknown>) {
  const response = await fetch(`${stack.ticketsUrl}/v1/tickets`, {
    method: "POST",
    headers: {
      authorization: `Bearer ${await stack.token("customer-1", "customer")}`,
      "content-type": "application/json",
    },
    body: JSON.stringify({ body: "Details follow.", ...body }),
  });
  assert.equal(response.status, 201, await response.clone().text());
  return await response.json();
}

async function assign(stack: ConsoleStack, id: string, assigneeId: string) {
  const response = await fetch(`${stack.ticketsUrl}/v1/tickets/${id}/assignment`, {
    method: "PUT",
    headers: {
      authorization: `Bearer ${await stack.token("boss", "admin")}`,
      "content-type": "application/json",
    },
    body: JSON.stringify({ assigneeId, groupId: AGENT.group }),
  });
  assert.equal(response.status, 200, await response.text());
}

/** A whole file in one tus creation-with-upload, as the requester, through the gateway. */
async function attach(stack: ConsoleStack, ticketId: string, name: string, text: string) {
  const file = new TextEncoder().encode(text);
  const response = await fetch(`${stack.gatewayUrl}/api/attachments/v1/attachments/uploads`, {
    method: "POST",
    headers: {
      authorization: `Bearer ${await stack.token("customer-1", "customer")}`,
      "tus-resumable": "1.0.0",
      "upload-length": String(file.length),
      "upload-metadata": `ticketId ${btoa(ticketId)},filename ${btoa(name)}`,
      "content-type": "application/offset+octet-stream",
    },
    body: file,
  });
  await response.body?.cancel();
  assert.equal(response.status, 201);
}

/** An SLA first-response target of 30 minutes for normal tickets, so a new one is at risk. */
async function setSlaTargets(stack: ConsoleStack) {
  const response = await fetch(`${stack.gatewayUrl}/api/routing/v1/routing/sla/policies`, {
    method: "PUT",
    headers: {
      authorization: `Bearer ${await stack.token("boss", "admin")}`,
      "content-type": "application/json",
    },
    body: JSON.stringify({
      policies: { normal: { firstResponseMinutes: 30, resolutionMinutes: 240, warnAtPercent: 80 } },
    }),
  });
  assert.equal(response.status, 200, await response.text());
}

/** GET `path` through the gateway as an agent of the support group (a dev token). */
async function getAsAgent(stack: ConsoleStack, path: string) {
  const response = await fetch(`${stack.gatewayUrl}/api${path}`, {
    headers: {
      authorization: `Bearer ${await stack.token("agent-api", "agent", [AGENT.group])}`,
    },
  });
  assert.equal(response.status, 200, await response.clone().text());
  return await response.json();
}

Deno.test({
  name:
    "console - an agent signs in, works a ticket, sees a new one live, switches to Chinese; text stays text",
  sanitizeOps: false,
  sanitizeResources: false,
  async fn() {
    const stack = await startConsoleStack();
    try {
      await setSlaTargets(stack);
      const printer = await createTicket(stack, { subject: "Printer on fire" });
      await attach(stack, printer.id, "wiring.txt", "red to red, blue to blue");
      await createTicket(stack, { subject: XSS });
      const context = await stack.browser.newContext({
        locale: "en-US",
        timezoneId: "Asia/Shanghai",
      });
      const page = await context.newPage();
      const dialogs: string[] = [];
      page.on("dialog", (d) => {
        dialogs.push(d.message());
        d.dismiss();
      });

      // Both new tickets are at risk (30 minutes to a first response) before the page counts.
      const atRiskPath = "/routing/v1/routing/sla/at-risk/count?within=60";
      for (let i = 0; (await getAsAgent(stack, atRiskPath)).count < 2; i++) {
        assert.ok(i < 100, "routing never counted both tickets at risk");
        await new Promise((r) => setTimeout(r, 100));
      }
      const first = await page.goto(stack.gatewayUrl);
      const csp = first!.headers()["content-security-policy"];
      assert.match(csp, /default-src 'self'/);
      assert.match(csp, /frame-ancestors 'none'/);
      assert.match(csp, /object-src 'none'/);
      assert.equal(first!.headers()["cache-control"], "no-store");
      await page.waitForSelector("#signin:not([hidden])");
      await shot(stack, page, "1-signin");
      assert.deepEqual(await seriousViolations(page), [], "sign-in page");

      await signInAsAgent(stack, page);
      const unassigned = page.locator("#queue-list li", { hasText: "Printer on fire" });
      await unassigned.waitFor();
      await shot(stack, page, "2-unassigned");

      // The unassigned count is the counts API's (both new tickets), not a page's length.
      const { counts } = await getAsAgent(stack, "/tickets/v1/tickets/counts?queue=unassigned");
      assert.equal(counts.unassigned, 2);
      await page.locator('[data-queue="unassigned"] .count', { hasText: /^2$/ }).waitFor();

      // SLA at risk: the printer ticket's first response is due in 30 minutes, routing lists it.
      const slaPath = "/routing/v1/routing/sla/at-risk?within=60";
      for (let i = 0; !(await getAsAgent(stack, slaPath)).tickets.length; i++) {
        assert.ok(i < 100, "routing never listed the ticket at risk");
        await new Promise((r) => setTimeout(r, 100));
      }
      // Its count is routing's exact count (no "50+"), and its tickets come in one request.
      await page.locator('[data-queue="sla"] .count', { hasText: /^2$/ }).waitFor();
      const slaRequests: string[] = [];
      const onRequest = (r: { url(): string }) =>
        r.url().includes("/api/tickets/") &&
        slaRequests.push(new URL(r.url()).pathname + new URL(r.url()).search);
      page.on("request", onRequest);
      await page.click('[data-queue="sla"]');
      // Unassigned lists both tickets too: the title changes once the SLA queue is drawn.
      await page.locator("#list-title", { hasText: "SLA at risk" }).waitFor();
      await page.locator("#queue-list li", { hasText: "Printer on fire" }).waitFor();
      await page.locator("#queue-list li", { hasText: XSS }).waitFor();
      page.off("request", onRequest);
      assert.equal(slaRequests.length, 1, `one tickets request: ${slaRequests}`);
      assert.match(slaRequests[0], /^\/api\/tickets\/v1\/tickets\?id=\d+&id=\d+&limit=50$/);
      await shot(stack, page, "2b-sla-at-risk");
      await page.click('[data-queue="unassigned"]');

      // Hostile text is shown as text: no element made from it, no dialog.
      await page.locator("#queue-list li", { hasText: XSS }).waitFor();
      assert.equal(await page.locator("#queue-list img").count(), 0);

      await unassigned.click();
      await page.waitForSelector(`article[data-ticket="${printer.id}"]`);
      // The attachment is listed and downloads with the bearer token (a blob link).
      await page.locator(".timeline li.change", { hasText: "Attached wiring.txt" }).waitFor();
      const [download] = await Promise.all([
        page.waitForEvent("download"),
        page.click('a[aria-label="Download wiring.txt"]'),
      ]);
      assert.equal(download.suggestedFilename(), "wiring.txt");
      assert.equal(await Deno.readTextFile((await download.path())!), "red to red, blue to blue");

      await page.fill("#composer", "We are on it.");
      await page.click("#send-reply");
      await page.locator(".timeline li.message", { hasText: "We are on it." }).waitFor();
      await page.fill("#composer", "Extinguisher is in room 4.");
      await page.click("#send-note");
      await page.locator(".timeline li.note", { hasText: "Extinguisher is in room 4." }).waitFor();
      await page.selectOption("#ticket-status", "pending");
      await page.locator(".timeline li.change", { hasText: "→ Pending" }).waitFor();
      await page.selectOption("#ticket-priority", "urgent");
      await page.locator(".timeline li.change", { hasText: "→ Urgent" }).waitFor();
      await page.click("#assign-me");
      await page.locator("#assignee", { hasNotText: "nobody" }).waitFor();
      // Shown by name; the id (the token's sub) is the element's data-id.
      const agentId = await page.getAttribute("#assignee", "data-id");
      await page.fill("#tag-input", "hardware");
      await page.press("#tag-input", "Enter");
      await page.locator(".tag", { hasText: "hardware" }).waitFor();
      await shot(stack, page, "3-ticket-worked");
      assert.deepEqual(await seriousViolations(page), [], "workspace with a ticket open");

      // The server agrees with what the page shows.
      const stored = await (await fetch(`${stack.ticketsUrl}/v1/tickets/${printer.id}`, {
        headers: { authorization: `Bearer ${await stack.token("boss", "admin")}` },
      })).json();
      assert.equal(stored.status, "pending");
      assert.equal(stored.priority, "urgent");
      assert.equal(stored.assigneeId, agentId);
      assert.deepEqual(stored.tags, ["hardware"]);
      assert.deepEqual(stored.messages.map((m: { internal: boolean }) => m.internal), [
        false,
        false,
        true,
      ]);

      // Presence: the toggle tells routing, which lists the agent as online.
      const [presence] = await Promise.all([
        page.waitForResponse((r) => r.url().endsWith("/api/routing/v1/routing/presence")),
        page.selectOption("#presence", "online"),
      ]);
      assert.equal(presence.status(), 200);
      assert.equal((await presence.json()).status, "online");

      // Live: a ticket assigned to the agent appears in "Mine" with no reload and no polling.
      await page.click('[data-queue="mine"]');
      await page.waitForSelector('#live[data-live="true"]');
      const arrived = await createTicket(stack, { subject: "Arrived while watching" });
      await assign(stack, arrived.id, agentId!);
      await page.locator("#queue-list li", { hasText: "Arrived while watching" }).waitFor({
        timeout: 10_000,
      });
      await shot(stack, page, "4-live");

      // Live: a ticket created over the API appears in Unassigned and its count rises, pushed.
      await page.click('[data-queue="unassigned"]');
      await page.locator("#list-title", { hasText: "Unassigned" }).waitFor();
      const { counts: before } = await getAsAgent(
        stack,
        "/tickets/v1/tickets/counts?queue=unassigned",
      );
      await page.locator('[data-queue="unassigned"] .count', {
        hasText: new RegExp(`^${before.unassigned}$`),
      }).waitFor();
      await createTicket(stack, { subject: "Queued while watching" });
      await page.locator("#queue-list li", { hasText: "Queued while watching" }).waitFor({
        timeout: 10_000,
      });
      await page.locator('[data-queue="unassigned"] .count', {
        hasText: new RegExp(`^${before.unassigned + 1}$`),
      }).waitFor({ timeout: 10_000 });
      await shot(stack, page, "4b-live-unassigned");

      // Nothing polls: a quiet page makes no API requests.
      const quietRequests: string[] = [];
      page.on("request", (r) => r.url().includes("/api/") && quietRequests.push(r.url()));
      await page.waitForTimeout(3_000);
      assert.deepEqual(quietRequests, []);

      // Search: "/" focuses the box; the results are a queue of their own.
      await page.locator("body").click({ position: { x: 1, y: 1 } });
      await page.keyboard.press("/");
      await page.keyboard.type("Printer");
      await page.keyboard.press("Enter");
      await page.locator("#list-title", { hasText: "Search results" }).waitFor();
      await page.locator("#queue-list li", { hasText: "Printer on fire" }).waitFor();

      // Keyboard: j/k move the selection, Enter opens, ? shows the help.
      await page.locator("body").click({ position: { x: 1, y: 1 } });
      await page.keyboard.press("j");
      await page.keyboard.press("k");
      await page.keyboard.press("Enter");
      await page.waitForSelector("article[data-ticket]");
      await page.keyboard.press("?");
      await page.waitForSelector("#help[open]");
      await page.keyboard.press("Escape");

      // Chinese, remembered across a reload (which signs in again: tokens live in memory).
      await page.selectOption("#language", "zh");
      await page.locator('[data-queue="unassigned"]', { hasText: "未分配" }).waitFor();
      await page.locator("#send-reply", { hasText: "发送回复" }).waitFor(); // the open ticket too
      await page.locator(".timeline li.change", { hasText: "工单已创建" }).waitFor();
      assert.equal(await page.getAttribute("html", "lang"), "zh-CN");
      await shot(stack, page, "5-chinese");
      await page.reload();
      await page.locator("#signin-button", { hasText: "登录" }).waitFor();

      // CSP: an inline script the page did not ship does not run.
      // A string, so it runs in the page (this file has no DOM types).
      const inlineRan = await page.evaluate(`(async () => {
        const blocked = new Promise((resolve) =>
          document.addEventListener("securitypolicyviolation", () => resolve("blocked")));
        const script = document.createElement("script");
        script.textContent = "window.__inlineRan = true";
        document.body.append(script);
        return [await blocked, window.__inlineRan];
      })()`);
      assert.deepEqual(inlineRan, ["blocked", undefined]);
      assert.deepEqual(dialogs, [], "no dialog was opened by ticket text");
      await context.close();
    } finally {
      await stack.stop();
    }
  },
});
