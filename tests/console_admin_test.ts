/**
 * The admin pages in a real Chromium against the real services behind the gateway: an admin adds
 * an agent with skills, saves a rule (a bad regex shows the server's refusal), dry-runs it on a
 * stored ticket, sets an SLA target, finds their own rule change in the audit log and exports
 * it; an agent is refused. axe-core on each page; screenshots in `.ci/artifacts/console/`.
 * @module
 */
import assert from "node:assert/strict";
import type { Page } from "playwright-core";
import {
  ADMIN_PASSWORD,
  AGENT,
  type ConsoleStack,
  startConsoleStack,
} from "../services/gateway/testing/console_stack.ts";
import { seriousViolations, shot as shotInto, signInThroughForm } from "./support/browser.ts";
import { jetstreamManager } from "@nats-io/jetstream";
import { connect } from "@nats-io/transport-node";
import postgres from "postgres";
import { recordedActivity } from "@ticketd/shared/activity/testing.ts";
import { natsServerOptions } from "@ticketd/shared/runtime/nats_url.ts";

const CRASH_RULE = {
  name: "crash is urgent",
  when: ["created", "updated"],
  conditions: [{ type: "keywords", any: ["crash", "崩溃"] }],
  actions: [{ type: "set_priority", priority: "urgent" }],
};

/** Signs in from `/admin/` and lands back there (the tabs or the refusal show next). */
const XSS = "<img src=x onerror=alert(1)>";
const VIP_RULE = {
  name: "vip to tier2",
  when: ["created"],
  conditions: [{ type: "tags", op: "has", tags: ["vip"] }],
  actions: [{ type: "set_group", groupId: "tier2" }],
};

async function signInToAdmin(stack: ConsoleStack, page: Page, user: string, password: string) {
  const admin = `${stack.gatewayUrl}/admin/`;
  await signInThroughForm(page, admin, { username: user, password }, admin, "#signout");
}

async function createTicket(stack: ConsoleStack, subject: string): Promise<{ id: string }> {
  const response = await fetch(`${stack.ticketsUrl}/v1/tickets`, {
    method: "POST",
    headers: {
      authorization: `Bearer ${await stack.token("customer-1", "customer")}`,
      "content-type": "application/json",
    },
    body: JSON.stringify({ subject, body: "It happens every morning." }),
  });
  assert.equal(response.status, 201, await response.clone().text());
  return await response.json();
}

/** Users and agent profiles beyond the admin pages' first page (200 users, 100 profiles). */
const SEEDED_USERS = 200;
const SEEDED_AGENTS = 100;

/**
 * `SEEDED_USERS` customers written straight into identity's table (an API create hashes each
 * password with scrypt: minutes for 200), ids above every real one so they list last.
 */
async function seedUsers(stack: ConsoleStack) {
  const sql = postgres(stack.db.url, { onnotice: () => {} });
  try {
    await sql`
      insert into identity_users (id, tenant, username, password_hash, role)
      select 9000000000000000000 + n, 'demo', 'seeded-' || lpad(n::text, 3, '0'), 'x', 'customer'
      from generate_series(1, ${SEEDED_USERS}) n`;
  } finally {
    await sql.end();
  }
}

/** `SEEDED_AGENTS` profiles over routing's API; their ids sort after every snowflake. */
async function seedAgents(stack: ConsoleStack) {
  const authorization = `Bearer ${await stack.token("boss", "admin")}`;
  for (let n = 1; n <= SEEDED_AGENTS; n++) {
    const id = `zz-agent-${String(n).padStart(3, "0")}`;
    const response = await fetch(`${stack.gatewayUrl}/api/routing/v1/routing/agents/${id}`, {
      method: "PUT",
      headers: { authorization, "content-type": "application/json" },
      body: JSON.stringify({ displayName: `Seeded ${n}`, groups: ["bulk"] }),
    });
    assert.ok(response.ok, await response.text());
  }
}

/** The keyring as the tickets service answers it to an admin. */
async function keyringOf(stack: ConsoleStack) {
  const response = await fetch(`${stack.ticketsUrl}/v1/keyring`, {
    headers: { authorization: `Bearer ${await stack.token("boss", "admin")}` },
  });
  assert.equal(response.status, 200);
  return await response.json();
}

const shot = (stack: ConsoleStack, page: Page, name: string) =>
  shotInto(page, stack.artifacts, `admin-${name}`);

/** `at` as a `datetime-local` value on a Shanghai wall clock (UTC+8 all year). */
function shanghaiLocal(at: number): string {
  return new Date(at + 8 * 3_600_000).toISOString().slice(0, 16);
}

async function openTab(page: Page, name: string) {
  await page.click(`#tabs button[data-tab=${name}]`);
  await page.waitForSelector(`#tab-${name}:not([hidden])[aria-busy=false] h2`);
}

/** Clicks `button` until `done` shows (the services catch up asynchronously). */
async function retryUntil(page: Page, button: string, done: string, timeoutMs = 20_000) {
  const until = Date.now() + timeoutMs;
  while (true) {
    await page.click(button);
    try {
      await page.locator(done).first().waitFor({ timeout: 1_000 });
      return;
    } catch (error) {
      if (Date.now() > until) throw error;
    }
  }
}

Deno.test({
  name:
    "admin pages - an admin adds an agent, saves a rule (a bad regex is refused beside it), dry-runs it, sets an SLA target and finds the change in the audit log",
  sanitizeOps: false,
  sanitizeResources: false,
  async fn() {
    const stack = await startConsoleStack();
    try {
      const ticket = await createTicket(stack, "App crash on start");
      await seedUsers(stack);
      await seedAgents(stack);
      const context = await stack.browser.newContext({
        locale: "en-US",
        timezoneId: "Asia/Shanghai",
        acceptDownloads: true,
      });
      const page = await context.newPage();
      const first = await page.goto(`${stack.gatewayUrl}/admin/`);
      assert.match(first!.headers()["content-security-policy"], /default-src 'self'/);
      await page.waitForSelector("#signin:not([hidden])");
      assert.deepEqual(await seriousViolations(page), [], "admin sign-in page");

      await signInToAdmin(stack, page, "admin", ADMIN_PASSWORD);
      await page.waitForSelector("#tab-agents:not([hidden])[aria-busy=false] h2");

      // Users: the agent's user id is the id routing's profile takes.
      await openTab(page, "users");
      const aliceRow = page.locator(`tr[data-user=${AGENT.username}]`);
      const aliceId = (await aliceRow.locator("td").first().textContent())!.trim();
      const adminId = (await page.locator("tr[data-user=admin] td").first().textContent())!.trim();
      const change = page.locator("#tab-users form", { hasText: "Change a user" });
      await change.locator("select[name=id]").selectOption({ label: AGENT.username });
      await change.locator("select[name=role]").selectOption("agent");
      await change.locator("input[name=groups]").fill(`${AGENT.group}, billing`);
      await change.locator("button[type=submit]").click();
      await page.locator(`tr[data-user=${AGENT.username}]`, { hasText: "support, billing" })
        .waitFor();
      await shot(stack, page, "1-users");
      assert.deepEqual(await seriousViolations(page), [], "users");
      // The first page is 200 users; More brings the rest (admin, alice and 200 seeded).
      assert.equal(await page.locator("#tab-users tbody tr").count(), 200);
      await page.click("#tab-users button.more");
      await page.locator("#tab-users tr[data-user=seeded-200]").waitFor();
      assert.equal(await page.locator("#tab-users tbody tr").count(), SEEDED_USERS + 2);
      assert.equal(await page.locator("#tab-users select[name=id] option").count(), 202);

      await openTab(page, "agents");
      const agentForm = page.locator("#tab-agents form");
      await agentForm.locator("input[name=agentId]").fill(aliceId);
      await agentForm.locator("input[name=displayName]").fill(`Alice 李 ${XSS}`);
      await agentForm.locator("input[name=skills]").fill("Billing, hdfs");
      await agentForm.locator("input[name=groups]").fill(AGENT.group);
      await agentForm.locator("input[name=languages]").fill("zh-cn, en");
      await agentForm.locator("button[type=submit]").click();
      const agentRow = page.locator(`tr[data-agent="${aliceId}"]`);
      await agentRow.waitFor().catch(async (error) => {
        const said = await agentForm.locator("[role=alert]").textContent();
        throw new Error(`no row for the saved agent; the form said "${said}"`, { cause: error });
      });
      assert.match((await agentRow.textContent())!, /billing, hdfs/);
      assert.match((await agentRow.textContent())!, /zh-CN/);
      assert.ok((await agentRow.textContent())!.includes(XSS), "hostile text shown as text");
      assert.equal(await page.locator("#tab-agents img").count(), 0);
      assert.equal(await page.textContent("#tab-agents li[data-name=billing]"), "billing: 1");
      await shot(stack, page, "2-agents");
      assert.deepEqual(await seriousViolations(page), [], "agents");
      // 101 profiles: the first 100, then More for the last seeded one.
      assert.equal(await page.locator("#tab-agents tbody tr").count(), 100);
      await page.click("#tab-agents button.more");
      await page.locator(`#tab-agents tr[data-agent="zz-agent-${SEEDED_AGENTS}"]`).waitFor();
      assert.equal(await page.locator("#tab-agents tbody tr").count(), SEEDED_AGENTS + 1);
      assert.equal(await page.locator("#tab-agents button.more").count(), 0);

      // Rules: the server's refusal of a bad regex is shown beside the rule being edited.
      await openTab(page, "rules");
      const draft = page.locator("section.rule");
      const bad = {
        ...CRASH_RULE,
        conditions: [{ type: "regex", pattern: "order #(\\d+", in: ["subject"] }],
      };
      await draft.locator("textarea").fill(JSON.stringify(bad));
      await draft.locator("button.primary").click();
      await draft.locator(".rule-problem", { hasText: "invalid_regex" }).waitFor();
      await shot(stack, page, "3-rule-refused");
      await draft.locator("textarea").fill(JSON.stringify(CRASH_RULE));
      await draft.locator("button.primary").click();
      await page.locator(`li.rule[data-rule="${CRASH_RULE.name}"]`).waitFor();
      const crash = page.locator(`li.rule[data-rule="${CRASH_RULE.name}"]`);
      await crash.locator("button:has-text('History')").click();
      assert.match(
        (await crash.locator(".rule-history li[data-version='1']").textContent())!,
        new RegExp(`v1 created by ${adminId}`),
      );
      // A second rule, then moved above the first: the list is drawn in the server's new order.
      await draft.locator("textarea").fill(JSON.stringify(VIP_RULE));
      await draft.locator("button.primary").click();
      await page.locator(`li.rule[data-rule="${VIP_RULE.name}"]`).waitFor();
      await page.click(`li.rule[data-rule="${VIP_RULE.name}"] button:has-text("Move up")`);
      await page.locator(`li.rule[data-rule="${VIP_RULE.name}"]:first-child`).waitFor();
      assert.deepEqual(
        await page.locator("li.rule h3").allTextContents(),
        [VIP_RULE.name, CRASH_RULE.name],
      );

      // The dry run on the stored ticket names the rule that fired and why.
      const dryRun = page.locator(".dry-run form");
      await dryRun.locator("input[name=ticketId]").fill(ticket.id);
      await retryUntil(
        page,
        ".dry-run button[type=submit]",
        `.dry-run-result tr[data-fired=true]:has-text("${CRASH_RULE.name}")`,
      );
      assert.match(
        (await page.locator(".dry-run-result tr[data-fired=true]").textContent())!,
        /keyword "crash" in subject/,
      );
      assert.match(
        (await page.locator(".dry-run-result tr[data-fired=false]").textContent())!,
        new RegExp(VIP_RULE.name),
      );
      await shot(stack, page, "4-rules-dry-run");
      // A made-up ticket in Chinese, no ticket id: the keyword matches inside the sentence.
      await dryRun.locator("input[name=ticketId]").fill("");
      await dryRun.locator("input[name=subject]").fill("打开大文件时崩溃了");
      await dryRun.locator("button[type=submit]").click();
      await page.locator(".dry-run-result tr[data-fired=true]", { hasText: "崩溃" }).waitFor();
      assert.deepEqual(await seriousViolations(page), [], "rules");

      await openTab(page, "sla");
      await page.fill('input[name="urgent.firstResponseMinutes"]', "60");
      await page.fill('input[name="urgent.resolutionMinutes"]', "240");
      await page.fill('input[name="urgent.warnAtPercent"]', "150");
      await page.click("#tab-sla form button[type=submit] >> nth=0");
      await page.locator("#tab-sla form .error", { hasText: "invalid_sla_target" }).waitFor();
      await page.fill('input[name="urgent.warnAtPercent"]', "80");
      await page.click("#tab-sla form button[type=submit] >> nth=0");
      // Drawn again from the server: the attribute (not the typed value) says 60 now.
      await page.waitForSelector('input[name="urgent.firstResponseMinutes"][value="60"]');
      const policies = await fetch(`${stack.gatewayUrl}/api/routing/v1/routing/sla/policies`, {
        headers: { authorization: `Bearer ${await stack.token("boss", "admin")}` },
      }).then((r) => r.json());
      assert.deepEqual(policies.policies.urgent, {
        firstResponseMinutes: 60,
        resolutionMinutes: 240,
        warnAtPercent: 80,
      });
      const calendar = {
        timeZone: "Asia/Shanghai",
        hours: { mon: ["09:00-18:00"], tue: ["09:00-18:00"] },
        holidays: [],
      };
      await page.fill("#tab-sla textarea[name=calendar]", JSON.stringify(calendar));
      await page.click("#tab-sla form button[type=submit] >> nth=1");
      await page.locator("#tab-sla .hint", { hasText: "This tenant's calendar." }).waitFor();
      assert.match(await page.inputValue("#tab-sla textarea[name=calendar]"), /Asia\/Shanghai/);
      await shot(stack, page, "5-sla");
      assert.deepEqual(await seriousViolations(page), [], "sla");

      await openTab(page, "keys");
      await page.locator("table[data-keys=identity] tbody tr").first().waitFor();
      await page.locator("table[data-keys=audit] tbody tr").first().waitFor();
      assert.doesNotMatch((await page.locator("#tab-keys").textContent())!, /"x"|"d"/);
      // The ticket-text keyring: KEK ids, status and data-key counts as the API has them.
      const keyring = await keyringOf(stack);
      for (const kek of keyring.keks) {
        const row = page.locator(`table[data-keys=keyring] tr[data-kek="${kek.id}"]`);
        assert.equal((await row.locator("td").nth(3).textContent())!.trim(), kek.status);
        assert.equal((await row.locator("td").nth(4).textContent())!.trim(), String(kek.dataKeys));
      }
      assert.ok(keyring.keks.some((k: { dataKeys: number }) => k.dataKeys >= 1));
      const file = JSON.parse(await Deno.readTextFile(`${stack.dataDir}/keyring.json`));
      const shown = (await page.locator("#tab-keys").textContent())!;
      for (const secret of Object.values(file.keys).flatMap((k) => Object.values(k as object))) {
        assert.ok(typeof secret !== "string" || secret.length < 40 || !shown.includes(secret));
      }
      assert.ok(!shown.includes(file.searchKey), "no key material on the page");
      // Rewrap: started from the page, followed to the end, recorded as the admin's fact.
      await page.click("#tab-keys .rewrap button");
      const checked = keyring.keks.reduce(
        (n: number, k: { dataKeys: number }) => n + k.dataKeys,
        0,
      );
      await page.locator("#tab-keys .rewrap-status", {
        hasText: new RegExp(`^Last rewrap .*: ${checked} checked, 0 rewrapped`),
      }).waitFor({ timeout: 20_000 });
      assert.equal((await keyringOf(stack)).rewrap.state, "done");
      const nc = await connect(natsServerOptions(stack.natsUrl));
      try {
        const facts = await recordedActivity(await jetstreamManager(nc), "tickets.key.rewrapped");
        assert.deepEqual(facts.map((f) => [f.tenant, f.actor.id, f.outcome]), [[
          "system",
          adminId,
          "ok",
        ]]);
      } finally {
        await nc.close();
      }
      await shot(stack, page, "6-keys");
      assert.deepEqual(await seriousViolations(page), [], "keys");

      // Audit: the admin's own rule change, found by actor and action, then as CSV.
      await openTab(page, "audit");
      await page.fill("#tab-audit input[name=actor]", adminId);
      await page.fill("#tab-audit input[name=action]", "routing.rule.saved");
      // Typed in the viewer's zone (Asia/Shanghai, UTC+8): an hour ago there, sent as UTC.
      await page.fill("#tab-audit input[name=from]", shanghaiLocal(Date.now() - 3_600_000));
      await retryUntil(
        page,
        "#tab-audit button[type=submit]",
        `#tab-audit tr[data-action="routing.rule.saved"]`,
      );
      assert.match(
        (await page.locator("#tab-audit tbody tr").first().textContent())!,
        new RegExp(`${adminId} \\(admin\\)`),
      );
      await page.click("#tab-audit button:has-text('Export CSV')");
      const [download] = await Promise.all([
        page.waitForEvent("download"),
        page.click("#tab-audit a.csv"),
      ]);
      const csv = await Deno.readTextFile((await download.path())!);
      assert.match(csv, /^at,tenant,stream,seq/);
      assert.match(csv, /routing\.rule\.saved/);
      await shot(stack, page, "7-audit");
      await page.fill("#tab-audit input[name=from]", "");
      await page.fill("#tab-audit input[name=to]", shanghaiLocal(Date.now() - 3_600_000));
      await page.click("#tab-audit button[type=submit]");
      await page.locator("#tab-audit .audit-results", { hasText: "No entries match." }).waitFor();
      assert.deepEqual(await seriousViolations(page), [], "audit");

      await page.selectOption("#language", "zh");
      await page.locator("#tabs button[data-tab=rules]", { hasText: "路由规则" }).waitFor();
      await page.locator("#tab-audit h2", { hasText: "审计" }).waitFor();
      await shot(stack, page, "8-chinese");
      // Priorities and triggers read in the page's language too, not as their API names.
      await openTab(page, "sla");
      await page.locator("#tab-sla th[scope=row]", { hasText: "紧急" }).waitFor();
      await openTab(page, "rules");
      const triggers = await page.locator("select[name=trigger] option").allTextContents();
      assert.deepEqual(triggers, ["创建时", "更新时", "SLA 预警", "SLA 违约"]);
      await context.close();
    } finally {
      await stack.stop();
    }
  },
});

Deno.test({
  name: "admin pages - an agent opening /admin/ is told it is not allowed, and the APIs refuse",
  sanitizeOps: false,
  sanitizeResources: false,
  async fn() {
    const stack = await startConsoleStack();
    try {
      const context = await stack.browser.newContext({ locale: "en-US" });
      const page = await context.newPage();
      await signInToAdmin(stack, page, AGENT.username, AGENT.password);
      await page.locator("#refused:not([hidden])", { hasText: "Not allowed" }).waitFor();
      assert.match((await page.textContent("#refused-text"))!, /agent/);
      assert.equal(await page.locator("#tabs:not([hidden])").count(), 0);
      await shot(stack, page, "9-refused");
      assert.deepEqual(await seriousViolations(page), [], "refused");

      const agent = `Bearer ${await stack.token("alice", "agent", [AGENT.group])}`;
      const rule = await fetch(`${stack.gatewayUrl}/api/routing/v1/routing/rules`, {
        method: "POST",
        headers: { authorization: agent, "content-type": "application/json" },
        body: JSON.stringify(CRASH_RULE),
      });
      assert.equal(rule.status, 403);
      assert.equal((await rule.json()).code, "forbidden");
      const audit = await fetch(`${stack.gatewayUrl}/api/audit/v1/audit/entries`, {
        headers: { authorization: agent },
      });
      assert.equal(audit.status, 403);
      await audit.body?.cancel();
      await context.close();
    } finally {
      await stack.stop();
    }
  },
});
