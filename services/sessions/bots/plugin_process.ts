/**
 * One running plugin: a module Web Worker with the plugin's Deno permissions, whose generated
 * entry imports the guard, the plugin and the shim. Turns are matched to answers by id; an
 * uncaught error in the worker ends it and fails every turn still waiting.
 * @module
 */
import type { BotContext, HostMessage } from "./protocol.ts";
import { type WorkerMessage, workerMessageSchema } from "./protocol.ts";

/** What a turn came back with, before the answer is checked. */
export type WorkerReply =
  | { kind: "answer"; answer: unknown }
  | { kind: "error"; name: string; message: string }
  | { kind: "crashed"; message: string }
  | { kind: "timeout" };

export interface WorkerSpec {
  name: string;
  /** file: URL of the plugin's entry module. */
  entryUrl: string;
  permissions: Deno.PermissionOptionsObject;
}

const GUARD = new URL("./worker_guard.ts", import.meta.url).href;
const SHIM = new URL("./worker_shim.ts", import.meta.url).href;

export class PluginWorker {
  #worker: Worker;
  #nextId = 1;
  #waiting = new Map<number, (reply: WorkerReply | { kind: "pong" }) => void>();
  #ready: Promise<void>;
  #dead: string | null = null;

  /** Starts the worker; `ready()` resolves once the plugin has loaded (or rejects why not). */
  constructor(spec: WorkerSpec) {
    const { promise, resolve, reject } = Promise.withResolvers<void>();
    this.#ready = promise;
    this.#ready.catch(() => {}); // observed by ready(); never an unhandled rejection here
    this.#worker = new Worker(entryModule(spec.entryUrl), {
      type: "module",
      name: `bot:${spec.name}`,
      deno: { permissions: spec.permissions },
    });
    this.#worker.onmessage = (event) => this.#receive(event.data, resolve, reject);
    this.#worker.onmessageerror = () => this.#end("the worker sent a message that cannot be read");
    this.#worker.onerror = (event) => {
      event.preventDefault(); // an uncaught plugin error must not reach the host's event loop
      const message = `${event.message ?? "uncaught error"}`.slice(0, 300);
      reject(new Error(message));
      this.#end(message);
    };
  }

  /** Whether the worker has ended (crashed or terminated). */
  get dead(): boolean {
    return this.#dead !== null;
  }

  /** Resolves when the plugin has loaded; rejects after `timeoutMs` or with its load error. */
  ready(timeoutMs: number): Promise<void> {
    return withTimeout(this.#ready, timeoutMs, () => new Error(`not ready in ${timeoutMs} ms`));
  }

  /** Sends one turn; the reply, or `timeout` after `timeoutMs`. */
  async turn(context: BotContext, timeoutMs: number): Promise<WorkerReply> {
    const reply = await this.#ask((id) => ({ type: "turn", id, context }), timeoutMs);
    return reply.kind === "pong" ? { kind: "crashed", message: "pong for a turn" } : reply;
  }

  /** Whether the worker's event loop answers within `timeoutMs` (false: busy in a loop). */
  async responsive(timeoutMs: number): Promise<boolean> {
    return (await this.#ask((id) => ({ type: "ping", id }), timeoutMs)).kind === "pong";
  }

  /** Ends the worker and fails whatever still waits on it. */
  terminate(reason = "terminated"): void {
    this.#worker.terminate();
    this.#end(reason);
  }

  #ask(message: (id: number) => HostMessage, timeoutMs: number) {
    if (this.#dead !== null) {
      return Promise.resolve<WorkerReply>({ kind: "crashed", message: this.#dead });
    }
    const id = this.#nextId++;
    const { promise, resolve } = Promise.withResolvers<WorkerReply | { kind: "pong" }>();
    const timer = setTimeout(() => finish({ kind: "timeout" }), timeoutMs);
    const finish = (reply: WorkerReply | { kind: "pong" }) => {
      clearTimeout(timer);
      this.#waiting.delete(id);
      resolve(reply);
    };
    this.#waiting.set(id, finish);
    this.#worker.postMessage(message(id));
    return promise;
  }

  #receive(data: unknown, resolve: () => void, reject: (error: Error) => void): void {
    const parsed = workerMessageSchema.safeParse(data);
    if (!parsed.success) return; // a plugin posting its own messages gains nothing
    const message: WorkerMessage = parsed.data;
    if (message.type === "ready") return resolve();
    if (message.type === "start_error") {
      reject(new Error(`${message.name}: ${message.message}`));
      return this.terminate(message.message);
    }
    const finish = this.#waiting.get(message.id);
    if (message.type === "pong") finish?.({ kind: "pong" });
    else if (message.type === "answer") finish?.({ kind: "answer", answer: message.answer });
    else finish?.({ kind: "error", name: message.name, message: message.message });
  }

  #end(reason: string): void {
    if (this.#dead !== null) return;
    this.#dead = reason;
    for (const finish of [...this.#waiting.values()]) finish({ kind: "crashed", message: reason });
  }
}

/** A data: module importing the guard first, then the plugin, then serving it. */
function entryModule(entryUrl: string): string {
  const source = [
    `import ${JSON.stringify(GUARD)};`,
    `import bot from ${JSON.stringify(entryUrl)};`,
    `import { serveBot } from ${JSON.stringify(SHIM)};`,
    `serveBot(bot);`,
  ].join("\n");
  return `data:application/javascript,${encodeURIComponent(source)}`;
}

function withTimeout<T>(promise: Promise<T>, ms: number, error: () => Error): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => timer = setTimeout(() => reject(error()), ms));
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
