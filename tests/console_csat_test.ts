/**
 * The satisfaction survey page in a real Chromium against the real services behind the
 * gateway: the requester opens the signed link (no sign-in), rates and comments, sees the
 * thanks; the answer is in the ticket's history (comment opened for staff, sealed at rest);
 * opening the link again says it was answered; the page reads in Chinese too; an admin's Reports
 * tab shows the answer in the CSAT report; the portal shows a solved ticket's survey link. Accessibility (axe-core); screenshots in
 * `.ci/artifacts/console/`.
 * @module
 */
import assert from "node:assert/strict";
import type { Page } from "playwright-core";
import {
  ADMIN_PASSWORD,
  type ConsoleStack,
  startConsoleStack,
} from "../services/gateway/testing/console_stack.ts";
import { seriousViolations, shot, signInThroughForm } from "./support/browser.ts";

const COMMENT = "Quick and kind, thank you";

Deno.test({
  name: "survey page - the requester rates a solved ticket by its link alone, once",
  sanitizeOps: false,
  sanitizeResources: false,
  async fn() {
    const stack = await startConsoleStack();
    try {
      const call = async (who: [string, string], method: string, path: string, body?: unknown) => {
        const response = await fetch(`${stack.ticketsUrl}${path}`, {
          method,
          headers: {
            authorization: `Bearer ${await stack.token(...who)}`,
            "content-type": "application/json",
          },
          body: body === undefined ? undefined : JSON.stringify(body),
        });
        assert.ok(
          response.ok,
          `${method} ${path}: ${response.status} ${await response.clone().text()}`,
        );
        return await response.json();
      };
      const customer: [string, string] = ["carol", "customer"];
      const admin: [string, string] = ["boss", "admin"];
      const ticket = await call(customer, "POST", "/v1/tickets", {
        subject: "Invoice missing",
        body: "Where is my invoice?",
      });
      const solved = await call(admin, "POST", `/v1/tickets/${ticket.id}/status`, {
        status: "solved",
      });
      await call(admin, "GET", `/v1/tickets/${ticket.id}?min_version=${solved.version}`);
      const link = await call(customer, "GET", `/v1/tickets/${ticket.id}/survey`);

      const context = await stack.browser.newContext({ locale: "en-US" });
      const page = await context.newPage();
      await page.goto(`${stack.gatewayUrl}${link.path}`);
      await page.waitForSelector("#survey-form:not([hidden])");
      assert.match(await page.textContent("#survey-about") ?? "", new RegExp(`#${ticket.number}`));
      assert.deepEqual(await seriousViolations(page), []);
      await page.check("input[name=rating][value='5']");
      await page.fill("#survey-comment", COMMENT);
      await shot(page, stack.artifacts, "survey-filled");
      await page.click("#survey-send");
      await page.waitForSelector("#survey-status[data-key='survey.thanks']");

      const history = await call(admin, "GET", `/v1/tickets/${ticket.id}/history`);
      const rated = history.entries.flatMap((e: { events: { type: string }[] }) => e.events)
        .find((e: { type: string }) => e.type === "SatisfactionRated");
      assert.deepEqual(rated, { type: "SatisfactionRated", rating: 5, comment: COMMENT });

      const again = await context.newPage();
      await again.goto(`${stack.gatewayUrl}${link.path}`);
      // The survey says it is answered at once (closedBecause), with no form to send again.
      await again.waitForSelector("#survey-status[data-key='survey.answered']");
      assert.equal(await again.isHidden("#survey-form"), true);
      await again.selectOption("#language", "zh");
      assert.equal(await again.textContent("h1"), "我们的服务如何？");
      assert.equal(await again.textContent("#survey-status"), "此调查已经提交过了，谢谢。");
      await shot(again, stack.artifacts, "survey-answered-zh");

      const forged = await context.newPage();
      await forged.goto(`${stack.gatewayUrl}/survey/#not-a-token`);
      await forged.waitForSelector("#survey-status[data-key='survey.missing']");
      await context.close();
      await reportsTabShowsTheAnswer(stack);
      await portalLinksTheSurvey(stack, (path, body) => call(admin, "POST", path, body));
    } finally {
      await stack.stop();
    }
  },
});

/** The admin's Reports tab: the CSAT report of this month counts the one answer. */
async function reportsTabShowsTheAnswer(stack: ConsoleStack) {
  const context = await stack.browser.newContext({ locale: "en-US" });
  const page: Page = await context.newPage();
  const admin = `${stack.gatewayUrl}/admin/`;
  await signInThroughForm(
    page,
    admin,
    { username: "admin", password: ADMIN_PASSWORD },
    admin,
    "#signout",
  );
  await page.click("#tabs button[data-tab=reports]");
  await page.waitForSelector("#tab-reports:not([hidden]) h2");
  await page.selectOption("#tab-reports select[name=report]", "csat");
  await page.selectOption("#tab-reports select[name=interval]", "month");
  const responses = "#tab-reports table[data-report=csat] tbody tr:last-child td:nth-child(2)";
  const until = Date.now() + 20_000; // the reports fold the stream asynchronously
  for (;;) {
    await page.click("#tab-reports button[type=submit]");
    const cell = await page.waitForSelector(responses).catch(() => null);
    if (cell && (await cell.textContent()) === "1") break;
    assert.ok(Date.now() < until, "the CSAT report never counted the answer");
    await page.waitForTimeout(300);
  }
  assert.deepEqual(await seriousViolations(page), []);
  await shot(page, stack.artifacts, "admin-reports-csat");
  await context.close();
}

/** A signed-in customer's solved ticket in the portal links its survey, which opens ready. */
async function portalLinksTheSurvey(
  stack: ConsoleStack,
  asAdmin: (path: string, body: unknown) => Promise<unknown>,
) {
  const customer = { username: "erin", password: "erin-password-1", role: "customer" };
  await stack.addUser(customer);
  const context = await stack.browser.newContext({ locale: "en-US" });
  const page: Page = await context.newPage();
  const portal = `${stack.gatewayUrl}/portal/`;
  await signInThroughForm(page, portal, customer, portal, "#portal:not([hidden])");
  await page.click("#new-ticket");
  await page.fill("#subject", "Refund please");
  await page.fill("#body", "The order arrived broken.");
  await page.click("#submit-ticket");
  await page.waitForSelector("article[data-ticket]");
  const id = (await page.getAttribute("article[data-ticket]", "data-ticket"))!;
  await asAdmin(`/v1/tickets/${id}/status`, { status: "solved" });
  const until = Date.now() + 20_000; // the read model and the pushed change come asynchronously
  while (!(await page.locator("#survey-link").count())) {
    assert.ok(Date.now() < until, "the solved ticket never showed its survey link");
    await page.locator("#my-tickets li", { hasText: "Refund please" }).click();
    await page.waitForTimeout(300);
  }
  await page.click("#survey-link");
  await page.waitForSelector("#survey-form:not([hidden])");
  await shot(page, stack.artifacts, "portal-survey-link");
  await context.close();
}
