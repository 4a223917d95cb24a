/**
 * One loaded plugin in the host: its process (started with the host when it is the bot that
 * answers, else on its first turn; restarted with back-off after it ends), its circuit breaker,
 * and the rules that turn a process's reply into an answer or a failed turn. A turn over its
 * limit kills the process: SIGKILL is the one thing that stops a plugin spinning in a
 * synchronous loop, so it frees the core. The other turns that kill ends were not the cause:
 * each is tried once more on the new process, and never counts toward the breaker.
 * @module
 */
import type { Logger } from "@ticketd/shared/log/logger.ts";
import { CircuitBreaker } from "./circuit_breaker.ts";
import { PluginProcess, type ProcessEnd, type ProcessReply } from "./plugin_process.ts";
import type { ProcessSpec } from "./sandbox_command.ts";
import { type BotAnswer, botAnswerSchema, type BotContext, type FailedTurn } from "./protocol.ts";
import { RestartBackoff } from "./restart_backoff.ts";
import type { BotHostSettings } from "./settings.ts";
import { stderrLog } from "./stderr_log.ts";

export interface PluginSlotDeps {
  spec: ProcessSpec;
  config: Record<string, string>;
  timeoutMs: number;
  /** Start the process now (the bot that answers first); else it starts on the first turn. */
  startNow: boolean;
  settings: BotHostSettings;
  logger?: Logger;
  now: () => number;
}

const PERMISSION_ERRORS = new Set(["NotCapable", "PermissionDenied"]);

/** What a plugin's thrown error means; an array buffer over the memory cap is out of memory. */
function errorFailure(error: { name: string; message: string }): FailedTurn["failed"] {
  if (PERMISSION_ERRORS.has(error.name)) return "permission_denied";
  const noBuffer = error.name === "RangeError" && /allocation failed/.test(error.message);
  return noBuffer ? "out_of_memory" : "crashed";
}

export class PluginSlot {
  readonly name: string;
  #process: PluginProcess | null = null;
  #breaker: CircuitBreaker;
  #backoff: RestartBackoff;
  #inFlight = 0;
  #closed = false;
  #stderr: (line: string) => void;

  constructor(private readonly deps: PluginSlotDeps) {
    this.name = deps.spec.name;
    this.#breaker = new CircuitBreaker(deps.settings);
    this.#backoff = new RestartBackoff(deps.settings);
    this.#stderr = stderrLog(deps.logger, deps.settings.stderrLinesPerMinute, deps.now);
    if (deps.startNow) this.#process = this.#start();
  }

  async turn(input: Omit<BotContext, "config">): Promise<BotAnswer | FailedTurn> {
    const refused = this.#refusal();
    if (refused) return refused;
    this.#inFlight++;
    try {
      const first = await this.#attempt(input);
      // Killed for another turn's sake: once more, on the process that replaced it.
      const { result, bystander } = first.bystander && !this.#closed
        ? await this.#attempt(input)
        : first;
      if (!("failed" in result)) this.#breaker.succeeded(), this.#backoff.succeeded();
      else if (!bystander) this.#failed(result);
      return result;
    } finally {
      this.#inFlight--;
    }
  }

  status() {
    const now = this.deps.now();
    const until = Math.max(this.#breaker.disabledUntil, this.#backoff.notBefore);
    const disabled = !this.#breaker.allows(now) || now < this.#backoff.notBefore;
    return {
      name: this.name,
      state: disabled ? "disabled" : "enabled",
      disabledUntil: disabled ? new Date(until).toISOString() : null,
    } as const;
  }

  /** Kills the process; settles once it has exited. No turn starts another. */
  close(): Promise<void> {
    this.#closed = true;
    const process = this.#process;
    this.#process = null;
    process?.kill({ failure: "crashed", message: "the bot host closed" });
    return process?.exited ?? Promise.resolve();
  }

  #refusal(): FailedTurn | null {
    const now = this.deps.now();
    if (this.#closed) return { failed: "disabled", message: "the bot host is closed" };
    if (!this.#breaker.allows(now)) {
      return { failed: "disabled", message: `Bot "${this.name}" failed too often; paused` };
    }
    if (this.#process === null && now < this.#backoff.notBefore) {
      const wait = this.#backoff.notBefore - now;
      return { failed: "disabled", message: `Bot "${this.name}" restarts in ${wait} ms` };
    }
    if (this.#inFlight >= this.deps.settings.maxTurnsInFlight) {
      return { failed: "busy", message: `Bot "${this.name}" has too many turns in progress` };
    }
    return null;
  }

  /** One try; `bystander` when it failed only because the process was killed for another. */
  async #attempt(
    input: Omit<BotContext, "config">,
  ): Promise<{ result: BotAnswer | FailedTurn; bystander: boolean }> {
    const process = this.#process ?? (this.#process = this.#start());
    if (process === null) {
      return {
        result: { failed: "start_failed", message: "the process did not start" },
        bystander: false,
      };
    }
    try {
      await process.ready(this.deps.settings.startTimeoutMs);
    } catch (error) {
      process.kill({ failure: "crashed", message: "the plugin did not start" });
      return {
        result: { failed: "start_failed", message: (error as Error).message },
        bystander: false,
      };
    }
    const transcript = input.transcript.slice(-this.deps.settings.maxTranscriptMessages);
    const context = { ...input, transcript, config: this.deps.config };
    const reply = await process.turn(context, this.deps.timeoutMs);
    if (reply.kind === "timeout") {
      const message = "the plugin was restarted: another turn timed out";
      process.kill({ failure: "crashed", message, bystanders: true });
    }
    const bystander = reply.kind === "ended" && reply.end.bystanders === true;
    return { result: this.#judge(reply), bystander };
  }

  #judge(reply: ProcessReply): BotAnswer | FailedTurn {
    switch (reply.kind) {
      case "answer": {
        const parsed = botAnswerSchema.safeParse(reply.answer);
        if (parsed.success) return parsed.data;
        const issue = parsed.error.issues[0];
        const message = `${issue.path.join(".") || "answer"}: ${issue.message}`;
        return { failed: "invalid_answer", message };
      }
      case "error":
        return { failed: errorFailure(reply), message: `${reply.name}: ${reply.message}` };
      case "ended":
        return { failed: reply.end.failure, message: reply.end.message };
      case "timeout":
        return { failed: "timeout", message: `no answer in ${this.deps.timeoutMs} ms` };
    }
  }

  #failed(result: FailedTurn): void {
    if (this.#breaker.failed(this.deps.now())) {
      const until = new Date(this.#breaker.disabledUntil).toISOString();
      this.deps.logger?.warn("bot disabled after failing turns", { reason: result.failed, until });
    }
  }

  #start(): PluginProcess | null {
    if (this.#closed) return null;
    try {
      const process: PluginProcess = new PluginProcess(this.deps.spec, this.deps.settings, {
        stderr: this.#stderr,
        ended: (end) => this.#ended(process, end),
      });
      return process;
    } catch (error) {
      this.deps.logger?.error("bot process failed to start", { error: (error as Error).message });
      return null;
    }
  }

  #ended(process: PluginProcess, end: ProcessEnd): void {
    if (this.#process === process) this.#process = null;
    if (this.#closed) return;
    this.#backoff.ended(this.deps.now());
    this.deps.logger?.warn("bot process ended", { pid: process.pid, ...end });
  }
}
