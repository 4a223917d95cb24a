/**
 * The sessions service's speed and memory (issue 5): idle WebSocket connections and the service
 * memory each costs, delivery latency of chat messages between a customer's and an agent's
 * sockets under a steady rate, and a soak sampling the service's RSS. The service runs as
 * `deno task start` does (services/main.ts, its own nats-server and database, the bot off); the
 * idle sockets live in a worker of this process, the measured conversations on its main thread.
 *
 *   deno run -A --unstable-net --unstable-worker-options --v8-flags=--expose-gc \
 *     bench/sessions_bench.ts [--quick] [--connections N] [--rate N] [--seconds N] [--soak-minutes N]
 *   (prints one JSON line; progress on stderr)
 * @module
 */
import { parseArgs } from "node:util";
import { type DevKeys, loadOrCreateDevKeys, mintDevToken } from "@ticketd/shared/http/dev_keys.ts";
import type { Role } from "@ticketd/shared/events/tickets.ts";
import { freePort } from "@ticketd/shared/runtime/free_port.ts";
import { Cleanup } from "./cleanup.ts";
import { cpuSnapshot, cpuUsage, type ProcessCpu, waitForQuiet } from "./cpu.ts";
import { createDatabase, startNats, startService } from "./environment.ts";
import { runBenchChild } from "./bench_child.ts";

export interface SessionsBenchOptions {
  /** Idle sockets (customer tokens, authenticated, attached to nothing). */
  connections: number;
  /** Conversations carrying the measured messages, each with a customer and an agent socket. */
  conversations: number;
  /** Messages per second during the latency phase, and its length. */
  rate: number;
  seconds: number;
  /** The soak: its length (0 skips it) and its steady rate. */
  soakMinutes: number;
  soakRate: number;
}

export const FULL: SessionsBenchOptions = {
  connections: 10_000,
  conversations: 500,
  rate: 1_000,
  seconds: 30,
  soakMinutes: 10,
  soakRate: 200,
};
export const QUICK: SessionsBenchOptions = {
  connections: 2_000,
  conversations: 200,
  rate: 1_000,
  seconds: 10,
  soakMinutes: 1,
  soakRate: 200,
};

const TENANT = "chat";
const PING_EVERY_MS = 60_000; // what a widget does to stay under the 120 s idle limit
const OPEN_CONCURRENCY = 100;
const SAMPLE_EVERY_MS = 10_000;
const DRAIN_MS = 5_000;
const CLOSED_SETTLE_MS = 15_000;
const MiB = 1_048_576;

/** Runs every phase against a service started in `tmp`; what it starts is undone by `cleanup`. */
export async function runSessionsBench(
  o: SessionsBenchOptions,
  tmp: string,
  cleanup: Cleanup,
) {
  const fdLimit = openFileLimit();
  const sockets = o.connections + 2 * o.conversations;
  if (sockets + 500 > fdLimit) {
    throw new Error(`${sockets} sockets need more than the open-file limit ${fdLimit} allows`);
  }
  const nats = await startNats(tmp, cleanup);
  const databaseUrl = await createDatabase(cleanup);
  const inspectPort = freePort();
  const service = await startService({
    natsUrl: nats.url,
    databaseUrl,
    dataDir: `${tmp}/service`,
    extraArgs: [`--inspect=127.0.0.1:${inspectPort}`],
    extra: {
      TICKETD_ROUTING_PORT: "0",
      TICKETD_SESSIONS_PORT: "0",
      TICKETD_SESSIONS_BOT: "", // the transport and fan-out, not a bot's turn
      TICKETD_SESSIONS_CONNECTIONS_PER_ADDRESS: String(sockets + 1_000), // all from 127.0.0.1
    },
  }, cleanup);
  const base = await waitForFile(`${service.dataDir}/sessions.url`);
  const wsUrl = `${base.replace(/^http/, "ws")}/sessions/socket`;
  const keys = await loadOrCreateDevKeys(service.dataDir);
  const inspector = new Inspector(inspectPort);
  const pids = { service: service.pid, "nats-server": nats.pid, "bench (clients)": Deno.pid };
  const background: Record<string, number> = {};

  progress("warm-up: 200 sockets opened and closed (not reported) …");
  await warmUp(wsUrl, keys);
  background.idle = await waitForQuiet("the idle connections");
  const before = await inspector.memory(true);
  progress(`${o.connections} idle sockets (in a worker) …`);
  const idle = await IdleSockets.start(wsUrl, keys, o.connections);
  cleanup.add("idle sockets", () => idle.stop());
  const after = await inspector.memory(true);
  const memory = perConnection(before, after, idle.opened);

  progress(`${o.conversations} conversations, a customer and an agent socket each …`);
  const pairs = await openPairs(base, wsUrl, keys, o.conversations);
  const tracker = new DeliveryTracker(pairs);
  await drive(tracker, Math.min(o.rate, 200), 3); // warm-up, not reported
  background.latency = await waitForQuiet("the delivery latency load");
  progress(`${o.rate} messages/s for ${o.seconds} s …`);
  const cpuBefore = await cpuSnapshot(pids);
  const latency = await drive(tracker, o.rate, o.seconds);
  const cpu = cpuUsage(cpuBefore, await cpuSnapshot(pids));

  let soak = null;
  if (o.soakMinutes > 0) {
    background.soak = await waitForQuiet("the soak");
    progress(`soak: ${o.soakRate} messages/s for ${o.soakMinutes} min, RSS every 10 s …`);
    soak = await runSoak(tracker, inspector, service.pid, pids, o);
  }
  const dropped = idle.dropped;
  await idle.stop();
  for (const pair of pairs) pair.customer.close(), pair.agent.close();
  await delay(CLOSED_SETTLE_MS); // the server lets go of a closed socket some seconds later
  const closed = await inspector.memory(true);
  return {
    options: o,
    method: "service process as deno task start (own nats-server and database, bot off); " +
      "idle sockets in a worker of the bench process, measured sockets on its main thread",
    fdLimit,
    background,
    idle: { ...idle.summary(), droppedDuringRun: dropped },
    memory: { ...memory, afterClosingAll: mib(closed) },
    latency: { ...latency, cpu },
    soak,
  };
}

export type SessionsFigures = Awaited<ReturnType<typeof runSessionsBench>>;

/** Runs this file in a child process (it needs its own flags) and returns its figures. */
export async function runSessionsBenchChild(o: SessionsBenchOptions): Promise<SessionsFigures> {
  return await runBenchChild(import.meta.url, [
    `--connections=${o.connections}`,
    `--conversations=${o.conversations}`,
    `--rate=${o.rate}`,
    `--seconds=${o.seconds}`,
    `--soak-minutes=${o.soakMinutes}`,
    `--soak-rate=${o.soakRate}`,
  ], ["--unstable-net", "--unstable-worker-options", "--v8-flags=--expose-gc"]);
}

// ---------------------------------------------------------------------------------------------
// Memory

interface Memory {
  rss: number;
  heapUsed: number;
  heapTotal: number;
  external: number;
}

function perConnection(before: Memory, after: Memory, opened: number) {
  const each = (key: keyof Memory) => Math.round((after[key] - before[key]) / Math.max(1, opened));
  return {
    beforeMiB: mib(before),
    afterMiB: mib(after),
    bytesPerConnection: {
      rss: each("rss"),
      heapUsed: each("heapUsed"),
      external: each("external"),
    },
  };
}

function mib(m: Memory) {
  const r = (n: number) => Math.round((n / MiB) * 10) / 10;
  return {
    rss: r(m.rss),
    heapUsed: r(m.heapUsed),
    heapTotal: r(m.heapTotal),
    external: r(m.external),
  };
}

/**
 * The service's V8 inspector (`--inspect`): full collections and `Deno.memoryUsage()`. A session
 * is attached only for the reading: while one is, Deno reports every socket frame to it (8 % of
 * the service's time in a profile under this load), which would be measured as latency.
 */
class Inspector {
  constructor(private readonly port: number) {}

  /** The service's memory, after two full collections when `gc`. */
  async memory(gc: boolean): Promise<Memory> {
    const targets = await (await fetch(`http://127.0.0.1:${this.port}/json/list`)).json();
    const ws = new WebSocket(targets[0].webSocketDebuggerUrl);
    await new Promise((resolve, reject) => (ws.onopen = resolve, ws.onerror = reject));
    const replies = new Map<number, (result: unknown) => void>();
    ws.onmessage = (e) => {
      const reply = JSON.parse(e.data);
      replies.get(reply.id)?.(reply.result ?? reply.error);
    };
    let next = 1;
    const call = (method: string, params: Record<string, unknown> = {}) => {
      const id = next++;
      ws.send(JSON.stringify({ id, method, params }));
      return new Promise((resolve) => replies.set(id, resolve));
    };
    try {
      if (gc) {
        await call("HeapProfiler.collectGarbage");
        await call("HeapProfiler.collectGarbage");
      }
      const reply = await call("Runtime.evaluate", {
        expression: "JSON.stringify(Deno.memoryUsage())",
        returnByValue: true,
      }) as { result: { value: string } };
      return JSON.parse(reply.result.value);
    } finally {
      ws.close();
    }
  }
}

/** The service's resident set from /proc (no collection, no inspector round trip). */
async function processRss(pid: number): Promise<number> {
  const status = await Deno.readTextFile(`/proc/${pid}/status`);
  return Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0) * 1024;
}

// ---------------------------------------------------------------------------------------------
// Sockets

type Frame = { type: string; [key: string]: unknown };

/** A client socket authenticated with its first frame; frames go to `onFrame` after `ready`. */
class BenchSocket {
  onFrame: (frame: Frame) => void = () => {};
  #waiters: { test: (f: Frame) => boolean; resolve: (f: Frame) => void }[] = [];

  private constructor(readonly ws: WebSocket, readonly role: Role) {
    ws.onmessage = (e) => {
      const frame = JSON.parse(e.data) as Frame;
      const i = this.#waiters.findIndex((w) => w.test(frame));
      if (i >= 0) return this.#waiters.splice(i, 1)[0].resolve(frame);
      this.onFrame(frame);
    };
  }

  static async open(url: string, token: string, role: Role): Promise<BenchSocket> {
    const ws = new WebSocket(url);
    const socket = new BenchSocket(ws, role);
    const ready = socket.next((f) => f.type === "ready");
    await new Promise((resolve, reject) => {
      ws.onopen = resolve;
      ws.onerror = () => reject(new Error("socket error before open"));
      ws.onclose = (e) => reject(new Error(`closed before ready: ${e.code} ${e.reason}`));
    });
    socket.send({ type: "auth", token });
    await ready;
    return socket;
  }

  /** The next frame passing `test` (not given to `onFrame`); throws after `ms`. */
  next(test: (f: Frame) => boolean, ms = 10_000): Promise<Frame> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no frame in ${ms} ms`)), ms);
      this.#waiters.push({ test, resolve: (f) => (clearTimeout(timer), resolve(f)) });
      this.ws.addEventListener("close", () => (clearTimeout(timer), reject(new Error("closed"))));
    });
  }

  send(frame: Record<string, unknown>): void {
    this.ws.send(JSON.stringify(frame));
  }

  close(): void {
    if (this.ws.readyState === WebSocket.OPEN) this.ws.close(1000);
  }
}

function customerToken(keys: DevKeys, id: string) {
  return mintDevToken(keys, { sub: id, tenant: TENANT, role: "customer" });
}

/** Runs `task(i)` for i < n, at most `concurrency` at once; returns how many threw, and the first error. */
async function inBatches(n: number, concurrency: number, task: (i: number) => Promise<void>) {
  let next = 0, failed = 0, firstError: string | null = null;
  const lane = async () => {
    while (next < n) {
      const i = next++;
      await task(i).catch((e) => (failed++, firstError ??= String(e)));
    }
  };
  await Promise.all(Array.from({ length: concurrency }, lane));
  return { failed, firstError };
}

async function warmUp(url: string, keys: DevKeys): Promise<void> {
  const token = await customerToken(keys, "warmup");
  const sockets: BenchSocket[] = [];
  await inBatches(
    200,
    50,
    async () => void sockets.push(await BenchSocket.open(url, token, "customer")),
  );
  for (const s of sockets) s.close();
  await delay(1_000);
}

/** The idle sockets, held by a worker so their pings and opening do not share a thread with the measured ones. */
interface IdleSummary {
  opened: number;
  failed: number;
  firstError: string | null;
  seconds: number;
}

class IdleSockets {
  dropped = 0;
  #summary: IdleSummary;
  #stopped: Promise<void> | null = null;

  private constructor(readonly worker: Worker, summary: IdleSummary) {
    this.#summary = summary;
    worker.addEventListener("message", (e) => {
      if (e.data.type === "dropped") this.dropped = e.data.count;
    });
  }

  static async start(url: string, keys: DevKeys, count: number): Promise<IdleSockets> {
    const worker = new Worker(import.meta.url, { type: "module", name: IDLE_WORKER });
    const opened = new Promise<IdleSummary>((resolve, reject) => {
      worker.addEventListener("message", (e) => e.data.type === "opened" && resolve(e.data));
      worker.onerror = (e) => (e.preventDefault(), reject(new Error(e.message)));
    });
    worker.postMessage({ type: "open", url, keys, count });
    return new IdleSockets(worker, await opened);
  }

  get opened(): number {
    return this.#summary.opened;
  }

  summary() {
    const { opened, failed, firstError, seconds } = this.#summary;
    return {
      opened,
      failed,
      firstError,
      openSeconds: seconds,
      perSecond: Math.round(opened / seconds),
    };
  }

  /** Closes every socket (once), then the worker. */
  stop(): Promise<void> {
    return this.#stopped ??= (async () => {
      const closed = new Promise((resolve) =>
        this.worker.addEventListener("message", (e) => e.data.type === "closed" && resolve(null))
      );
      this.worker.postMessage({ type: "close" });
      await Promise.race([closed, delay(10_000)]);
      this.worker.terminate();
    })();
  }
}

const IDLE_WORKER = "sessions-bench-idle";

/** The worker's side: open `count` sockets, ping each once a minute, close them when told. */
function serveIdleWorker(): void {
  const scope = globalThis as unknown as {
    postMessage(message: unknown): void;
    onmessage: ((e: MessageEvent) => void) | null;
  };
  const sockets: BenchSocket[] = [];
  let dropped = 0, timers: ReturnType<typeof setTimeout>[] = [];
  scope.onmessage = async (e: MessageEvent) => {
    if (e.data.type === "close") {
      timers.forEach(clearInterval), timers = [];
      for (const s of sockets) s.ws.onclose = null, s.close();
      return scope.postMessage({ type: "closed" });
    }
    const { url, keys, count } = e.data;
    const started = performance.now();
    const result = await inBatches(count, OPEN_CONCURRENCY, async (i) => {
      const socket = await BenchSocket.open(
        url,
        await customerToken(keys, `idle-${i}`),
        "customer",
      );
      socket.ws.onclose = () => scope.postMessage({ type: "dropped", count: ++dropped });
      sockets.push(socket);
    });
    const seconds = (performance.now() - started) / 1000;
    // Spread the pings over the minute so they do not arrive together; the first within it.
    const ping = (slot: number) => {
      for (let i = slot; i < sockets.length; i += 60) sockets[i].send({ type: "ping" });
    };
    timers = Array.from({ length: 60 }, (_, slot) =>
      setTimeout(() => {
        ping(slot);
        timers.push(setInterval(() => ping(slot), PING_EVERY_MS));
      }, slot * 1_000));
    scope.postMessage({ type: "opened", opened: sockets.length, ...result, seconds });
  };
}

// ---------------------------------------------------------------------------------------------
// Delivery latency

interface Pair {
  conversationId: string;
  customer: BenchSocket;
  agent: BenchSocket;
}

/** `n` conversations opened by customers over their sockets, joined (HTTP) and attached by agents. */
async function openPairs(base: string, url: string, keys: DevKeys, n: number): Promise<Pair[]> {
  const pairs: Pair[] = [];
  const result = await inBatches(n, 25, async (i) => {
    const customer = await BenchSocket.open(
      url,
      await customerToken(keys, `customer-${i}`),
      "customer",
    );
    const opened = customer.next((f) => f.type === "opened");
    const attachedC = customer.next((f) => f.type === "attached");
    customer.send({ type: "open" });
    const { conversation } = await opened as unknown as {
      conversation: { conversationId: string };
    };
    await attachedC;
    const id = conversation.conversationId;
    const agentToken = await mintDevToken(keys, {
      sub: `agent-${i}`,
      tenant: TENANT,
      role: "agent",
    });
    const joined = await fetch(`${base}/v1/sessions/conversations/${id}/join`, {
      method: "POST",
      headers: { authorization: `Bearer ${agentToken}` },
    });
    if (!joined.ok) throw new Error(`join: ${joined.status} ${await joined.text()}`);
    const agent = await BenchSocket.open(url, agentToken, "agent");
    const attached = agent.next((f) => f.type === "attached");
    agent.send({ type: "attach", conversationId: id, afterSeq: 0 });
    await attached;
    pairs.push({ conversationId: id, customer, agent });
  });
  if (result.failed > 0) {
    throw new Error(`${result.failed} conversations failed: ${result.firstError}`);
  }
  return pairs;
}

/** Send times by message number, and what the phase under way has seen arrive. */
class DeliveryTracker {
  #sent = new Map<number, number>();
  #unacked = new Map<number, number>();
  #next = 0;
  delivery: number[] = [];
  ack: number[] = [];
  errors = 0;
  firstError: string | null = null;

  constructor(readonly pairs: Pair[]) {
    for (const pair of pairs) {
      pair.customer.onFrame = (f) => this.#frame(pair.customer, f);
      pair.agent.onFrame = (f) => this.#frame(pair.agent, f);
    }
  }

  /** Message k goes to conversation k mod n, from the customer and the agent in turn. */
  send(): void {
    const k = this.#next++;
    const n = this.pairs.length;
    const pair = this.pairs[k % n];
    const from = Math.floor(k / n) % 2 === 0 ? pair.customer : pair.agent;
    const now = performance.now();
    this.#sent.set(k, now), this.#unacked.set(k, now);
    from.send({
      type: "message",
      conversationId: pair.conversationId,
      text: `bench ${k}`,
      clientMessageId: `m${k}`,
    });
  }

  get inFlight(): number {
    return this.#sent.size;
  }

  /** Starts a phase: forgets the figures (and anything still in flight: counted lost). */
  reset(): number {
    const lost = this.#sent.size;
    this.#sent.clear(), this.#unacked.clear();
    this.delivery = [], this.ack = [], this.errors = 0, this.firstError = null;
    return lost;
  }

  #frame(socket: BenchSocket, f: Frame): void {
    const now = performance.now();
    if (f.type === "ack") {
      const k = Number(String(f.ref).slice(1));
      const at = this.#unacked.get(k);
      if (at !== undefined) this.ack.push(now - at), this.#unacked.delete(k);
    } else if (f.type === "event") {
      const event = f.event as { type: string; text?: string; from: { role: string } };
      if (event.type !== "message" || event.from.role === socket.role) return;
      const k = Number(event.text!.slice(6));
      const at = this.#sent.get(k);
      if (at === undefined) return;
      this.delivery.push(now - at);
      this.#sent.delete(k);
    } else if (f.type === "error") {
      this.errors++;
      this.firstError ??= `${f.code}: ${f.message}`;
    }
  }
}

/** An open-loop load: `rate` messages per second for `seconds`, on schedule whatever the answers. */
async function drive(tracker: DeliveryTracker, rate: number, seconds: number) {
  tracker.reset();
  const total = Math.round(rate * seconds);
  const started = performance.now();
  let sent = 0;
  while (sent < total) {
    const due = Math.min(total, Math.floor(((performance.now() - started) / 1000) * rate));
    while (sent < due) tracker.send(), sent++;
    await delay(2);
  }
  const sendSeconds = (performance.now() - started) / 1000;
  const drainUntil = performance.now() + DRAIN_MS;
  while (tracker.inFlight > 0 && performance.now() < drainUntil) await delay(10);
  return {
    rate,
    sent,
    sentPerSecond: Math.round(sent / sendSeconds),
    delivered: tracker.delivery.length,
    notDeliveredIn5s: tracker.inFlight,
    errors: tracker.errors,
    firstError: tracker.firstError,
    deliveryMs: percentiles(tracker.delivery),
    ackMs: percentiles(tracker.ack),
  };
}

function percentiles(values: number[]) {
  const v = [...values].sort((a, b) => a - b);
  const at = (q: number) => round1(v[Math.min(v.length - 1, Math.floor(q * v.length))] ?? 0);
  return { p50: at(0.5), p95: at(0.95), p99: at(0.99), max: round1(v.at(-1) ?? 0) };
}

// ---------------------------------------------------------------------------------------------
// Soak

async function runSoak(
  tracker: DeliveryTracker,
  inspector: Inspector,
  pid: number,
  pids: Record<string, number | null>,
  o: SessionsBenchOptions,
) {
  const heapStart = await inspector.memory(true);
  const samples: { atS: number; rssMiB: number; heapMiB: number }[] = [];
  const started = performance.now();
  let sampling = true;
  const sampler = (async () => {
    while (sampling) {
      const heap = (await inspector.memory(false)).heapUsed;
      const atS = Math.round((performance.now() - started) / 1000);
      samples.push({
        atS,
        rssMiB: round1((await processRss(pid)) / MiB),
        heapMiB: round1(heap / MiB),
      });
      await delay(SAMPLE_EVERY_MS - ((performance.now() - started) % SAMPLE_EVERY_MS));
    }
  })();
  const cpuBefore = await cpuSnapshot(pids);
  const load = await drive(tracker, o.soakRate, o.soakMinutes * 60);
  const cpu: ProcessCpu[] = cpuUsage(cpuBefore, await cpuSnapshot(pids));
  sampling = false;
  await sampler;
  const heapEnd = await inspector.memory(true);
  const rss = samples.map((s) => s.rssMiB);
  return {
    minutes: o.soakMinutes,
    load,
    cpu,
    samples,
    rssMiB: { first: rss[0], last: rss.at(-1)!, max: Math.max(...rss), min: Math.min(...rss) },
    rssSlopeMiBPerMinute: round1(slope(samples.map((s) => [s.atS / 60, s.rssMiB]))),
    /** The second half alone: after the heap has grown to its working size. */
    rssSlopeSecondHalfMiBPerMinute: round1(
      slope(samples.slice(Math.floor(samples.length / 2)).map((s) => [s.atS / 60, s.rssMiB])),
    ),
    heapSlopeMiBPerMinute: round1(slope(samples.map((s) => [s.atS / 60, s.heapMiB]))),
    heapAfterGcMiB: {
      start: round1(heapStart.heapUsed / MiB),
      end: round1(heapEnd.heapUsed / MiB),
    },
  };
}

/** Least-squares slope of y over x. */
function slope(points: number[][]): number {
  const n = points.length;
  if (n < 2) return 0;
  const mx = points.reduce((a, [x]) => a + x, 0) / n;
  const my = points.reduce((a, [, y]) => a + y, 0) / n;
  let num = 0, den = 0;
  for (const [x, y] of points) num += (x - mx) * (y - my), den += (x - mx) ** 2;
  return den === 0 ? 0 : num / den;
}

// ---------------------------------------------------------------------------------------------

function openFileLimit(): number {
  const limits = Deno.readTextFileSync("/proc/self/limits");
  return Number(/Max open files\s+(\d+)/.exec(limits)?.[1] ?? 1024);
}

async function waitForFile(path: string, ms = 60_000): Promise<string> {
  const deadline = performance.now() + ms;
  while (performance.now() < deadline) {
    const text = await Deno.readTextFile(path).catch(() => "");
    if (text.trim()) return text.trim();
    await delay(100);
  }
  throw new Error(`${path} did not appear in ${ms / 1000} s`);
}

function progress(message: string): void {
  console.error(`sessions: ${message}`);
}

function round1(n: number): number {
  return Math.round(n * 10) / 10;
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, Math.max(0, ms)));
}

const inWorker = (globalThis as { name?: string }).name === IDLE_WORKER;
if (inWorker) serveIdleWorker();

if (import.meta.main && !inWorker) {
  const { values } = parseArgs({
    options: {
      quick: { type: "boolean", default: false },
      connections: { type: "string" },
      conversations: { type: "string" },
      rate: { type: "string" },
      seconds: { type: "string" },
      "soak-minutes": { type: "string" },
      "soak-rate": { type: "string" },
    },
  });
  const d = values.quick ? QUICK : FULL;
  const int = (raw: string | undefined, fallback: number) => {
    const n = Number(raw ?? fallback);
    if (!Number.isInteger(n) || n < 0) throw new Error(`Not a whole number: ${raw}`);
    return n;
  };
  const options: SessionsBenchOptions = {
    connections: int(values.connections, d.connections),
    conversations: int(values.conversations, d.conversations),
    rate: int(values.rate, d.rate),
    seconds: int(values.seconds, d.seconds),
    soakMinutes: int(values["soak-minutes"], d.soakMinutes),
    soakRate: int(values["soak-rate"], d.soakRate),
  };
  const cleanup = new Cleanup();
  const tmp = await Deno.makeTempDir({ prefix: "ticketd_sessions_bench_" });
  cleanup.add("temp dir", () => Deno.remove(tmp, { recursive: true }));
  try {
    console.log(JSON.stringify(await runSessionsBench(options, tmp, cleanup)));
  } finally {
    await cleanup.run();
  }
}
