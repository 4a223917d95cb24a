/**
 * Ticket links on real NATS and PostgreSQL: stored on both tickets with the inverse kind, listed,
 * validated (self, unseen, duplicate, parent loops) and removed from both.
 * @module
 */
import assert from "node:assert/strict";
import { signInAsAgent, startConsoleStack } from "../services/gateway/testing/console_stack.ts";
import { shot as shotInto } from "./support/browser.ts";
import {
  adminA,
  agentA,
  type Caller,
  createTicket,
  customerA,
  type Harness,
  projected,
  withHarness,
} from "./support/tickets_harness.ts";

async function link(h: Harness, who: Caller, id: string, ticketId: string, kind: string) {
  const response = await h.call(who, "POST", `/v1/tickets/${id}/links`, { ticketId, kind });
  return { status: response.status, json: await response.json() };
}

async function links(h: Harness, id: string) {
  await projected(h, (await h.jsm.streams.info("TICKETS")).state.last_seq);
  const ticket = await (await h.call(agentA, "GET", `/v1/tickets/${id}`)).json();
  return ticket.links.map((l: { ticketId: string; kind: string }) => [l.ticketId, l.kind]);
}

Deno.test("links - a link is listed on both tickets with the inverse kind, and removed from both", () =>
  withHarness(async (h) => {
    const [a, b, c] = [
      (await createTicket(h, customerA)).id,
      (await createTicket(h, customerA)).id,
      (await createTicket(h, customerA)).id,
    ];
    assert.equal((await link(h, agentA, a, b, "parent_of")).status, 200);
    assert.equal((await link(h, agentA, a, c, "duplicate_of")).status, 200);
    assert.deepEqual(await links(h, a), [[b, "parent_of"], [c, "duplicate_of"]]);
    assert.deepEqual(await links(h, b), [[a, "child_of"]]);
    assert.deepEqual(await links(h, c), [[a, "duplicated_by"]]);
    const list = await (await h.call(agentA, "GET", `/v1/tickets?id=${b}`)).json();
    assert.deepEqual(list.tickets[0].links.map((l: { kind: string }) => l.kind), ["child_of"]);

    const removed = await h.call(agentA, "DELETE", `/v1/tickets/${b}/links`, { ticketId: a });
    assert.equal(removed.status, 200);
    assert.deepEqual(await links(h, a), [[c, "duplicate_of"]]);
    assert.deepEqual(await links(h, b), []);
    const again = await h.call(agentA, "DELETE", `/v1/tickets/${b}/links`, { ticketId: a });
    assert.deepEqual([again.status, (await again.json()).code], [404, "link_not_found"]);
  }));

Deno.test("links - refused: to itself, twice between two tickets, to an unseen ticket, by a customer", () =>
  withHarness(async (h) => {
    const a = (await createTicket(h, customerA)).id;
    const b = (await createTicket(h, customerA)).id;
    const hidden = (await createTicket(h, adminA, { groupId: "elsewhere" })).id;
    const self = await link(h, agentA, a, a, "related");
    assert.deepEqual([self.status, self.json.code], [422, "link_to_self"]);
    assert.equal((await link(h, agentA, a, b, "related")).status, 200);
    const twice = await link(h, agentA, b, a, "follow_up_of");
    assert.deepEqual([twice.status, twice.json.code], [409, "already_linked"]);
    const unseen = await link(h, agentA, a, hidden, "related");
    assert.deepEqual([unseen.status, unseen.json.code], [422, "invalid_pair_target"]);
    const byCustomer = await link(h, customerA, a, b, "related");
    assert.deepEqual([byCustomer.status, byCustomer.json.code], [403, "forbidden"]);
    const badKind = await link(h, agentA, a, b, "cousin_of");
    assert.deepEqual([badKind.status, badKind.json.code], [422, "invalid_request"]);
  }));

Deno.test("links - a parent link that would close a loop is refused; a second parent too", () =>
  withHarness(async (h) => {
    const [a, b, c] = [
      (await createTicket(h, customerA)).id,
      (await createTicket(h, customerA)).id,
      (await createTicket(h, customerA)).id,
    ];
    assert.equal((await link(h, agentA, a, b, "parent_of")).status, 200);
    assert.equal((await link(h, agentA, b, c, "parent_of")).status, 200);
    const loop = await link(h, agentA, c, a, "parent_of");
    assert.deepEqual([loop.status, loop.json.code], [409, "link_cycle"]);
    const loopFromBelow = await link(h, agentA, a, c, "child_of");
    assert.deepEqual([loopFromBelow.status, loopFromBelow.json.code], [409, "link_cycle"]);
    const d = (await createTicket(h, customerA)).id;
    const secondParent = await link(h, agentA, d, c, "parent_of");
    assert.deepEqual([secondParent.status, secondParent.json.code], [409, "already_has_parent"]);
  }));

Deno.test("links - linking the same two tickets from both sides at once stores one link", () =>
  withHarness(async (h) => {
    for (let round = 0; round < 8; round++) {
      const a = (await createTicket(h, customerA)).id;
      const b = (await createTicket(h, customerA)).id;
      const results = await Promise.all([
        link(h, agentA, a, b, "parent_of"),
        link(h, agentA, b, a, "parent_of"),
      ]);
      assert.deepEqual(results.map((r) => r.status).sort(), [200, 409], `round ${round}`);
      assert.equal((await links(h, a)).length, 1);
      assert.equal((await links(h, b)).length, 1);
    }
  }));

Deno.test("links - a merged ticket cannot be linked (409 merged)", () =>
  withHarness(async (h) => {
    const a = (await createTicket(h, customerA)).id;
    const b = (await createTicket(h, customerA)).id;
    const c = (await createTicket(h, customerA)).id;
    const merged = await h.call(agentA, "POST", `/v1/tickets/${a}/merge`, { into: b });
    assert.equal(merged.status, 200);
    const refused = await link(h, agentA, a, c, "related");
    assert.deepEqual([refused.status, refused.json.code, refused.json.mergedInto], [
      409,
      "merged",
      b,
    ]);
  }));

Deno.test({
  name:
    "console - an agent links the open ticket to another and merges it there; the page shows both",
  sanitizeOps: false,
  sanitizeResources: false,
  async fn() {
    const stack = await startConsoleStack();
    try {
      const customer = await stack.token("customer-1", "customer");
      const open = async (subject: string) => {
        const response = await fetch(`${stack.ticketsUrl}/v1/tickets`, {
          method: "POST",
          headers: { authorization: `Bearer ${customer}`, "content-type": "application/json" },
          body: JSON.stringify({ subject, body: "Details follow." }),
        });
        assert.equal(response.status, 201);
        return await response.json() as { id: string; number: number };
      };
      const { id: printer } = await open("Printer jams");
      const { id: scanner, number: scannerNumber } = await open("Scanner jams too");
      const page = await (await stack.browser.newContext({ locale: "en-US" })).newPage();
      page.on("dialog", (d) => d.accept());
      await page.goto(stack.gatewayUrl);
      await signInAsAgent(stack, page);
      await page.locator("#queue-list li", { hasText: "Printer jams" }).click();
      await page.waitForSelector(`article[data-ticket="${printer}"]`);

      // By the number agents see (#n), and shown by it; an unknown number is named, not sent.
      await page.fill("#link-ticket", "#99999");
      await page.click("#link-add");
      const message = () =>
        page.$eval("#link-ticket", (e) => (e as { validationMessage: string }).validationMessage);
      for (let i = 0; (await message()) === "" && i < 50; i++) await page.waitForTimeout(100);
      assert.equal(await message(), "No ticket #99999 that you can see.");
      await page.fill("#link-ticket", `#${scannerNumber}`);
      await page.selectOption("#link-kind", "related");
      await page.click("#link-add");
      await page.locator(`#ticket-links li[data-link="${scanner}"]`, {
        hasText: `Related to #${scannerNumber}`,
      }).waitFor();

      await page.click(`#ticket-links li[data-link="${scanner}"] button:has-text("Remove")`);
      await page.locator(`#ticket-links li[data-link="${scanner}"]`).waitFor({ state: "detached" });

      await page.fill("#link-ticket", scanner);
      await page.click("#merge-into");
      await page.locator("#ticket-links .merged").waitFor();
      await page.locator("#unmerge").waitFor();
      await shotInto(page, stack.artifacts, "agent-merged");

      const stored = await (await fetch(`${stack.ticketsUrl}/v1/tickets/${scanner}`, {
        headers: { authorization: `Bearer ${await stack.token("boss", "admin")}` },
      })).json();
      assert.deepEqual(stored.merged.map((m: { ticketId: string }) => m.ticketId), [printer]);
    } finally {
      await stack.stop();
    }
  },
});

Deno.test("links - two parent links on disjoint pairs made at once never close a loop", () =>
  withHarness(async (h) => {
    for (let round = 0; round < 8; round++) {
      const [a, b, c, d] = [
        (await createTicket(h, customerA)).id,
        (await createTicket(h, customerA)).id,
        (await createTicket(h, customerA)).id,
        (await createTicket(h, customerA)).id,
      ];
      // b above c and d above a; then a above b and c above d at once would close a -> b -> c -> d -> a.
      assert.equal((await link(h, agentA, b, c, "parent_of")).status, 200);
      assert.equal((await link(h, agentA, d, a, "parent_of")).status, 200);
      const results = await Promise.all([
        link(h, agentA, a, b, "parent_of"),
        link(h, agentA, c, d, "parent_of"),
      ]);
      assert.ok(results.some((r) => r.status === 409), `round ${round}: both linked`);
      const parents = new Map<string, string | undefined>();
      for (const id of [a, b, c, d]) {
        const up = (await links(h, id)).find(([, kind]: string[]) => kind === "child_of");
        parents.set(id, up?.[0]);
      }
      for (const start of [a, b, c, d]) {
        let current: string | undefined = start;
        for (let hops = 0; current !== undefined; hops++) {
          assert.ok(hops < 4, `round ${round}: a loop through ${start}`);
          current = parents.get(current);
        }
      }
    }
  }));
