/**
 * Custom statuses, tenant macros and time tracking in a real Chromium against the real services
 * behind the gateway: an admin creates, renames and retires statuses and saves a macro (an
 * unknown placeholder refused beside the form) on the admin pages; an agent sets the custom
 * status on a ticket and logs time (and takes some back) in the workspace; the API has both.
 * axe-core on the new tabs and the ticket view; screenshots in `.ci/artifacts/console/`.
 * @module
 */
import assert from "node:assert/strict";
import type { Page } from "playwright-core";
import {
  ADMIN_PASSWORD,
  type ConsoleStack,
  signInAsAgent,
  startConsoleStack,
} from "../services/gateway/testing/console_stack.ts";
import { seriousViolations, shot, signInThroughForm } from "./support/browser.ts";

async function api(
  stack: ConsoleStack,
  method: string,
  path: string,
  token: string,
  body?: unknown,
) {
  const response = await fetch(`${stack.ticketsUrl}${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  assert.ok(response.ok, await response.clone().text());
  return await response.json();
}

async function openTab(page: Page, name: string) {
  await page.click(`#tabs button[data-tab=${name}]`);
  await page.waitForSelector(`#tab-${name}:not([hidden])[aria-busy=false] h2`);
}

/** Asks `read` until it answers `expected` (the read model catches up asynchronously). */
async function eventually<T>(read: () => Promise<T>, expected: T, timeoutMs = 20_000) {
  const until = Date.now() + timeoutMs;
  let last: T;
  do {
    last = await read();
    if (JSON.stringify(last) === JSON.stringify(expected)) return;
    await new Promise((resolve) => setTimeout(resolve, 200));
  } while (Date.now() < until);
  assert.deepEqual(last, expected);
}

Deno.test({
  name:
    "console statuses and time - an admin makes a custom status and a macro on the admin pages, an agent sets the status and logs time, the API has both",
  sanitizeOps: false,
  sanitizeResources: false,
  async fn() {
    const stack = await startConsoleStack();
    try {
      const boss = await stack.token("boss", "admin");
      const ticket = await api(stack, "POST", "/v1/tickets", await stack.token("c-1", "customer"), {
        subject: "Export stalls at 90%",
        body: "Every night since Monday.",
      });
      await api(stack, "POST", "/v1/tickets", await stack.token("c-2", "customer"), {
        subject: "Printer jammed",
        body: "Paper stuck in tray 2.",
      });

      // The admin pages: a custom status with both names, a second one renamed then retired.
      const context = await stack.browser.newContext({ locale: "en-US" });
      const page = await context.newPage();
      const admin = `${stack.gatewayUrl}/admin/`;
      await signInThroughForm(
        page,
        admin,
        { username: "admin", password: ADMIN_PASSWORD },
        admin,
        "#signout",
      );
      await page.waitForSelector("#tab-agents:not([hidden])[aria-busy=false] h2");
      await openTab(page, "statuses");
      const create = page.locator("#tab-statuses form", { hasText: "New status" });
      for (const [en, zh] of [["Waiting on vendor", "等待供应商"], ["Parked", ""]]) {
        await create.locator("select[name=category]").selectOption("pending");
        await create.locator("input[name=en]").fill(en);
        await create.locator("input[name=zh]").fill(zh);
        await create.locator("button[type=submit]").click();
        await page.locator(`#status-table input[name=en][value="${en}"]`).waitFor();
      }
      const { statuses } = await api(stack, "GET", "/v1/statuses", boss);
      const vendor = statuses.find((s: { names: { en: string } }) =>
        s.names.en === "Waiting on vendor"
      );
      const parked = statuses.find((s: { names: { en: string } }) => s.names.en === "Parked");
      assert.deepEqual(
        { category: vendor.category, names: vendor.names, retired: vendor.retired },
        {
          category: "pending",
          names: { en: "Waiting on vendor", zh: "等待供应商" },
          retired: false,
        },
      );
      const parkedRow = page.locator(`tr[data-status="${parked.id}"]`);
      await parkedRow.locator("input[name=en]").fill("Parked for later");
      await parkedRow.locator("button[type=submit]").click();
      await page.locator(`tr[data-status="${parked.id}"] input[name=en][value="Parked for later"]`)
        .waitFor();
      await page.locator(`tr[data-status="${parked.id}"] button`, { hasText: "Retire" }).click();
      await page.locator(`tr[data-status="${parked.id}"]`, { hasText: "retired" }).waitFor();
      const after = await api(stack, "GET", "/v1/statuses", boss);
      assert.deepEqual(
        after.statuses.find((s: { id: string }) => s.id === parked.id),
        { ...parked, names: { en: "Parked for later" }, retired: true },
      );
      await shot(page, stack.artifacts, "statuses-tab");
      assert.deepEqual(await seriousViolations(page), [], "statuses tab");

      // Macros: an unknown placeholder is refused beside the form, naming it; then it saves.
      await openTab(page, "macros");
      assert.match((await page.textContent("#macro-placeholders"))!, /\{\{ticket\.number\}\}/);
      const draft = page.locator("#tab-macros form", { hasText: "New macro" });
      await draft.locator("input[name=name]").fill("Vendor is on it");
      await draft.locator("textarea[name=body]").fill(
        "Hello {{requester.name}}, about #{{ticket.number}}.",
      );
      // A retired status is not offered; the live one is, under its category.
      const offered = await draft.locator("select[name=status] option").allTextContents();
      assert.ok(offered.includes("Waiting on vendor") && !offered.includes("Parked for later"));
      await draft.locator("select[name=status]").selectOption({ label: "Waiting on vendor" });
      await draft.locator("input[name=add]").fill("vendor");
      await draft.locator("button[type=submit]").click();
      const refusal = draft.locator("[role=alert]");
      await refusal.filter({ hasText: "unknown_placeholder" }).waitFor();
      assert.match((await refusal.textContent())!, /\{\{requester\.name\}\} is not a placeholder/);
      assert.equal(await draft.locator("textarea[name=body]").getAttribute("aria-invalid"), "true");
      await draft.locator("textarea[name=body]").fill(
        "We asked our vendor about #{{ticket.number}}.",
      );
      await draft.locator("button[type=submit]").click();
      const editor = page.locator("#macro-editors form").first();
      await editor.waitFor();
      await editor.locator("input[name=name]").fill("Vendor is on it (en)");
      await editor.locator("button[type=submit]").click();
      await page.locator("#macro-editors h4", { hasText: "Vendor is on it (en)" }).waitFor();
      const { macros } = await api(stack, "GET", "/v1/macros", boss);
      assert.equal(macros.length, 1);
      assert.deepEqual(
        {
          name: macros[0].name,
          scope: macros[0].scope,
          text: macros[0].text,
          customStatusId: macros[0].customStatusId,
          tags: macros[0].tags,
        },
        {
          name: "Vendor is on it (en)",
          scope: "tenant",
          text: { body: "We asked our vendor about #{{ticket.number}}.", internal: false },
          customStatusId: vendor.id,
          tags: { add: ["vendor"], remove: [] },
        },
      );
      await shot(page, stack.artifacts, "macros-tab");
      assert.deepEqual(await seriousViolations(page), [], "macros tab");
      // And a delete: one more macro, removed from its editor.
      await draft.locator("input[name=name]").fill("Scratch");
      await draft.locator("textarea[name=body]").fill("Scratch text");
      await draft.locator("button[type=submit]").click();
      const scratch = page.locator("#macro-editors form", { hasText: "Scratch" });
      await scratch.locator("button", { hasText: "Remove" }).click();
      await scratch.waitFor({ state: "detached" });
      assert.equal((await api(stack, "GET", "/v1/macros", boss)).macros.length, 1);
      await context.close();

      // The workspace: the agent picks the custom status, logs 25 minutes, takes 5 back.
      const agentContext = await stack.browser.newContext({ locale: "en-US" });
      const desk = await agentContext.newPage();
      await signInAsAgent(stack, desk);
      await desk.locator("#queue-list li", { hasText: "Export stalls" }).click();
      await desk.waitForSelector(`article[data-ticket="${ticket.id}"]`);
      const status = desk.locator("#ticket-status");
      await status.locator(`option[value="custom:${vendor.id}"]`).waitFor({ state: "attached" });
      const choices = await status.locator("option").allTextContents();
      assert.ok(!choices.includes("Parked for later"), "a retired status is not offered");
      await status.selectOption({ label: "Waiting on vendor" });
      await eventually(() => desk.inputValue("#ticket-status"), `custom:${vendor.id}`);
      await eventually(
        async () => {
          const read = await api(stack, "GET", `/v1/tickets/${ticket.id}`, boss);
          return [read.status, read.customStatusId];
        },
        ["pending", vendor.id],
      );

      // The open queues narrowed to that custom status: only the ticket holding it is listed.
      const listed = () =>
        desk.locator("#queue-list li[data-id] .row-subject").allTextContents().then((s) =>
          s.sort()
        );
      const filter = desk.locator("#status-filter");
      await filter.locator(`option[value="${vendor.id}"]`).waitFor({ state: "attached" });
      const filters = await filter.locator("option").allTextContents();
      assert.deepEqual(filters, ["All open", "Waiting on vendor"], "live open ones only");
      await eventually(listed, ["Export stalls at 90%", "Printer jammed"]);
      await filter.selectOption(vendor.id);
      await eventually(listed, ["Export stalls at 90%"]);
      // The row reads the custom status's name, not its category.
      await desk.locator("#queue-list li[data-id] .row-top", { hasText: "Waiting on vendor" })
        .waitFor();
      await desk.click('#queues button[data-queue="sla"]');
      await desk.waitForSelector("#status-filter-label[hidden]", { state: "attached" });
      await desk.click('#queues button[data-queue="unassigned"]');
      await eventually(listed, ["Export stalls at 90%"]);
      await filter.selectOption("");
      await eventually(listed, ["Export stalls at 90%", "Printer jammed"]);

      // The agent takes the ticket, so an assignment by someone else is pushed to them.
      await desk.click("#assign-me");
      let aliceId = "";
      await eventually(async () => {
        aliceId = (await api(stack, "GET", `/v1/tickets/${ticket.id}`, boss)).assigneeId ?? "";
        return aliceId !== "";
      }, true);
      const assigned = desk.locator(".timeline li", { hasText: "Assigned to" });
      await assigned.first().waitFor();
      await desk.fill("#time-note", "Called the vendor");
      await desk.fill("#time-minutes", "25");
      // A change pushed while typing draws the ticket again: what is typed, and the focus, stay.
      await api(stack, "PUT", `/v1/tickets/${ticket.id}/assignment`, boss, {
        assigneeId: aliceId,
        groupId: "support",
      });
      await assigned.nth(1).waitFor();
      assert.equal(await desk.inputValue("#time-minutes"), "25");
      assert.equal(await desk.inputValue("#time-note"), "Called the vendor");
      assert.equal(await desk.locator("#time-minutes:focus").count(), 1);
      await desk.click("#time-log");
      await desk.locator("#time-total", { hasText: "Total: 25 min" }).waitFor();
      await desk.fill("#time-minutes", "5");
      await desk.click("#time-correct");
      await desk.locator("#time-total", { hasText: "Total: 20 min" }).waitFor();
      assert.equal(await desk.locator("#time-entries li").count(), 2);
      assert.match((await desk.textContent("#time-entries"))!, /Called the vendor/);
      assert.match((await desk.textContent("#time-entries"))!, /-5 min/);
      const time = await api(stack, "GET", `/v1/tickets/${ticket.id}/time`, boss);
      assert.equal(time.totalSeconds, 20 * 60);
      assert.deepEqual(time.entries.map((e: { seconds: number }) => e.seconds), [1500, -300]);
      assert.equal(time.entries[0].note, "Called the vendor");
      assert.equal(time.byAgent.length, 1);
      assert.equal(await desk.locator("#time-by-agent li").count(), 1);
      await shot(desk, stack.artifacts, "statuses-time-ticket");
      assert.deepEqual(await seriousViolations(desk), [], "ticket view with time");

      // In Chinese the status is the catalogue's Chinese name, the totals Chinese too.
      await desk.selectOption("#language", "zh");
      await desk.locator("#time-total", { hasText: "合计：20 分钟" }).waitFor();
      assert.equal(
        await desk.locator("#ticket-status option:checked").textContent(),
        "等待供应商",
      );
      // Retired while the ticket holds it: still shown by name, no longer a choice.
      await api(stack, "POST", `/v1/statuses/${vendor.id}/retire`, boss, undefined);
      await desk.selectOption("#language", "en");
      const held = desk.locator("#ticket-status option:checked");
      await desk.locator("#ticket-status option[disabled]", { hasText: "Waiting on vendor" })
        .waitFor({ state: "attached" });
      assert.equal(await held.textContent(), "Waiting on vendor");
      await agentContext.close();
    } finally {
      await stack.stop();
    }
  },
});
