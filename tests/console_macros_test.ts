/**
 * The macro picker in a real Chromium against the real services behind the gateway: an agent
 * opens a ticket and applies the tenant's macro in one click; its reply (placeholder filled),
 * status and tag all land as one change. Screenshots go to `.ci/artifacts/console/`.
 * @module
 */
import assert from "node:assert/strict";
import { signInAsAgent, startConsoleStack } from "../services/gateway/testing/console_stack.ts";
import type { ConsoleStack } from "../services/gateway/testing/console_stack.ts";
import { shot } from "./support/browser.ts";

async function post(stack: ConsoleStack, path: string, token: string, body: unknown) {
  const response = await fetch(`${stack.ticketsUrl}${path}`, {
    method: "POST",
    headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
    body: JSON.stringify(body),
  });
  assert.ok(response.ok, await response.clone().text());
  return await response.json();
}

Deno.test({
  name: "console macros - an agent applies a macro in one click: reply, status and tag at once",
  sanitizeOps: false,
  sanitizeResources: false,
  async fn() {
    const stack = await startConsoleStack();
    try {
      const macro = await post(stack, "/v1/macros", await stack.token("boss", "admin"), {
        scope: "tenant",
        name: "Ask for logs",
        text: { body: "Please send the logs for #{{ticket.number}}." },
        status: "pending",
        tags: { add: ["needs-logs"] },
      });
      const ticket = await post(stack, "/v1/tickets", await stack.token("customer-1", "customer"), {
        subject: "Sync keeps failing",
        body: "Since this morning.",
      });
      const context = await stack.browser.newContext({ locale: "en-US" });
      const page = await context.newPage();
      await signInAsAgent(stack, page);
      await page.locator("#queue-list li", { hasText: "Sync keeps failing" }).click();
      await page.waitForSelector(`article[data-ticket="${ticket.id}"]`);
      const button = page.locator(`#macro-list button[data-macro="${macro.id}"]`);
      await button.waitFor();
      assert.equal(await button.textContent(), "Ask for logs");
      await button.click();
      const reply = `Please send the logs for #${ticket.number}.`;
      await page.locator(".timeline li.message", { hasText: reply }).waitFor();
      await page.locator(".tag", { hasText: "needs-logs" }).waitFor();
      assert.equal(await page.inputValue("#ticket-status"), "pending");
      await shot(page, stack.artifacts, "macros-applied");

      // One click, one commit: the history holds a single entry with all three changes.
      const history = await (await fetch(`${stack.ticketsUrl}/v1/tickets/${ticket.id}/history`, {
        headers: { authorization: `Bearer ${await stack.token("boss", "admin")}` },
      })).json();
      const last = history.entries.at(-1).events.map((e: { type: string }) => e.type);
      assert.deepEqual(last, [
        "MessagePosted",
        "TicketStatusChanged",
        "TicketStatusChanged",
        "TicketTagsChanged",
      ]);
      await context.close();
    } finally {
      await stack.stop();
    }
  },
});
