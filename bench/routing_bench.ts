/**
 * Routing's in-process figures: the whole routing decision (20 rules, the bootstrap models, the
 * plan and an agent picked among 50) on real tickets, the similar-ticket index at scale
 * (`bench/similar_bench.ts`) and SLA timer memory (`services/routing/sla/measure_timers.ts`).
 *
 *   deno run -A --v8-flags=--expose-gc bench/routing_bench.ts [--quick] [--similar-tickets N]
 *   (prints one JSON line; --quick: fewer decisions, 100,000 tickets indexed)
 * @module
 */
import { seededRandom } from "@ticketd/shared/runtime/seeded_random.ts";
import { parseArgs } from "node:util";
import type { AssignmentCandidate, PresenceStatus } from "../services/routing/domain/assignment.ts";
import { pickAgent } from "../services/routing/domain/assignment.ts";
import { assignmentNeed } from "../services/routing/domain/assignment_need.ts";
import { planRoute, withAgent } from "../services/routing/domain/route_plan.ts";
import type { RoutingTicket } from "../services/routing/domain/routing_ticket.ts";
import { evaluateRules } from "../services/routing/domain/rules/evaluate.ts";
import { parseRule, type Rule } from "../services/routing/domain/rules/rule_schema.ts";
import { DEFAULT_RULE_LIMITS, validateRuleSet } from "../services/routing/domain/rules/validate.ts";
import { ModelBook } from "../services/routing/model_book.ts";
import { clip, type CorpusDoc, loadCorpus } from "./corpus.ts";
import { runSimilarBench } from "./similar_bench.ts";
import { runBenchChild } from "./bench_child.ts";

const MODELS = new URL("../services/routing/models/", import.meta.url).pathname;
const TIMERS = new URL("../services/routing/sla/measure_timers.ts", import.meta.url).pathname;
const TIME_ZONE = "Asia/Shanghai";
const BODY_CHARS = 4_000;
const CUSTOM_FIELDS = {
  plan: { type: "choice", options: ["free", "pro", "gold"] },
  region: { type: "text" },
};
const GROUPS = ["hadoop", "browser", "editor", "security", "account", "cards", "transfers"];
const SKILLS = ["stability", "java", "concurrency", "performance", "gold"];

export interface RoutingBenchOptions {
  decisions: number;
  warmup: number;
  similarTickets: number;
  similarQueries: number;
  slaTickets: number;
}

export const FULL: RoutingBenchOptions = {
  decisions: 5_000,
  warmup: 1_000,
  similarTickets: 1_000_000,
  similarQueries: 2_000,
  slaTickets: 1_000_000,
};
export const QUICK: RoutingBenchOptions = {
  decisions: 2_000,
  warmup: 500,
  similarTickets: 100_000,
  similarQueries: 1_000,
  slaTickets: 100_000,
};

/** Every routing figure of the bench; the similar and SLA parts as their scripts report them. */
export async function runRoutingBench(options: RoutingBenchOptions) {
  const decision = await runDecisionBench(await loadCorpus(), options);
  const similar = await runSimilarBench({
    tickets: options.similarTickets,
    queries: options.similarQueries,
  });
  return { decision, similar, sla: await measureSlaTimers(options.slaTickets) };
}

export type RoutingBenchFigures = Awaited<ReturnType<typeof runRoutingBench>>;

/** Times `decisions` whole routing decisions (after `warmup` unreported ones), as the router makes them. */
export async function runDecisionBench(docs: CorpusDoc[], options: RoutingBenchOptions) {
  const rules = benchRules();
  const models = await ModelBook.open(MODELS, null);
  const random = seededRandom(7);
  const agents = benchAgents(random);
  const staffed = new Set(agents.flatMap((c) => c.agent.groups));
  const tickets = Array.from(
    { length: options.warmup + options.decisions },
    (_, i) => benchTicket(docs[Math.floor(random() * docs.length)], i, random),
  );
  const latencies: number[] = [];
  const partMs = { rules: 0, model: 0, planAndAgent: 0 };
  let fired = 0, assigned = 0, changed = 0;
  for (const [i, ticket] of tickets.entries()) {
    const now = Date.parse("2026-03-02T00:00:00Z") + i * 7_919_000; // ~2.2 h apart: every hour
    const started = performance.now();
    const evaluation = evaluateRules(rules, ticket, {
      trigger: "created",
      now,
      timeZone: TIME_ZONE,
    });
    const firedIds = evaluation.rules.filter((r) => r.fired).map((r) => r.ruleId);
    const ruled = performance.now();
    // As the router: the model may only name a queue the tenant staffs.
    const { groupId, priority } = models.guess(ticket, { queue: true, priority: true });
    const guess = groupId && staffed.has(groupId) ? { groupId, priority } : { priority };
    const guessed = performance.now();
    let plan = planRoute(ticket, { ...evaluation.actions, fired: firedIds }, guess);
    let choice = null;
    if (plan.needsAgent) {
      choice = pickAgent(assignmentNeed(ticket, plan.groupId), candidatesNow(agents));
      if (choice) plan = withAgent(plan, choice.agentId, choice.why);
    }
    const ended = performance.now();
    settleLoads(agents, choice?.agentId, random);
    if (i < options.warmup) continue;
    latencies.push(ended - started);
    partMs.rules += ruled - started;
    partMs.model += guessed - ruled;
    partMs.planAndAgent += ended - guessed;
    fired += firedIds.length;
    if (plan.changes.length > 0) changed++;
    if (choice) assigned++;
  }
  const n = latencies.length;
  latencies.sort((a, b) => a - b);
  const at = (q: number) => round(latencies[Math.min(n - 1, Math.floor(q * n))] ?? 0);
  return {
    decisions: n,
    rules: rules.length,
    agents: agents.length,
    meanBodyChars: Math.round(tickets.reduce((a, t) => a + t.body.length, 0) / tickets.length),
    firedPerDecision: round(fired / n),
    changedShare: round(changed / n),
    assignedShare: round(assigned / n),
    meanMsByPart: Object.fromEntries(
      Object.entries(partMs).map(([part, total]) => [part, round(total / n)]),
    ),
    p50Ms: at(0.5),
    p95Ms: at(0.95),
    p99Ms: at(0.99),
    maxMs: at(1),
    targetP99Ms: 10,
  };
}

/** SLA timers' memory per tracked ticket, from the measuring script in its own process. */
export async function measureSlaTimers(tickets: number) {
  const output = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", "--v8-flags=--expose-gc", TIMERS, String(tickets)],
    stdout: "piped",
    stderr: "inherit",
  }).output();
  if (!output.success) throw new Error(`measure_timers.ts failed (exit ${output.code})`);
  const line = new TextDecoder().decode(output.stdout).trim().split("\n").at(-1)!;
  const r = JSON.parse(line);
  return {
    tickets: r.tickets as number,
    bytesPerTicket: r.bytesPerTicket as number,
    trackMicrosecondsEach: r.trackMicrosecondsEach as number,
  };
}

/**
 * Runs this file as a child (so the index's memory goes when it exits, and gc is exposed), with
 * `similarTickets` in the similar index.
 */
export async function runRoutingBenchChild(
  quick: boolean,
  similarTickets: number,
): Promise<RoutingBenchFigures> {
  return await runBenchChild(import.meta.url, [
    `--similar-tickets=${similarTickets}`,
    ...(quick ? ["--quick"] : []),
  ], ["--v8-flags=--expose-gc"]);
}

/** 20 rules of the kinds a support team writes: keywords (Chinese too), regex, tags, fields, time. */
export function benchRules(): Rule[] {
  const kw = (any: string[], inSources?: string[]) => ({
    type: "keywords",
    any,
    ...(inSources ? { in: inSources } : {}),
  });
  const re = (pattern: string, flags = "") => ({ type: "regex", pattern, flags });
  const tags = (...t: string[]) => ({ type: "add_tags", tags: t });
  const field = (f: string, op: string, value?: unknown) => ({
    type: "field",
    field: f,
    op,
    value,
  });
  // deno-fmt-ignore
  const bodies = [
    { name: "crash is urgent", conditions: [kw(["崩溃", "闪退", "数据丢失", "crash", "crashes"])], actions: [{ type: "set_priority", priority: "urgent" }, tags("skill:stability")] },
    { name: "data loss", conditions: [kw(["data loss", "corrupt", "corruption", "丢失"])], actions: [{ type: "set_priority", priority: "high" }, tags("data")] },
    { name: "java exceptions", conditions: [re("\\b(NullPointerException|IllegalStateException|OutOfMemoryError)\\b")], actions: [tags("skill:java")] },
    { name: "stack trace", conditions: [re("\\bat [a-z]+(\\.[A-Za-z_$]+)+\\(")], actions: [tags("has-trace")] },
    { name: "hadoop", conditions: [kw(["namenode", "datanode", "hdfs", "yarn", "mapreduce"])], actions: [{ type: "set_group", groupId: "hadoop" }] },
    { name: "browser", conditions: [kw(["browser", "firefox", "mozilla", "seamonkey", "bookmark"])], actions: [{ type: "set_group", groupId: "browser" }] },
    { name: "editor (zh)", conditions: [kw(["编辑器", "插件", "扩展", "终端", "vscode"])], actions: [{ type: "set_group", groupId: "editor" }, tags("lang:zh")] },
    { name: "security", conditions: [kw(["security", "vulnerability", "xss", "漏洞", "安全"])], actions: [{ type: "set_priority", priority: "urgent" }, { type: "set_group", groupId: "security" }, { type: "notify", target: "group:security" }] },
    { name: "vip first", conditions: [{ type: "tags", op: "has", tags: ["vip"] }], actions: [{ type: "set_priority", priority: "high" }] },
    { name: "gold plan", conditions: [field("fields.plan", "eq", "gold")], actions: [tags("skill:gold")] },
    { name: "live channels", conditions: [field("channel", "in", ["chat", "phone"])], actions: [tags("realtime")] },
    { name: "after hours", conditions: [{ type: "time_of_day", from: "22:00", to: "06:00" }], actions: [tags("after-hours")] },
    { name: "weekend", conditions: [{ type: "weekday", days: ["sat", "sun"] }], actions: [tags("weekend")] },
    { name: "performance", conditions: [{ type: "any", conditions: [kw(["slow", "performance", "性能", "卡顿"]), re("\\b\\d+(\\.\\d+)? ?(ms|seconds)\\b")] }], actions: [tags("skill:performance")] },
    { name: "triage high", conditions: [field("priority", "in", ["high", "urgent"]), { type: "tags", op: "has_not", tags: ["vip"] }], actions: [{ type: "notify", target: "group:triage" }] },
    { name: "region cn", conditions: [field("fields.region", "eq", "cn")], actions: [tags("region:cn")] },
    { name: "versioned", conditions: [re("\\b\\d+\\.\\d+\\.\\d+\\b")], actions: [tags("versioned")] },
    { name: "account", conditions: [kw(["password", "login", "登录", "密码", "account"], ["subject"])], actions: [{ type: "set_group", groupId: "account" }] },
    { name: "links", conditions: [{ ...re("https?://[^\\s]+"), in: ["body"] }], actions: [tags("has-link")] },
    { name: "hangs", conditions: [re("\\b(deadlock|hang|freeze)s?\\b", "i")], actions: [{ type: "set_priority", priority: "high" }, tags("skill:concurrency")] },
  ];
  const rules = bodies.map((body, i) => ({ ...parseRule(body), id: String(1_000 + i) }));
  validateRuleSet(rules, { customFields: CUSTOM_FIELDS, limits: DEFAULT_RULE_LIMITS });
  return rules;
}

/** 50 agents over the groups, with skills, English and/or Chinese, loads and presence. */
function benchAgents(random: () => number): AssignmentCandidate[] {
  const statuses: PresenceStatus[] = ["online", "online", "online", "away", "offline"];
  return Array.from({ length: 50 }, (_, i) => {
    const capacity = 5 + (i % 4) * 5;
    return {
      agent: {
        tenant: "bench",
        agentId: String(9_000 + i),
        displayName: `Agent ${i}`,
        skills: SKILLS.filter(() => random() < 0.4),
        languages: i % 3 === 0 ? ["zh-CN", "en"] : i % 3 === 1 ? ["en"] : ["zh-CN"],
        groups: [GROUPS[i % GROUPS.length], GROUPS[(i * 3 + 1) % GROUPS.length]],
        capacity,
        active: i % 17 !== 0,
      },
      status: statuses[i % statuses.length],
      load: Math.floor(random() * capacity),
      lastAssignedAt: i % 7 === 0 ? null : 1_772_000_000_000 + Math.floor(random() * 1e8),
    };
  });
}

/** The candidates as the router builds them for every decision (fresh objects each time). */
function candidatesNow(agents: AssignmentCandidate[]): AssignmentCandidate[] {
  return agents.map((c) => ({ ...c }));
}

/** The chosen agent holds one more ticket; a random agent finishes one (a steady state). */
function settleLoads(
  agents: AssignmentCandidate[],
  chosen: string | undefined,
  random: () => number,
) {
  const taker = agents.find((c) => c.agent.agentId === chosen);
  if (taker) taker.load = Math.min(taker.agent.capacity, taker.load + 1);
  const finisher = agents[Math.floor(random() * agents.length)];
  finisher.load = Math.max(0, finisher.load - 1);
}

function benchTicket(doc: CorpusDoc, i: number, random: () => number): RoutingTicket {
  const at = new Date(Date.parse("2026-03-02T00:00:00Z") + i * 60_000).toISOString();
  const plans = ["free", "pro", "gold"];
  const channels = ["email", "web", "chat", "api", "phone"];
  const channel = channels[Math.floor(random() * channels.length)];
  return {
    tenant: "bench",
    ticketId: String(7_400_000_000_000_000_000n + BigInt(i)),
    number: i + 1,
    requesterId: String(100 + Math.floor(random() * 2_000)),
    status: "new",
    priority: doc.priority,
    tags: random() < 0.1 ? ["vip"] : [],
    assigneeId: null,
    groupId: null,
    customFields: {
      plan: plans[Math.floor(random() * plans.length)],
      region: doc.lang === "zh" ? "cn" : "us",
      channel,
    },
    channel,
    version: i + 1,
    createdAt: at,
    updatedAt: at,
    firstResponseAt: null,
    assignedAt: null,
    lastStaffReplyAt: null,
    solvedAt: null,
    subject: doc.subject,
    body: clip(doc.body, BODY_CHARS),
    lastActorRole: "customer",
  };
}

function round(value: number): number {
  return Math.round(value * 1000) / 1000;
}

if (import.meta.main) {
  const { values } = parseArgs({
    options: {
      quick: { type: "boolean", default: false },
      "similar-tickets": { type: "string" },
    },
  });
  const options = values.quick ? QUICK : FULL;
  const similarTickets = Number(values["similar-tickets"] ?? options.similarTickets);
  console.log(JSON.stringify(await runRoutingBench({ ...options, similarTickets })));
}
