/**
 * The customer portal in a real Chromium against the real services behind the gateway: a
 * customer signs in with PKCE, submits a ticket with a file by tus (the progress bar reaches
 * 100%), sees it listed with a hostile subject shown as text, sees an agent's public reply
 * pushed over the sessions socket with no polling (an internal note pushes nothing, a second
 * customer is told nothing) and answers; an upload cut off mid-way resumes and stores the
 * whole file. Accessibility (axe-core) of each page; screenshots in `.ci/artifacts/console/`.
 * @module
 */
import assert from "node:assert/strict";
import { Buffer } from "node:buffer";
import type { Page, WebSocket } from "playwright-core";
import { type ConsoleStack, startConsoleStack } from "../services/gateway/testing/console_stack.ts";
import { seriousViolations, shot, signInThroughForm } from "./support/browser.ts";

const CUSTOMER = { username: "carol", password: "carol-password-1", role: "customer" };
const XSS = "Printer <img src=x onerror=alert(1)> on fire";
const FILE_BYTES = 1_200_000; // several 256 KiB PATCHes, so one can fail mid-way

/** A text file (the attachments service refuses unknown binary types) of `size` bytes. */
function fileOf(size: number, seed: number): Uint8Array {
  const line = (n: number) => `line ${n} of log ${seed}: the printer reports an error\n`;
  let text = "";
  for (let n = 0; text.length < size; n++) text += line(n);
  return new TextEncoder().encode(text.slice(0, size));
}

async function api(stack: ConsoleStack, method: string, path: string, body?: unknown) {
  const response = await fetch(`${stack.ticketsUrl}${path}`, {
    method,
    headers: {
      authorization: `Bearer ${await stack.token("boss", "admin")}`,
      "content-type": "application/json",
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  assert.ok(response.ok, `${method} ${path}: ${response.status} ${await response.clone().text()}`);
  return await response.json();
}

/** The attachment's bytes as an agent downloads them (through the gateway). */
async function storedFile(stack: ConsoleStack, ticketId: string) {
  const headers = { authorization: `Bearer ${await stack.token("boss", "admin")}` };
  const base = `${stack.gatewayUrl}/api/attachments/v1/attachments`;
  const list = await (await fetch(`${base}?ticketId=${ticketId}`, { headers })).json();
  assert.equal(list.attachments.length, 1);
  const response = await fetch(`${base}/${list.attachments[0].attachmentId}`, { headers });
  assert.equal(response.status, 200);
  return {
    name: list.attachments[0].fileName,
    bytes: new Uint8Array(await response.arrayBuffer()),
  };
}

/** The notifications pushed to `page` over its sessions sockets (watch before it opens one). */
function notificationFrames(page: Page): { kind: string; ticketId?: string }[] {
  const got: { kind: string; ticketId?: string }[] = [];
  page.on("websocket", (socket) => watchFrames(socket, got));
  return got;
}

function watchFrames(socket: WebSocket, into: { kind: string; ticketId?: string }[]) {
  socket.on("framereceived", ({ payload }) => {
    const frame = JSON.parse(String(payload));
    if (frame.type === "notification") into.push(frame.notification);
  });
}

/** A second customer, signed in on the portal with its socket ready, and what it is pushed. */
async function otherCustomer(stack: ConsoleStack) {
  const dave = { username: "dave", password: "dave-password-1", role: "customer" };
  await stack.addUser(dave);
  const context = await stack.browser.newContext({ locale: "en-US" });
  const page = await context.newPage();
  const frames: { kind: string; ticketId?: string }[] = [];
  const ready = new Promise<void>((done) =>
    page.on("websocket", (socket) => {
      watchFrames(socket, frames);
      socket.on("framereceived", ({ payload }) => String(payload).includes('"ready"') && done());
    })
  );
  await signInThroughForm(
    page,
    `${stack.gatewayUrl}/portal/`,
    dave,
    `${stack.gatewayUrl}/portal/`,
    "#portal:not([hidden])",
  );
  await ready;
  return { context, frames };
}

async function submitTicket(page: Page, subject: string, file: Uint8Array, name: string) {
  await page.click("#new-ticket");
  await page.fill("#subject", subject);
  await page.fill("#body", "It started smoking after the update.");
  await page.setInputFiles("#files", {
    name,
    mimeType: "text/plain",
    buffer: Buffer.from(file),
  });
  // The bar is replaced by the ticket once the upload is done: record every value it showed.
  await page.evaluate(`(() => {
    window.__percents = [];
    new MutationObserver((changes) => {
      for (const c of changes) window.__percents.push(Number(c.target.dataset.percent));
    }).observe(document, { subtree: true, attributeFilter: ["data-percent"] });
  })()`);
  await page.click("#submit-ticket");
  await page.waitForSelector(`article[data-ticket]`);
  const percents = await page.evaluate("window.__percents") as number[];
  assert.equal(percents.at(-1), 100, `the bar reached 100%: ${percents}`);
  assert.ok(percents.some((p) => p > 0 && p < 100), `and showed progress on the way: ${percents}`);
  assert.deepEqual(percents, [...percents].sort((a, b) => a - b), "it never went back");
  return (await page.getAttribute("article[data-ticket]", "data-ticket"))!;
}

Deno.test({
  name: "portal - a customer submits a ticket with a file, follows the public reply and answers",
  sanitizeOps: false,
  sanitizeResources: false,
  async fn(t) {
    const stack = await startConsoleStack();
    try {
      await stack.addUser(CUSTOMER);
      const context = await stack.browser.newContext({
        locale: "en-US",
        timezoneId: "Europe/Berlin",
      });
      const page = await context.newPage();
      const pushed = notificationFrames(page);
      const dialogs: string[] = [];
      page.on("dialog", (d) => {
        dialogs.push(d.message());
        d.dismiss();
      });
      const artifacts = stack.artifacts;
      await t.step(
        "the sign-in page has the strict CSP and no serious a11y violation",
        async () => {
          const first = await page.goto(`${stack.gatewayUrl}/portal/`);
          const csp = first!.headers()["content-security-policy"];
          assert.match(csp, /script-src 'self'/);
          assert.ok(!csp.includes("unsafe-inline"));
          await page.waitForSelector("#signin:not([hidden])");
          await shot(page, artifacts, "portal-1-signin");
          assert.deepEqual(await seriousViolations(page), [], "portal sign-in page");
        },
      );

      let ticketId = "";
      const file = fileOf(FILE_BYTES, 7);
      await t.step(
        "a ticket with a file: progress reaches 100%, listed, subject as text",
        async () => {
          await signInThroughForm(
            page,
            `${stack.gatewayUrl}/portal/`,
            CUSTOMER,
            `${stack.gatewayUrl}/portal/`,
            "#portal:not([hidden])",
          );
          ticketId = await submitTicket(page, XSS, file, "smoke.log");
          await page.locator("#my-tickets li", { hasText: XSS }).waitFor();
          await page.locator("#ticket-title", { hasText: XSS }).waitFor();
          assert.equal(await page.locator("#portal img").count(), 0, "no element from the subject");
          await page.locator(".attachments li", { hasText: "smoke.log" }).waitFor();
          const stored = await storedFile(stack, ticketId);
          assert.equal(stored.name, "smoke.log");
          assert.deepEqual(stored.bytes, file);
          await shot(page, artifacts, "portal-2-submitted");
        },
      );

      await t.step(
        "pushed, not polled: a note pushes nothing, the public reply arrives, another customer hears nothing",
        async () => {
          const other = await otherCustomer(stack);
          pushed.length = 0; // what is pushed from here on
          const frames = pushed;
          const requests: string[] = [];
          page.on("request", (r) => r.url().includes("/api/") && requests.push(r.url()));
          // Longer than the 5 s re-read the portal used to do: a quiet page asks for nothing.
          await page.waitForTimeout(6_000);
          assert.deepEqual(requests, [], "no polling while the socket is up");
          await api(stack, "POST", `/v1/tickets/${ticketId}/messages`, {
            body: "Internal: customer sounds annoyed",
            internal: true,
          });
          await page.waitForTimeout(1_500);
          assert.deepEqual([frames.length, requests], [0, []], "an internal note pushes nothing");
          await api(stack, "POST", `/v1/tickets/${ticketId}/messages`, {
            body: "Please unplug it and tell us the model number.",
            internal: false,
          });
          await page.locator(".conversation li.support", { hasText: "unplug it" }).waitFor({
            timeout: 10_000,
          });
          assert.ok(frames.some((f) => f.kind === "reply" && f.ticketId === ticketId));
          assert.equal(await page.getByText("customer sounds annoyed").count(), 0);
          await page.waitForTimeout(500);
          assert.deepEqual(other.frames, [], "the other customer was told nothing");
          await other.context.close();
          // The API itself hides the note from the customer (the page never had it).
          const ticket = await api(stack, "GET", `/v1/tickets/${ticketId}`);
          const asCustomer = await (await fetch(`${stack.ticketsUrl}/v1/tickets/${ticketId}`, {
            headers: {
              authorization: `Bearer ${await stack.token(ticket.requesterId, "customer")}`,
            },
          })).json();
          assert.equal(ticket.messages.length, 3);
          assert.deepEqual(
            asCustomer.messages.map((m: { body: string }) => m.body.slice(0, 12)),
            ["It started s", "Please unplu"],
          );
        },
      );

      await t.step(
        "the customer downloads their own file from the ticket; another customer gets a 404",
        async () => {
          const [download] = await Promise.all([
            page.waitForEvent("download"),
            page.click('.attachments a[aria-label="Download smoke.log"]'),
          ]);
          assert.equal(download.suggestedFilename(), "smoke.log");
          assert.deepEqual(new Uint8Array(await Deno.readFile((await download.path())!)), file);
          const attachmentId = await page.getAttribute(".attachments a", "data-attachment");
          const url = `${stack.gatewayUrl}/api/attachments/v1/attachments/${attachmentId}`;
          const stranger = await fetch(url, {
            headers: { authorization: `Bearer ${await stack.token("someone-else", "customer")}` },
          });
          assert.equal(stranger.status, 404);
          assert.equal((await stranger.json()).code, "attachment_not_found");
        },
      );

      await t.step(
        "fifty more tickets: the list shows the newest 50, More brings the rest",
        async () => {
          const ticket = await api(stack, "GET", `/v1/tickets/${ticketId}`);
          const asCustomer = `Bearer ${await stack.token(ticket.requesterId, "customer")}`;
          for (let n = 1; n <= 50; n++) {
            const created = await fetch(`${stack.ticketsUrl}/v1/tickets`, {
              method: "POST",
              headers: { authorization: asCustomer, "content-type": "application/json" },
              body: JSON.stringify({ subject: `Older request ${n}`, body: "Seeded." }),
            });
            assert.equal(created.status, 201, await created.text());
          }
          // All in the read model before the page goes on (the list reads it).
          for (let i = 0;; i++) {
            const listed = await (await fetch(`${stack.ticketsUrl}/v1/tickets?limit=100`, {
              headers: { authorization: asCustomer },
            })).json();
            if (listed.tickets.length === 51) break;
            assert.ok(i < 100, `the read model has ${listed.tickets.length} of 51`);
            await new Promise((r) => setTimeout(r, 100));
          }
        },
      );

      await t.step("the customer answers; the answer is stored as a public message", async () => {
        await page.fill("#answer", "Model TX-5000.");
        await page.click("#send-answer");
        await page.locator(".conversation li.mine", { hasText: "Model TX-5000." }).waitFor();
        const ticket = await api(stack, "GET", `/v1/tickets/${ticketId}`);
        const last = ticket.messages.at(-1);
        assert.equal(last.body, "Model TX-5000.");
        assert.equal(last.internal, false);
        assert.equal(last.authorId, ticket.requesterId);
        await shot(page, artifacts, "portal-3-answered");
        assert.deepEqual(await seriousViolations(page), [], "portal with a ticket open");
      });

      await t.step("More… lists the tickets after the newest 50, each once", async () => {
        // The answer re-read the list: the answered ticket first, then the newest seeded ones.
        await page.locator("#my-tickets li", { hasText: XSS }).first().waitFor();
        await page.locator("#more-tickets").waitFor();
        assert.equal(await page.locator("#my-tickets a[data-ticket-link]").count(), 50);
        await page.click("#more-tickets");
        await page.locator("#my-tickets li", { hasText: /Older request 1 ·/ }).waitFor();
        assert.equal(await page.locator("#my-tickets a[data-ticket-link]").count(), 51);
        assert.equal(await page.locator("#more-tickets").count(), 0, "nothing more");
        await shot(page, artifacts, "portal-3b-more");
      });

      await t.step("Chinese, with times in the viewer's zone", async () => {
        await page.selectOption("#language", "zh");
        await page.locator("#mine-title", { hasText: "我的工单" }).waitFor();
        await page.locator("#send-answer", { hasText: "发送回复" }).waitFor();
        assert.equal(await page.getAttribute("html", "lang"), "zh-CN");
        const shown = await page.textContent(".conversation li time");
        const at = await page.getAttribute(".conversation li time", "datetime");
        const expected = new Intl.DateTimeFormat("zh-CN", {
          dateStyle: "medium",
          timeStyle: "short",
          timeZone: "Europe/Berlin",
        }).format(new Date(at!));
        assert.equal(shown, expected);
        await shot(page, artifacts, "portal-4-chinese");
        await page.selectOption("#language", "en");
      });

      await t.step(
        "a ticket read still under way never draws over the new-ticket form opened after it",
        async () => {
          // The language switch reads the open ticket again; hold that read until the form is up.
          let held = 0;
          let release = () => {};
          const opened = new Promise<void>((resolve) => release = resolve);
          const ticketRead = `**/api/tickets/v1/tickets/${ticketId}`;
          await page.route(ticketRead, async (route) => {
            held++;
            await opened;
            await route.continue();
          });
          await page.selectOption("#language", "zh");
          await page.click("#new-ticket");
          await page.waitForSelector("#submit-ticket");
          const answered = page.waitForResponse((r) => r.url().endsWith(`/tickets/${ticketId}`));
          release();
          await answered;
          await page.waitForTimeout(500); // time to draw, were it going to
          assert.ok(held > 0, "the ticket was being read when the form opened");
          assert.equal(await page.locator("#submit-ticket").count(), 1, "the form is still there");
          await page.unroute(ticketRead);
          await page.selectOption("#language", "en");
        },
      );

      await t.step("an upload cut off mid-way resumes and stores the whole file", async () => {
        let patches = 0;
        let cut = 0;
        await page.route("**/api/attachments/v1/attachments/uploads/*", async (route) => {
          if (route.request().method() === "PATCH" && ++patches === 2) {
            cut++;
            return await route.abort("connectionreset");
          }
          await route.continue();
        });
        const second = fileOf(FILE_BYTES, 99);
        const id = await submitTicket(page, "Second printer", second, "second.log");
        assert.equal(cut, 1, "one PATCH was cut off");
        assert.ok(patches > 2, "the upload went on after the cut");
        assert.deepEqual((await storedFile(stack, id)).bytes, second);
        await shot(page, artifacts, "portal-5-resumed");
      });
      assert.deepEqual(dialogs, [], "no dialog was opened by ticket text");
      await context.close();
    } finally {
      await stack.stop();
    }
  },
});
