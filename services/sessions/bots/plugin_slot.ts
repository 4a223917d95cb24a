/**
 * One loaded plugin in the host: its worker (started at once, restarted after it ends), its
 * circuit breaker and the rules that turn a worker's reply into an answer or a failed turn.
 * A worker that does not answer a ping after a timeout is stuck in a synchronous loop, which
 * Deno 2.9 cannot stop (`terminate()` leaves such a thread running), so that plugin is
 * quarantined until the process restarts instead of leaking a thread per turn.
 * @module
 */
import type { Logger } from "@ticketd/shared/log/logger.ts";
import { CircuitBreaker } from "./circuit_breaker.ts";
import { PluginWorker, type WorkerReply, type WorkerSpec } from "./plugin_worker.ts";
import { type BotAnswer, botAnswerSchema, type BotContext, type FailedTurn } from "./protocol.ts";
import type { BotHostSettings } from "./settings.ts";

export interface PluginSlotDeps {
  spec: WorkerSpec;
  config: Record<string, string>;
  timeoutMs: number;
  settings: BotHostSettings;
  logger?: Logger;
  now: () => number;
}

const PERMISSION_ERRORS = new Set(["NotCapable", "PermissionDenied"]);

export class PluginSlot {
  readonly name: string;
  #worker: PluginWorker | null = null;
  #breaker: CircuitBreaker;
  #inFlight = 0;
  #quarantined = false;

  constructor(private readonly deps: PluginSlotDeps) {
    this.name = deps.spec.name;
    this.#breaker = new CircuitBreaker(deps.settings);
    this.#worker = this.#start();
  }

  async turn(input: Omit<BotContext, "config">): Promise<BotAnswer | FailedTurn> {
    const refused = this.#refusal();
    if (refused) return refused;
    this.#inFlight++;
    try {
      const result = await this.#attempt(input);
      if ("failed" in result) this.#failed(result);
      else this.#breaker.succeeded();
      return result;
    } finally {
      this.#inFlight--;
    }
  }

  status() {
    const until = this.#breaker.disabledUntil;
    const disabled = !this.#breaker.allows(this.deps.now());
    const state = this.#quarantined ? "quarantined" : disabled ? "disabled" : "enabled";
    return {
      name: this.name,
      state,
      disabledUntil: disabled ? new Date(until).toISOString() : null,
    } as const;
  }

  close(): void {
    this.#worker?.terminate("host closed");
    this.#worker = null;
  }

  #refusal(): FailedTurn | null {
    if (this.#quarantined) {
      return { failed: "disabled", message: `Bot "${this.name}" is stuck in a loop; restart` };
    }
    if (!this.#breaker.allows(this.deps.now())) {
      return { failed: "disabled", message: `Bot "${this.name}" failed too often; paused` };
    }
    if (this.#inFlight >= this.deps.settings.maxTurnsInFlight) {
      return { failed: "busy", message: `Bot "${this.name}" has too many turns in progress` };
    }
    return null;
  }

  async #attempt(input: Omit<BotContext, "config">): Promise<BotAnswer | FailedTurn> {
    const worker = this.#worker?.dead === false ? this.#worker : (this.#worker = this.#start());
    if (worker === null) return { failed: "start_failed", message: "the worker did not start" };
    try {
      await worker.ready(this.deps.settings.startTimeoutMs);
    } catch (error) {
      this.#retire(worker, "did not start");
      return { failed: "start_failed", message: (error as Error).message };
    }
    const transcript = input.transcript.slice(-this.deps.settings.maxTranscriptMessages);
    const context = { ...input, transcript, config: this.deps.config };
    const reply = await worker.turn(context, this.deps.timeoutMs);
    if (reply.kind === "timeout") await this.#timedOut(worker);
    return this.#judge(reply);
  }

  #judge(reply: WorkerReply): BotAnswer | FailedTurn {
    switch (reply.kind) {
      case "answer": {
        const parsed = botAnswerSchema.safeParse(reply.answer);
        if (parsed.success) return parsed.data;
        const issue = parsed.error.issues[0];
        const message = `${issue.path.join(".") || "answer"}: ${issue.message}`;
        return { failed: "invalid_answer", message };
      }
      case "error":
        return {
          failed: PERMISSION_ERRORS.has(reply.name) ? "permission_denied" : "crashed",
          message: `${reply.name}: ${reply.message}`,
        };
      case "crashed":
        return { failed: "crashed", message: reply.message };
      case "timeout":
        return { failed: "timeout", message: `no answer in ${this.deps.timeoutMs} ms` };
    }
  }

  /** Ends a worker that let a turn time out; a silent one (busy loop) quarantines the plugin. */
  async #timedOut(worker: PluginWorker): Promise<void> {
    if (worker !== this.#worker || worker.dead) return;
    const responsive = await worker.responsive(this.deps.settings.probeMs);
    if (!responsive) {
      this.#quarantined = true;
      this.deps.logger?.error("bot quarantined: stuck in a loop Deno cannot stop", {});
    }
    this.#retire(worker, "a turn timed out");
  }

  #retire(worker: PluginWorker, why: string): void {
    worker.terminate(`worker restarted: ${why}`);
    if (this.#worker === worker) this.#worker = null;
  }

  #failed(result: FailedTurn): void {
    if (this.#breaker.failed(this.deps.now())) {
      const until = new Date(this.#breaker.disabledUntil).toISOString();
      this.deps.logger?.warn("bot disabled after failing turns", { reason: result.failed, until });
    }
  }

  #start(): PluginWorker | null {
    if (this.#quarantined) return null;
    try {
      return new PluginWorker(this.deps.spec);
    } catch (error) {
      // e.g. started without --unstable-worker-options: refuse rather than run unconfined
      this.deps.logger?.error("bot worker failed to start", { error: (error as Error).message });
      return null;
    }
  }
}
