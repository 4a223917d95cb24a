/**
 * What a fresh user's trial of the console found (issue 9), each as a step in a real Chromium
 * against the real services behind the gateway: drafts survive pushes and stay with their
 * ticket, a double-click sends once, signed-out pages show nothing hidden, a customer at `/`
 * is sent to the portal, a reconnect reloads the queue, a refused change shows the ticket's
 * actual value with a translated message that the next success clears, and a closed ticket in
 * the portal offers a follow-up instead of an answer box that could only fail.
 * @module
 */
import assert from "node:assert/strict";
import { Buffer } from "node:buffer";
import type { Page, WebSocketRoute } from "playwright-core";
import {
  ADMIN_PASSWORD,
  AGENT,
  type ConsoleStack,
  signInAsAgent,
  startConsoleStack,
} from "../services/gateway/testing/console_stack.ts";
import { shot, signInThroughForm } from "./support/browser.ts";

const CUSTOMER = { username: "erin", password: "erin-password-1", role: "customer" };

/** A call to the tickets service as `who` (a dev token); the answer's JSON. */
async function call(
  stack: ConsoleStack,
  method: string,
  path: string,
  body?: unknown,
  who: [string, string] = ["boss", "admin"],
) {
  const response = await fetch(`${stack.ticketsUrl}${path}`, {
    method,
    headers: {
      authorization: `Bearer ${await stack.token(...who)}`,
      "content-type": "application/json",
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  assert.ok(response.ok, `${method} ${path}: ${response.status} ${await response.clone().text()}`);
  return await response.json();
}

const createTicket = (stack: ConsoleStack, subject: string) =>
  call(stack, "POST", "/v1/tickets", { subject, body: "Details follow." }, [
    "customer-1",
    "customer",
  ]);

/** Solved, then closed (a new ticket cannot close at once). */
async function closeTicket(stack: ConsoleStack, id: string) {
  await call(stack, "POST", `/v1/tickets/${id}/status`, { status: "solved" });
  await until("the ticket closes", async () => {
    await call(stack, "POST", `/v1/tickets/${id}/status`, { status: "closed" });
    return true;
  });
}

/** The ticket's messages whose body is `body`, as the tickets service keeps them. */
async function messagesSaying(stack: ConsoleStack, id: string, body: string) {
  const ticket = await call(stack, "GET", `/v1/tickets/${id}`);
  return (ticket.messages as { body: string }[]).filter((m) => m.body === body).length;
}

async function until(what: string, check: () => Promise<boolean>, timeoutMs = 30_000) {
  const end = Date.now() + timeoutMs;
  while (!(await check().catch(() => false))) {
    assert.ok(Date.now() < end, `timed out waiting until ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

async function openRow(page: Page, subject: string) {
  await page.locator("#queue-list li", { hasText: subject }).click();
  await page.locator("#ticket-title", { hasText: subject }).waitFor();
}

Deno.test({
  name:
    "console regressions - drafts, double-clicks, hidden pages, roles, reconnects, refused changes and closed tickets behave",
  sanitizeOps: false,
  sanitizeResources: false,
  async fn(t) {
    // A small file limit: the portal names a file over it before creating the ticket.
    const stack = await startConsoleStack({ TICKETD_ATTACHMENTS_MAX_FILE_MB: "1" });
    const shoot = (page: Page, name: string) => shot(page, stack.artifacts, `regression-${name}`);
    try {
      await stack.addUser(CUSTOMER);

      await t.step("signed out, no page shows what it marks hidden", async () => {
        const context = await stack.browser.newContext({ locale: "en-US" });
        const page = await context.newPage();
        for (const [path, hidden] of [["/", "#workspace"], ["/portal/", "#portal"]]) {
          await page.goto(`${stack.gatewayUrl}${path}`);
          await page.waitForSelector("#signin:not([hidden])");
          assert.equal(await page.locator(hidden).isVisible(), false, `${hidden} on ${path}`);
        }
        await page.goto(`${stack.gatewayUrl}/admin/`);
        await page.waitForSelector("#signin:not([hidden])");
        assert.equal(await page.locator("#tabs").isVisible(), false, "#tabs on /admin/");
        await context.close();
      });

      await t.step("a customer signed in at / is told no and pointed to the portal", async () => {
        const context = await stack.browser.newContext({ locale: "en-US" });
        const page = await context.newPage();
        await signInThroughForm(
          page,
          `${stack.gatewayUrl}/`,
          CUSTOMER,
          `${stack.gatewayUrl}/`,
          "#refused:not([hidden])",
        );
        assert.equal(await page.locator("#workspace").isVisible(), false);
        assert.match(await page.locator("#refused-text").innerText(), /customer/);
        assert.equal(await page.getAttribute("#refused a", "href"), "/portal/");
        await shoot(page, "customer-at-workspace");
        await context.close();
      });

      const context = await stack.browser.newContext({ locale: "en-US" });
      const page = await context.newPage();
      const pageErrors: string[] = [];
      page.on("pageerror", (e) => pageErrors.push(e.message));
      await signInAsAgent(stack, page);

      await t.step("a push that redraws the ticket keeps the agent's unsent reply", async () => {
        const ticket = await createTicket(stack, "Draft survives a push");
        await openRow(page, "Draft survives a push");
        await page.fill("#composer", "Alice's long careful draft");
        await call(stack, "PUT", `/v1/tickets/${ticket.id}/assignment`, {
          assigneeId: "someone-else",
          groupId: AGENT.group,
        });
        // The push redrew the ticket: the assignee shown changed.
        await until(
          "the pushed assignment shows",
          async () =>
            (await page.getAttribute("#assignee", "data-id") ?? "") !== "" ||
            !(await page.locator("#assignee").innerText()).includes("nobody"),
        );
        assert.equal(await page.inputValue("#composer"), "Alice's long careful draft");
        await shoot(page, "draft-after-push");
      });

      await t.step("a double-clicked Send reply sends one reply", async () => {
        const ticket = await createTicket(stack, "Double click reply");
        await openRow(page, "Double click reply");
        await page.fill("#composer", "Only once, please");
        await page.dblclick("#send-reply");
        await until(
          "the reply is on the ticket",
          async () => await messagesSaying(stack, ticket.id, "Only once, please") > 0,
        );
        await until(
          "the composer is empty again",
          async () => await page.inputValue("#composer") === "",
        );
        await new Promise((r) => setTimeout(r, 1_000));
        assert.equal(await messagesSaying(stack, ticket.id, "Only once, please"), 1);
      });

      await t.step(
        "a refused change shows the actual value and a translated reason; the next success clears it",
        async () => {
          const ticket = await createTicket(stack, "Closed and refusing");
          await openRow(page, "Closed and refusing");
          await closeTicket(stack, ticket.id); // the view may still show it open: either way
          await page.selectOption("#ticket-priority", "urgent");
          await page.locator("#error", { hasText: "This ticket is closed" }).waitFor();
          assert.equal(await page.inputValue("#ticket-priority"), "normal");
          await page.selectOption("#language", "zh");
          await page.locator("#error", { hasText: "该工单已关闭" }).waitFor();
          await page.selectOption("#language", "en");
          await shoot(page, "refused-change");
          await createTicket(stack, "Open and changing");
          await openRow(page, "Open and changing");
          await page.selectOption("#ticket-priority", "high");
          await until(
            "the error line is empty",
            async () => (await page.locator("#error").innerText()) === "",
          );
        },
      );
      await context.close();

      await t.step("after the socket reconnects the queue shows what came meanwhile", async () => {
        const live = await stack.browser.newContext({ locale: "en-US" });
        const agent = await live.newPage();
        const sockets: WebSocketRoute[] = [];
        let releaseSecond = () => {};
        const secondMayConnect = new Promise<void>((done) => releaseSecond = done);
        await agent.routeWebSocket(/sessions\/socket/, async (socket) => {
          sockets.push(socket);
          if (sockets.length === 2) await secondMayConnect;
          socket.connectToServer();
        });
        await signInAsAgent(stack, agent);
        await agent.locator("#live[data-live=true]").waitFor();
        await sockets[0].close();
        await agent.locator("#live[data-live=false]").waitFor();
        const created = await createTicket(stack, "Created while the socket was down");
        // Everything about it (routing acts on it too) happens while the socket is down, so no
        // later push can bring it: the ticket's version holds still for 3 s before the release.
        let seen = { version: -1, since: Date.now() };
        await until("the ticket is quiet", async () => {
          const { version } = await call(stack, "GET", `/v1/tickets/${created.id}`);
          if (version !== seen.version) seen = { version, since: Date.now() };
          return Date.now() - seen.since >= 3_000;
        });
        releaseSecond();
        await agent.locator("#live[data-live=true]").waitFor();
        await agent.locator("#queue-list li", { hasText: "Created while the socket was down" })
          .waitFor({ timeout: 15_000 });
        await live.close();
      });

      await t.step(
        "portal: drafts stay with their ticket, a double-click answers once, a closed ticket offers a follow-up",
        async () => {
          const portalContext = await stack.browser.newContext({ locale: "en-US" });
          const portal = await portalContext.newPage();
          portal.on("pageerror", (e) => pageErrors.push(e.message));
          // The first read of the list held back: the list says it is loading, not empty.
          let release = () => {};
          const held = new Promise<void>((resolve) => release = resolve);
          const firstList = "**/api/tickets/v1/tickets?sort=-updated_at*";
          await portal.route(firstList, async (route) => (await held, await route.continue()));
          await signInThroughForm(
            portal,
            `${stack.gatewayUrl}/portal/`,
            CUSTOMER,
            `${stack.gatewayUrl}/portal/`,
            "#portal:not([hidden])",
          );
          await portal.locator("#my-tickets li", { hasText: "Loading your tickets…" }).waitFor();
          release();
          await portal.locator("#my-tickets li", { hasText: "You have no tickets yet." }).waitFor();
          await portal.unroute(firstList);
          const ids: string[] = [];
          for (const subject of ["Portal ticket A", "Portal ticket B"]) {
            await portal.click("#new-ticket");
            await portal.fill("#subject", subject);
            await portal.fill("#body", "Please help.");
            await portal.dblclick("#submit-ticket");
            await until(
              `${subject} is open or refused`,
              async () =>
                (await portal.locator("article[data-ticket]").count()) > 0 ||
                (await portal.locator("#error").innerText()) !== "",
            );
            assert.equal(await portal.locator("#error").innerText(), "", `submitting ${subject}`);
            await portal.locator("#ticket-title", { hasText: subject }).waitFor();
            ids.push((await portal.getAttribute("article[data-ticket]", "data-ticket"))!);
          }
          const mine = await call(stack, "GET", "/v1/tickets?limit=50");
          assert.equal(
            mine.tickets.filter((r: { subject: string }) => r.subject === "Portal ticket A")
              .length,
            1,
            "a double-clicked Submit opened one ticket",
          );
          const link = (id: string) => portal.locator(`[data-ticket-link="${id}"]`);
          await link(ids[0]).click();
          await portal.locator("#ticket-title", { hasText: "Portal ticket A" }).waitFor();
          await portal.fill("#answer", "Draft meant for A");
          await link(ids[1]).click();
          await portal.locator("#ticket-title", { hasText: "Portal ticket B" }).waitFor();
          assert.equal(await portal.inputValue("#answer"), "");
          await link(ids[0]).click();
          await portal.locator("#ticket-title", { hasText: "Portal ticket A" }).waitFor();
          assert.equal(await portal.inputValue("#answer"), "Draft meant for A");
          await portal.dblclick("#send-answer");
          await until(
            "the answer is on the ticket",
            async () => await messagesSaying(stack, ids[0], "Draft meant for A") > 0,
          );
          await new Promise((r) => setTimeout(r, 1_000));
          assert.equal(await messagesSaying(stack, ids[0], "Draft meant for A"), 1);

          await closeTicket(stack, ids[1]);
          await link(ids[1]).click();
          await portal.locator("#follow-up").waitFor();
          assert.equal(await portal.locator("#answer").count(), 0);
          await portal.fill("#follow-up", "It broke again");
          await portal.click("#send-follow-up");
          await portal.locator("#ticket-title", { hasText: "Portal ticket B" }).waitFor();
          await until(
            "the follow-up is open",
            async () => await portal.getAttribute("article[data-ticket]", "data-ticket") !== ids[1],
          );
          const followUpId = (await portal.getAttribute("article[data-ticket]", "data-ticket"))!;
          const followUp = await call(stack, "GET", `/v1/tickets/${followUpId}`);
          assert.equal(followUp.followUpOf, ids[1]);
          await shoot(portal, "portal-follow-up");

          // A refused file after the ticket was created: Submit again retries the upload only.
          await portal.click("#new-ticket");
          await portal.fill("#subject", "Ticket with a refused file");
          await portal.fill("#body", "See the attached program.");
          const program = { name: "setup.exe", mimeType: "application/octet-stream" };
          const mz = new Uint8Array(512);
          mz.set([0x4d, 0x5a, 0x90, 0x00]);
          const notes = {
            name: "notes.txt",
            mimeType: "text/plain",
            buffer: Buffer.from("notes\n"),
          };
          await portal.setInputFiles("#files", [notes, { ...program, buffer: Buffer.from(mz) }]);
          await portal.click("#submit-ticket");
          await portal.locator("#error", { hasText: "Files of this type are not accepted." })
            .waitFor();
          await portal.locator("#upload-retry").waitFor();
          await portal.locator('.uploads li[data-upload="setup.exe"]', {
            hasText: "setup.exe: Files of this type are not accepted.",
          }).waitFor();
          // Choosing the file that did go up once more is no error: it is on the ticket already.
          const text = new TextEncoder().encode("the log, as text\n");
          await portal.setInputFiles("#files", [notes, {
            name: "log.txt",
            mimeType: "text/plain",
            buffer: Buffer.from(text),
          }]);
          await portal.click("#submit-ticket");
          await portal.locator("#ticket-title", { hasText: "Ticket with a refused file" })
            .waitFor();
          await portal.locator(".attachments li", { hasText: "log.txt" }).waitFor();
          assert.deepEqual(
            (await portal.locator(".attachments li").allTextContents()).map((n) => n.split(" ")[0])
              .sort(),
            ["log.txt", "notes.txt"],
            "each file once",
          );
          const all = await call(stack, "GET", "/v1/tickets?limit=50");
          assert.equal(
            all.tickets.filter((r: { subject: string }) =>
              r.subject === "Ticket with a refused file"
            ).length,
            1,
            "one ticket, however many Submits",
          );

          // A language switch with the form open translates it and keeps what was typed.
          await portal.click("#new-ticket");
          await portal.fill("#subject", "Ticket with a huge file");
          await portal.selectOption("#language", "zh");
          await portal.locator("#new-title", { hasText: "新建工单" }).waitFor();
          assert.equal(await portal.inputValue("#subject"), "Ticket with a huge file");
          await portal.selectOption("#language", "en");
          await portal.locator("#submit-ticket", { hasText: "Submit" }).waitFor();

          // A file over the limit (1 MiB here) is named before any ticket exists: nothing is sent.
          await portal.fill("#body", "See the dump.");
          await portal.setInputFiles("#files", {
            name: "core.dump",
            mimeType: "application/octet-stream",
            buffer: Buffer.alloc(1024 * 1024 + 1),
          });
          await portal.click("#submit-ticket");
          await portal.locator("#file-too-large", {
            hasText: /core\.dump is larger than the 1(\.0)? MB allowed/,
          }).waitFor();
          assert.equal(await portal.locator("#submit-ticket[disabled]").count(), 0, "can fix it");
          const after = await call(stack, "GET", "/v1/tickets?limit=50");
          assert.ok(
            !after.tickets.some((r: { subject: string }) =>
              r.subject === "Ticket with a huge file"
            ),
            "no ticket was created for it",
          );
          await portalContext.close();
        },
      );
      await t.step(
        "admin: the user form starts from the picked user; a half-filled SLA row says what it lacks",
        async () => {
          await stack.addUser({
            username: "sam",
            password: "sam-password-1",
            role: "supervisor",
            groups: "support,billing",
          });
          const adminContext = await stack.browser.newContext({ locale: "en-US" });
          const admin = await adminContext.newPage();
          admin.on("pageerror", (e) => pageErrors.push(e.message));
          const url = `${stack.gatewayUrl}/admin/`;
          await signInThroughForm(
            admin,
            url,
            {
              username: "admin",
              password: ADMIN_PASSWORD,
            },
            url,
            "#signout",
          );
          await admin.click("#tabs button[data-tab=users]");
          const change = admin.locator("#tab-users form", { hasText: "Change a user" });
          await change.locator("select[name=id]").selectOption({ label: "sam" });
          assert.equal(await change.locator("select[name=role]").inputValue(), "supervisor");
          assert.equal(await change.locator("input[name=groups]").inputValue(), "support, billing");
          await change.locator("input[name=groups]").fill("support");
          await change.locator("button[type=submit]").click();
          await admin.locator("tr[data-user=sam]", { hasText: "supervisor" })
            .filter({ hasNotText: "billing" }).waitFor();

          await admin.click("#tabs button[data-tab=sla]");
          await admin.waitForSelector("#tab-sla:not([hidden])[aria-busy=false] h2");
          await admin.fill('input[name="low.firstResponseMinutes"]', "120");
          await admin.click("#tab-sla form button[type=submit] >> nth=0");
          const resolution = admin.locator('input[name="low.resolutionMinutes"]');
          assert.match(
            await resolution.evaluate((i) =>
              (i as unknown as { validationMessage: string })
                .validationMessage
            ),
            /Resolution/,
          );
          await resolution.fill("480");
          await admin.click("#tab-sla form button[type=submit] >> nth=0");
          await admin.waitForSelector('input[name="low.warnAtPercent"][value="80"]');
          await adminContext.close();
        },
      );
      assert.deepEqual(pageErrors, [], "no uncaught page errors");
    } finally {
      await stack.stop();
    }
  },
});
