/**
 * One running plugin: its sandbox process (`sandbox_command.ts`: the manifest's permissions,
 * capped heap and memory, the manifest's variables only). Turns go out as JSON lines on its
 * stdin and are matched to the answers on its stdout by id; whatever ends the process (an exit,
 * a crash, heap exhaustion, a bad or oversized line, stdout closed, a kill) fails every turn
 * still waiting, with the reason.
 * @module
 */
import { type Line, LineSplitter } from "./line_splitter.ts";
import type { BotContext, HostMessage, PluginMessage } from "./protocol.ts";
import { pluginMessageSchema } from "./protocol.ts";
import { STDOUT_LOST } from "./process_marks.ts";
import { type ProcessSpec, sandboxCommand } from "./sandbox_command.ts";
import type { BotHostSettings } from "./settings.ts";

/** Why the process is gone; the code its waiting turns fail with. */
export interface ProcessEnd {
  failure: "crashed" | "out_of_memory" | "protocol_error" | "timeout";
  message: string;
  /**
   * The host killed the process for something the turns still waiting did not do (another
   * turn's time limit, a missed liveness ping): they may be tried again on a new process.
   */
  bystanders?: true;
}

/** What a turn came back with, before the answer is checked. */
export type ProcessReply =
  | { kind: "answer"; answer: unknown }
  | { kind: "error"; name: string; message: string }
  | { kind: "ended"; end: ProcessEnd }
  | { kind: "timeout" };

export type ProcessLimits = Pick<
  BotHostSettings,
  "heapMb" | "memoryMb" | "maxFrameBytes" | "pingIntervalMs" | "probeMs" | "stderrLineBytes"
>;

export interface ProcessHooks {
  /** Each stderr line (already cut to `stderrLineBytes`). */
  stderr(line: string): void;
  /** Called once, when the process ends for whatever reason. */
  ended(end: ProcessEnd): void;
}

const HEAP_EXHAUSTED = /Reached heap limit|Fatal (JavaScript|process) out of memory/;
const encoder = new TextEncoder();

type Waiter = (reply: ProcessReply | { kind: "pong" }) => void;

export class PluginProcess {
  readonly pid: number;
  /** Settles when the process has exited and its pipes are drained. */
  readonly exited: Promise<void>;
  #child: Deno.ChildProcess;
  #stdin: WritableStreamDefaultWriter<Uint8Array>;
  #nextId = 1;
  #waiting = new Map<number, Waiter>();
  #ready = Promise.withResolvers<void>();
  #end: ProcessEnd | null = null;
  #heapExhausted = false;
  #stdoutLost = false;
  #firstError: string | null = null;
  #pinging = false;
  #pinger: ReturnType<typeof setInterval>;

  /** Starts the process (throws if it cannot be spawned); `ready()` says when it serves. */
  constructor(
    spec: ProcessSpec,
    private readonly limits: ProcessLimits,
    private readonly hooks: ProcessHooks,
  ) {
    this.#ready.promise.catch(() => {}); // observed by ready(); never an unhandled rejection here
    const { program, args, env } = sandboxCommand(spec, limits);
    this.#child = new Deno.Command(program, {
      args,
      clearEnv: true,
      env,
      stdin: "piped",
      stdout: "piped",
      stderr: "piped",
      // Its own process group: a terminal's Ctrl-C is for the service, which then closes its
      // plugins in order, not for the plugins to die of mid-turn.
      detached: true,
    }).spawn();
    this.pid = this.#child.pid;
    this.#stdin = this.#child.stdin.getWriter();
    this.#pinger = setInterval(() => void this.#ping(), limits.pingIntervalMs);
    this.exited = Promise.all([this.#child.status, this.#readStderr()]).then(([status]) => {
      this.#finish(this.#exitEnd(status));
    });
    void this.#readFrames();
  }

  /** Resolves when the plugin has loaded; rejects after `timeoutMs` or with why it did not. */
  ready(timeoutMs: number): Promise<void> {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const late = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`not ready in ${timeoutMs} ms`)), timeoutMs);
    });
    return Promise.race([this.#ready.promise, late]).finally(() => clearTimeout(timer));
  }

  /** Sends one turn; its reply, or `timeout` after `timeoutMs`. */
  async turn(context: BotContext, timeoutMs: number): Promise<ProcessReply> {
    const reply = await this.#ask((id) => ({ type: "turn", id, context }), timeoutMs);
    return reply.kind === "pong" ? this.#violation("answered a turn with a pong") : reply;
  }

  /** SIGKILLs the process (a busy loop stops only so) and fails whatever waits on it. */
  kill(end: ProcessEnd): void {
    this.#finish(end);
    try {
      this.#child.kill("SIGKILL");
    } catch {
      // already exited
    }
  }

  #ask(message: (id: number) => HostMessage, timeoutMs: number) {
    if (this.#end !== null) return Promise.resolve<ProcessReply>({ kind: "ended", end: this.#end });
    const id = this.#nextId++;
    const { promise, resolve } = Promise.withResolvers<ProcessReply | { kind: "pong" }>();
    const timer = setTimeout(() => finish({ kind: "timeout" }), timeoutMs);
    const finish: Waiter = (reply) => {
      clearTimeout(timer);
      this.#waiting.delete(id);
      resolve(reply);
    };
    this.#waiting.set(id, finish);
    const line = encoder.encode(JSON.stringify(message(id)) + "\n");
    this.#stdin.write(line).catch(() => {}); // a dead process is noticed by its exit
    return promise;
  }

  /** A liveness ping while it serves; silence means a loop, which only a kill stops. */
  async #ping(): Promise<void> {
    if (this.#pinging || this.#end !== null) return;
    this.#pinging = true;
    const probeMs = this.limits.probeMs;
    const ready = await this.ready(probeMs).then(() => true, () => false);
    const reply = ready ? await this.#ask((id) => ({ type: "ping", id }), probeMs) : null;
    this.#pinging = false;
    if (reply?.kind !== "timeout") return;
    const message = `no answer to a liveness ping in ${probeMs} ms`;
    this.kill({ failure: "timeout", message, bystanders: true });
  }

  async #readFrames(): Promise<void> {
    const lines = new LineSplitter(this.limits.maxFrameBytes);
    try {
      for await (const chunk of this.#child.stdout) {
        for (const line of lines.push(chunk)) this.#receive(line);
        if (lines.overflowing) {
          const limit = this.limits.maxFrameBytes;
          return void this.#violation(`wrote a line over ${limit} bytes on stdout`);
        }
        if (this.#end !== null) return;
      }
    } catch {
      // the pipe broke: the process is ending, and its exit says why
    }
    // stdout ends with the process, whose exit says why
  }

  #receive(line: Line): void {
    if (this.#end !== null) return;
    const message = line.cut ? null : parseMessage(line.text);
    if (message === null) {
      return void this.#violation("wrote something other than protocol lines on stdout");
    }
    if (message.type === "ready") return this.#ready.resolve();
    if (message.type === "start_error") {
      this.#ready.reject(new Error(`${message.name}: ${message.message}`));
      return this.kill({ failure: "crashed", message: "the plugin did not start" });
    }
    const finish = this.#waiting.get(message.id);
    if (message.type === "pong") finish?.({ kind: "pong" });
    else if (message.type === "answer") finish?.({ kind: "answer", answer: message.answer });
    else finish?.({ kind: "error", name: message.name, message: message.message });
  }

  async #readStderr(): Promise<void> {
    const lines = new LineSplitter(this.limits.stderrLineBytes);
    const note = ({ text }: Line) => {
      if (HEAP_EXHAUSTED.test(text)) this.#heapExhausted = true;
      if (text.startsWith(STDOUT_LOST)) this.#stdoutLost = true;
      if (this.#firstError === null && text.startsWith("error: ")) this.#firstError = text;
      if (text.trim() !== "") this.hooks.stderr(text);
    };
    try {
      for await (const chunk of this.#child.stderr) lines.push(chunk).forEach(note);
    } catch {
      // the pipe broke with the process
    }
    const last = lines.end();
    if (last) note(last);
  }

  #violation(what: string): ProcessReply {
    const end: ProcessEnd = { failure: "protocol_error", message: `the plugin ${what}` };
    this.kill(end);
    return { kind: "ended", end };
  }

  #exitEnd(status: Deno.CommandStatus): ProcessEnd {
    if (this.#heapExhausted) {
      const { heapMb, memoryMb } = this.limits;
      const message = `the plugin reached its memory limit (${heapMb} MB heap, ${memoryMb} MB)`;
      return { failure: "out_of_memory", message };
    }
    if (this.#stdoutLost) {
      return { failure: "protocol_error", message: "the plugin closed its stdout" };
    }
    const how = status.signal ? `by ${status.signal}` : `with code ${status.code}`;
    const why = this.#firstError ? `: ${this.#firstError.slice(0, 300)}` : "";
    return { failure: "crashed", message: `the plugin process exited ${how}${why}` };
  }

  /** Records the first reason the process ended and fails every waiting turn with it. */
  #finish(end: ProcessEnd): void {
    if (this.#end !== null) return;
    this.#end = end;
    clearInterval(this.#pinger);
    this.#ready.reject(new Error(end.message));
    this.#stdin.abort().catch(() => {});
    for (const finish of [...this.#waiting.values()]) finish({ kind: "ended", end });
    this.hooks.ended(end);
  }
}

function parseMessage(text: string): PluginMessage | null {
  try {
    const parsed = pluginMessageSchema.safeParse(JSON.parse(text));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}
