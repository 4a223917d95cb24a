/**
 * The cost of the process boundary, in one run: FAQ-bot turn round trips through the current
 * host (a process per plugin) and through the host of an earlier revision (default `1d1d8ad^`,
 * a Web Worker per plugin), in alternating rounds so both see the same machine load.
 * `deno run -A --unstable-worker-options services/sessions/bots/tools/turn_bench.ts [rev] [turns]`
 * @module
 */
import { type BotTurnInput, loadPluginHost, type PluginHost } from "../plugin_host.ts";
import { loadBotHostSettings } from "../settings.ts";
import { pluginPids } from "../testing.ts";

const [rev = "1d1d8ad^", turnsArg = "200"] = Deno.args;
const TURNS = Number(turnsArg);
const ROUNDS = 4;
const QUESTIONS = [
  "How do I cancel my order?",
  "I want my money back for the last purchase",
  "where can I find my invoice",
  "can I change the shipping address of my order",
  "my payment did not go through",
  "how do I reset the password of my account",
  "what are your opening hours",
  "I want to talk to a human",
];

type Load = typeof loadPluginHost;
interface Run {
  host: PluginHost;
  plugin: string;
  startMs: number;
  memoryMb: number;
  samples: number[];
}

const repo = new URL("../../../../", import.meta.url).pathname;
const earlier = await exportSessions(rev);
try {
  const earlierHost = await import(`${earlier}/services/sessions/bots/plugin_host.ts`);
  const loaders: [string, string, Load][] = [
    [`worker (${rev})`, earlier, earlierHost.loadPluginHost],
    ["process (this tree)", repo, loadPluginHost],
  ];
  const runs = new Map<string, Run>();
  // faq: the built-in bot; hanging answers "awake" at once, so it shows the boundary alone
  for (const [plugin, folder] of [["faq", "plugins"], ["hanging", "bots/testdata/plugins"]]) {
    for (const [name, root, load] of loaders) {
      const pluginsDir = `${root}/services/sessions/${folder}/`;
      const host = await load({ settings: { ...loadBotHostSettings({}), pluginsDir }, env: {} });
      const startMs = await timed(() => host.turn(plugin, turn(0)));
      const memoryMb = root === repo ? await childRssMb(plugin) : NaN; // a worker shares ours
      runs.set(`${plugin}, ${name}`, { host, plugin, startMs, memoryMb, samples: [] });
    }
  }
  for (let round = 0; round < ROUNDS; round++) {
    for (const run of runs.values()) {
      for (let i = 0; i < TURNS / ROUNDS; i++) {
        run.samples.push(await timed(() => run.host.turn(run.plugin, turn(i))));
      }
    }
  }
  for (const [name, run] of runs) {
    const sorted = run.samples.sort((a, b) => a - b);
    const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
    console.log(
      `${name}: ${sorted.length} turns, p50 ${at(0.5).toFixed(2)} ms, p99 ${
        at(0.99).toFixed(2)
      } ms, first turn (waits for the start) ${run.startMs.toFixed(0)} ms, plugin process RSS ${
        Number.isNaN(run.memoryMb) ? "n/a (in ours)" : `${run.memoryMb.toFixed(0)} MB`
      }`,
    );
    await run.host.close();
  }
} finally {
  await Deno.remove(earlier, { recursive: true });
}

/** Resident memory of the plugin's process (the worker's is part of this process's growth). */
async function childRssMb(plugin: string): Promise<number> {
  const [pid] = await pluginPids(plugin);
  const status = await Deno.readTextFile(`/proc/${pid}/status`);
  return Number(/VmRSS:\s+(\d+)/.exec(status)?.[1]) / 1024;
}

function turn(i: number): BotTurnInput {
  const text = QUESTIONS[i % QUESTIONS.length];
  return {
    conversation: { tenant: "1", conversationId: String(i), customerId: "c-1", status: "bot" },
    transcript: [{ from: { role: "customer", id: "c-1" }, text, at: new Date().toISOString() }],
  };
}

async function timed(work: () => Promise<unknown>): Promise<number> {
  const started = performance.now();
  const result = await work();
  if (typeof result === "object" && result !== null && "failed" in result) {
    throw new Error(`a bench turn failed: ${JSON.stringify(result)}`);
  }
  return performance.now() - started;
}

/** `services/sessions` of `rev`, exported into a temporary folder. */
async function exportSessions(rev: string): Promise<string> {
  const dir = await Deno.makeTempDir({ prefix: "ticketd-bots-bench-" });
  const archive = new Deno.Command("git", {
    args: ["archive", "--format=tar", rev, "services/sessions"],
    cwd: repo,
    stdout: "piped",
  }).spawn();
  const untar = new Deno.Command("tar", { args: ["-x", "-C", dir], stdin: "piped" }).spawn();
  await archive.stdout.pipeTo(untar.stdin);
  if (!(await archive.status).success || !(await untar.status).success) {
    throw new Error(`git archive ${rev} failed`);
  }
  return dir;
}
