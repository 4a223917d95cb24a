/**
 * A JetStream cluster of nats-server processes on 127.0.0.1 owned by this process, for tests
 * that kill and restart nodes. Each node has fixed ports (so it rejoins at the same address
 * after a restart) and a store of its own under `storeRoot`, which survives kills.
 * @module
 */
import { join } from "node:path";
import { freePort } from "./free_port.ts";
import { findNatsServer } from "./private_nats.ts";
import { RuntimeError } from "./runtime_error.ts";

const DEFAULT_START_TIMEOUT_MS = 20_000;
const STOP_GRACE_MS = 5_000;
const POLL_INTERVAL_MS = 50;
const LOG_TAIL_CHARS = 3_000;

export interface PrivateNatsClusterOptions {
  /** Parent of the node stores (`<storeRoot>/<node name>`) and their configs and logs. */
  storeRoot: string;
  /** Number of nodes; JetStream needs a majority of them up. Default 3. */
  size?: number;
  /** How long a node may take to answer `/healthz` after a (re)start. */
  startTimeoutMs?: number;
}

export interface ClusterNode {
  /** Server name, `n1`, `n2`, ... (what stream info reports as leader and replicas). */
  name: string;
  url: string;
  monitorUrl: string;
  logFile: string;
  /** Whether the process is running. */
  readonly running: boolean;
  /** SIGKILL: no shutdown, no flush; what a power cut or OOM kill does to a node. */
  kill(): Promise<void>;
  /** Starts the node on its ports and store; resolves once `/healthz` says it has caught up. */
  start(): Promise<void>;
  /** This node's own copy of `stream` (from its `/jsz`), or undefined if it holds none. */
  streamCopy(stream: string): Promise<StreamCopy | undefined>;
}

/** What one node stores of a stream: its count and last sequence, as that node sees them. */
export interface StreamCopy {
  messages: number;
  lastSeq: number;
}

export interface PrivateNatsCluster {
  nodes: ClusterNode[];
  /** Every node's client URL, for a client that fails over between them. */
  urls: string[];
  /** The node named `name` (as stream info reports leaders). */
  node(name: string): ClusterNode;
  /** Stops every node that runs (SIGTERM, then SIGKILL after a grace period). */
  stop(): Promise<void>;
}

interface NodePorts {
  name: string;
  client: number;
  cluster: number;
  monitor: number;
}

/** Starts `size` nodes routed to each other; resolves once each reports JetStream current. */
export async function startPrivateNatsCluster(
  options: PrivateNatsClusterOptions,
): Promise<PrivateNatsCluster> {
  const binary = await findNatsServer();
  const ports: NodePorts[] = Array.from({ length: options.size ?? 3 }, (_, i) => ({
    name: `n${i + 1}`,
    client: freePort(),
    cluster: freePort(),
    monitor: freePort(),
  }));
  const nodes = await Promise.all(ports.map(async (node) => {
    const dir = join(options.storeRoot, node.name);
    await Deno.mkdir(dir, { recursive: true });
    const configFile = join(dir, "nats.conf");
    await Deno.writeTextFile(configFile, nodeConfig(node, ports, dir));
    return clusterNode(binary, node, configFile, options.startTimeoutMs);
  }));
  const cluster: PrivateNatsCluster = {
    nodes,
    urls: nodes.map((n) => n.url),
    node(name) {
      const found = nodes.find((n) => n.name === name);
      if (!found) throw new Error(`No node "${name}" in the cluster`);
      return found;
    },
    stop: () => Promise.all(nodes.map((n) => n.stopGracefully())).then(() => {}),
  };
  try {
    await Promise.all(nodes.map((n) => n.start()));
  } catch (error) {
    await cluster.stop();
    throw error;
  }
  return cluster;
}

/** The config of one node: loopback listeners, its store, routes to every other node. */
export function nodeConfig(node: NodePorts, all: NodePorts[], storeDir: string): string {
  const routes = all.filter((n) => n !== node).map((n) => `nats-route://127.0.0.1:${n.cluster}`);
  return [
    `server_name: ${node.name}`,
    `listen: "127.0.0.1:${node.client}"`,
    `http: "127.0.0.1:${node.monitor}"`,
    `jetstream { store_dir: ${JSON.stringify(storeDir)} }`,
    "cluster {",
    "  name: ticketd-test",
    `  listen: "127.0.0.1:${node.cluster}"`,
    `  routes: [${routes.map((r) => JSON.stringify(r)).join(", ")}]`,
    "}",
    "",
  ].join("\n");
}

function clusterNode(
  binary: string,
  ports: NodePorts,
  configFile: string,
  startTimeoutMs = DEFAULT_START_TIMEOUT_MS,
): ClusterNode & { stopGracefully(): Promise<void> } {
  const logFile = configFile.replace(/nats\.conf$/, "nats-server.log");
  let child: Deno.ChildProcess | undefined;
  let exited: Promise<Deno.CommandStatus> | undefined;
  let dead = true;
  const end = async (signal: Deno.Signal) => {
    if (!child || !exited) return;
    try {
      child.kill(signal);
    } catch {
      // Exited already: `exited` settles on its own.
    }
    const timer = setTimeout(() => child?.kill("SIGKILL"), STOP_GRACE_MS);
    await exited;
    clearTimeout(timer);
    child = exited = undefined;
  };
  const node = {
    name: ports.name,
    url: `nats://127.0.0.1:${ports.client}`,
    monitorUrl: `http://127.0.0.1:${ports.monitor}`,
    logFile,
    get running() {
      return child !== undefined;
    },
    kill: () => end("SIGKILL"),
    streamCopy: (stream: string) => streamCopy(node.monitorUrl, stream),
    stopGracefully: () => end("SIGTERM"),
    async start() {
      if (child) return;
      const args = ["-c", configFile, "-l", logFile];
      child = new Deno.Command(binary, { args, stdin: "null", stdout: "null", stderr: "null" })
        .spawn();
      dead = false;
      exited = child.status.finally(() => dead = true);
      await waitHealthy(node.monitorUrl, Date.now() + startTimeoutMs, () => dead, logFile);
    },
  };
  return node;
}

async function waitHealthy(
  monitorUrl: string,
  deadline: number,
  gone: () => boolean,
  logFile: string,
): Promise<void> {
  while (Date.now() < deadline && !gone()) {
    try {
      const response = await fetch(`${monitorUrl}/healthz`);
      await response.body?.cancel();
      if (response.ok) return;
    } catch {
      // Not listening yet.
    }
    await new Promise((resolve) => setTimeout(resolve, POLL_INTERVAL_MS));
  }
  const log = await Deno.readTextFile(logFile).catch(() => "(no log)");
  throw new RuntimeError(
    "nats_server_timeout",
    `cluster node at ${monitorUrl} did not become healthy\n${log.slice(-LOG_TAIL_CHARS)}`,
  );
}

interface Jsz {
  account_details?: {
    stream_detail?: { name: string; state: { messages: number; last_seq: number } }[];
  }[];
}

async function streamCopy(monitorUrl: string, stream: string): Promise<StreamCopy | undefined> {
  const response = await fetch(`${monitorUrl}/jsz?accounts=true&streams=true`);
  const jsz = await response.json() as Jsz;
  const found = (jsz.account_details ?? []).flatMap((a) => a.stream_detail ?? [])
    .find((s) => s.name === stream);
  return found && { messages: found.state.messages, lastSeq: found.state.last_seq };
}
