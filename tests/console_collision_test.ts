/**
 * Collision presence (issue 11) in two real Chromium contexts, two agents on the same ticket,
 * against the real services behind the gateway: each sees the other viewing (by name), one sees the other
 * typing, a claim appears for the other, a second claim is refused, the claim expires on its
 * own, and an assignment ends a claim; nothing polls (the only requests are the claim clicks).
 * A customer's socket is refused ticket presence.
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
import { shot, signInThroughForm } from "./support/browser.ts";

const BOB = { username: "bob", password: "bob-password-1", role: "agent", groups: AGENT.group };
const CLAIM_SECONDS = 6;

async function asStaff(stack: ConsoleStack, method: string, path: string, body?: unknown) {
  return await fetch(`${stack.gatewayUrl}/api${path}`, {
    method,
    headers: {
      authorization: `Bearer ${await stack.token("boss", "admin")}`,
      "content-type": "application/json",
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
}

async function createTicket(stack: ConsoleStack, subject: string): Promise<string> {
  const response = await fetch(`${stack.ticketsUrl}/v1/tickets`, {
    method: "POST",
    headers: {
      authorization: `Bearer ${await stack.token("customer-1", "customer")}`,
      "content-type": "application/json",
    },
    body: JSON.stringify({ subject, body: "It beeps." }),
  });
  assert.equal(response.status, 201);
  return (await response.json()).id;
}

/** The page's socket principal id (from its `ready` frame) and every API request it makes. */
function watchPage(page: Page) {
  const seen = { id: "", requests: [] as string[] };
  page.on("websocket", (socket) =>
    socket.on("framereceived", ({ payload }) => {
      const frame = JSON.parse(String(payload));
      if (frame.type === "ready") seen.id = frame.principal.id;
    }));
  page.on("request", (r) => {
    if (r.url().includes("/api/")) seen.requests.push(`${r.method()} ${new URL(r.url()).pathname}`);
  });
  return seen;
}

async function openTicket(page: Page, subject: string, id: string) {
  await page.locator("#queue-list li", { hasText: subject }).click();
  await page.waitForSelector(`article[data-ticket="${id}"]`);
  await page.waitForSelector('#live[data-live="true"]');
}

const line = (page: Page, text: string) =>
  page.locator("#collision .collision-line", { hasText: text });

/** A customer's socket through the gateway: `ticket_watch` is answered `forbidden`. */
async function customerIsRefused(stack: ConsoleStack, ticketId: string) {
  // The token first: an open socket waiting on it would fire `open` before anyone listened.
  const token = await stack.token("customer-1", "customer");
  const socket = new WebSocket(
    `${stack.gatewayUrl.replace("http", "ws")}/api/sessions/sessions/socket`,
  );
  const frames: { type: string; code?: string }[] = [];
  const refused = new Promise<string>((done, fail) => {
    setTimeout(() => fail(new Error(`no refusal: ${JSON.stringify(frames)}`)), 10_000);
    socket.onmessage = (e) => {
      const frame = JSON.parse(String(e.data));
      frames.push(frame);
      if (frame.type === "ready") socket.send(JSON.stringify({ type: "ticket_watch", ticketId }));
      if (frame.type === "error") done(frame.code);
    };
  });
  socket.onopen = () => socket.send(JSON.stringify({ type: "auth", token }));
  try {
    assert.equal(await refused, "forbidden");
    assert.equal(frames.some((f) => f.type === "collision"), false);
  } finally {
    socket.close();
  }
}

Deno.test({
  name:
    "collision - two agents on one ticket see each other viewing and typing, a claim shows for the other, refuses a second, expires; no polling",
  sanitizeOps: false,
  sanitizeResources: false,
  async fn() {
    const stack = await startConsoleStack({
      TICKETD_SESSIONS_CLAIM_SECONDS: String(CLAIM_SECONDS),
    });
    try {
      await stack.addUser(BOB);
      const subject = "Fax machine beeping";
      const ticketId = await createTicket(stack, subject);
      const contexts = await Promise.all(
        [1, 2].map(() =>
          stack.browser.newContext({ locale: "en-US", timezoneId: "Asia/Shanghai" })
        ),
      );
      const [alicePage, bobPage] = await Promise.all(contexts.map((c) => c.newPage()));
      const alice = watchPage(alicePage);
      const bob = watchPage(bobPage);
      await signInAsAgent(stack, alicePage);
      await signInThroughForm(
        bobPage,
        stack.gatewayUrl,
        BOB,
        `${stack.gatewayUrl}/`,
        "#workspace:not([hidden])",
      );
      await openTicket(alicePage, subject, ticketId);
      await openTicket(bobPage, subject, ticketId);

      // Viewing: each sees the other (whoever came first learns of the second live, the second
      // of the first from the viewers bucket).
      await line(alicePage, "bob is viewing").waitFor({ timeout: 10_000 });
      await line(bobPage, "alice is viewing").waitFor({ timeout: 10_000 });
      alice.requests.length = 0;
      bob.requests.length = 0;

      // Typing: Bob types, Alice sees it, as text.
      await bobPage.locator("#composer").pressSequentially("Looking at it", { delay: 20 });
      await line(alicePage, "bob is typing…").waitFor({ timeout: 10_000 });
      await shot(alicePage, stack.artifacts, "collision-1-typing");

      // The claim: Alice takes it, Bob sees it with its end, Bob's own take is refused 409.
      await alicePage.click("#claim");
      await line(alicePage, "You are working on it (until").waitFor();
      await line(bobPage, "alice is working on it (until").waitFor({ timeout: 10_000 });
      await shot(bobPage, stack.artifacts, "collision-2-claimed");
      await bobPage.click("#claim");
      await bobPage.locator("#collision [role=alert]", {
        hasText: "Someone else is already working on it.",
      }).waitFor();
      const refused = await asStaff(stack, "PUT", `/sessions/v1/tickets/${ticketId}/claim`);
      assert.equal(refused.status, 409);
      assert.equal((await refused.json()).code, "claimed");

      // It expires on its own (no renewal): Bob's line goes, with no request from his page.
      await line(bobPage, "is working on it").waitFor({
        state: "detached",
        timeout: (CLAIM_SECONDS + 6) * 1000,
      });
      assert.deepEqual(alice.requests, [`PUT /api/sessions/v1/tickets/${ticketId}/claim`]);
      assert.deepEqual(bob.requests, [`PUT /api/sessions/v1/tickets/${ticketId}/claim`]);

      // An assignment ends a claim: Bob takes it, the ticket is assigned, Alice sees it go.
      await bobPage.click("#claim");
      await line(alicePage, "bob is working on it").waitFor({ timeout: 10_000 });
      const assigned = await asStaff(stack, "PUT", `/tickets/v1/tickets/${ticketId}/assignment`, {
        assigneeId: alice.id,
        groupId: null,
      });
      assert.equal(assigned.status, 200, await assigned.text());
      await line(alicePage, "bob is working on it").waitFor({
        state: "detached",
        timeout: 3_000, // well before the claim would expire
      });

      // Leaving: Bob signs out, Alice no longer sees him viewing.
      await contexts[1].close();
      await line(alicePage, "bob is viewing").waitFor({ state: "detached", timeout: 10_000 });

      await customerIsRefused(stack, ticketId);
      await contexts[0].close();
    } finally {
      await stack.stop();
    }
  },
});
