/**
 * Records activity facts into the ACTIVITY stream: each fact gets a snowflake id and the time,
 * is published with that id as its message id (a retry is stored once) and counts as recorded
 * only once JetStream has acknowledged it. After the last failed try the fact is written to the
 * error log (facts carry no content) and {@link ActivityUnavailable} is thrown: the caller
 * decides what that means for its request (see `docs/audit-activity.md`, "Failure policy").
 * @module
 */
import type { JetStreamClient } from "@nats-io/jetstream";
import {
  type Activity,
  activityMessageId,
  activitySubject,
  encodeActivity,
} from "../events/activity.ts";
import { DomainError } from "../errors.ts";
import type { Logger } from "../log/logger.ts";
import type { ActivitySettings } from "./settings.ts";

/** A fact as a caller states it; the recorder adds its id and time. */
export type ActivityInput = Omit<Activity, "id" | "at">;

/** The fact could not be recorded: answered 503 `activity_unavailable`. */
export class ActivityUnavailable extends DomainError {
  constructor(detail: string, readonly factId: string, extra: Record<string, unknown> = {}) {
    super("activity_unavailable", detail, 503, { factId, ...extra });
  }
}

export interface ActivityRecorderDeps {
  js: JetStreamClient;
  /** The recording service, the last token of the subject: `activity.<tenant>.<service>`. */
  service: string;
  /** The service's snowflake generator. */
  nextId: () => string;
  now: () => Date;
  settings: Pick<ActivitySettings, "publishAttempts" | "ackTimeoutMs" | "retryDelayMs">;
  log: Logger;
}

/** Records facts of one service; share one per service. */
export class ActivityRecorder {
  constructor(private readonly deps: ActivityRecorderDeps) {}

  /** Records `input` once JetStream acks it; throws {@link ActivityUnavailable} otherwise. */
  async record(input: ActivityInput): Promise<Activity> {
    const fact: Activity = { ...input, id: this.deps.nextId(), at: this.deps.now().toISOString() };
    const data = encodeActivity(fact); // a fact off the contract is a bug: it throws here
    const subject = activitySubject(fact.tenant, this.deps.service);
    const { publishAttempts, ackTimeoutMs, retryDelayMs } = this.deps.settings;
    let lastError: unknown;
    for (let attempt = 1; attempt <= publishAttempts; attempt++) {
      if (attempt > 1) await delay(retryDelayMs * 2 ** (attempt - 2));
      try {
        await this.deps.js.publish(subject, data, {
          msgID: activityMessageId(fact),
          timeout: ackTimeoutMs,
        });
        return fact;
      } catch (error) {
        lastError = error;
      }
    }
    this.deps.log.error("activity not recorded", { fact, error: String(lastError) });
    throw new ActivityUnavailable(`Activity "${fact.action}" could not be recorded`, fact.id);
  }

  /**
   * For a change already made (act, then record): the same retries, and a refusal that says the
   * change stands, so a client does not repeat it blindly.
   */
  async recordApplied(input: ActivityInput): Promise<Activity> {
    try {
      return await this.record(input);
    } catch (error) {
      if (!(error instanceof ActivityUnavailable)) throw error;
      throw new ActivityUnavailable(
        `The change was applied, but "${input.action}" could not be recorded; do not repeat it`,
        error.factId,
        { applied: true },
      );
    }
  }

  /** For facts that must not hold up their request (sign-ins): a loss is logged, not thrown. */
  async recordOrLog(input: ActivityInput): Promise<void> {
    await this.record(input).catch((error) => {
      if (!(error instanceof ActivityUnavailable)) throw error;
    });
  }
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
