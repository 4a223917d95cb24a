/**
 * One online rewrap at a time in this process: `DataKeys.rewrap` (what `deno task keys rewrap`
 * runs) moving every data key onto its profile's active KEK, with its progress readable while
 * it runs. Safe beside the service's own writes: each data key is replaced only if unchanged
 * since it was read, and no text is re-encrypted. When it ends, the admin's `tickets.key.rewrapped`
 * fact is recorded (act, then record, as the tool does).
 * @module
 */
import type { ActivityRecorder } from "@ticketd/shared/activity/recorder.ts";
import { fail } from "@ticketd/shared/errors.ts";
import type { Activity } from "@ticketd/shared/events/activity.ts";
import type { DataKeys } from "@ticketd/shared/keys/data_keys.ts";
import { DATA_KEYS_BUCKET } from "@ticketd/shared/keys/kv_data_key_store.ts";
import type { Logger } from "@ticketd/shared/log/logger.ts";

/** What GET shows of the last rewrap this process ran (none since it started: null). */
export interface RewrapStatus {
  state: "running" | "done" | "failed";
  checked: number;
  rewrapped: number;
  startedAt: string;
  finishedAt: string | null;
  /** The admin who started it. */
  startedBy: string;
  /** Whether its `tickets.key.rewrapped` fact is in ACTIVITY (null while running). */
  recorded: boolean | null;
  /** Why it failed: an error code, never key material. */
  error: string | null;
}

export interface KeyringRewrapDeps {
  dataKeys: Pick<DataKeys, "rewrap">;
  activity: Pick<ActivityRecorder, "recordApplied">;
  now: () => Date;
  log: Logger;
}

/** The fact's party: the admin's actor and request source, in the installation's tenant. */
export type RewrapParty = Pick<Activity, "tenant" | "actor" | "source">;

export class KeyringRewrap {
  #status: RewrapStatus | null = null;
  #running: Promise<void> | null = null;

  constructor(private readonly deps: KeyringRewrapDeps) {}

  status(): RewrapStatus | null {
    return this.#status && { ...this.#status };
  }

  /** Starts a rewrap for `party`; 409 `rewrap_running` while one runs here. */
  start(party: RewrapParty): RewrapStatus {
    if (this.#running) {
      fail("rewrap_running", "A rewrap is already running; follow it with GET /v1/keyring", 409);
    }
    const status: RewrapStatus = {
      state: "running",
      checked: 0,
      rewrapped: 0,
      startedAt: this.deps.now().toISOString(),
      finishedAt: null,
      startedBy: party.actor.id,
      recorded: null,
      error: null,
    };
    this.#status = status;
    this.#running = this.#run(status, party).finally(() => (this.#running = null));
    return { ...status };
  }

  /**
   * Resolves once the running rewrap (if any) has ended (tests wait on it). The service's stop
   * does not: a rewrap may take minutes, and one cut off by the closing connection leaves every
   * data key wrapped under a KEK the keyring holds; running it again finishes the job.
   */
  async settled(): Promise<void> {
    await this.#running;
  }

  async #run(status: RewrapStatus, party: RewrapParty): Promise<void> {
    try {
      const done = await this.deps.dataKeys.rewrap((p) => Object.assign(status, p));
      Object.assign(status, done, { state: "done" });
    } catch (error) {
      this.deps.log.error("rewrap failed", { error: String(error) });
      Object.assign(status, { state: "failed", error: errorCode(error) });
    }
    status.finishedAt = this.deps.now().toISOString();
    try {
      await this.deps.activity.recordApplied({
        ...party,
        action: "tickets.key.rewrapped",
        target: { type: "data_keys", id: DATA_KEYS_BUCKET },
        outcome: status.state === "done" ? "ok" : "failed",
        changes: { checked: status.checked, rewrapped: status.rewrapped },
      });
      status.recorded = true;
    } catch {
      status.recorded = false; // the recorder logged the fact; the rewrap stands
    }
  }
}

function errorCode(error: unknown): string {
  const code = (error as { code?: unknown })?.code;
  return typeof code === "string" && /^[a-z_]{1,64}$/.test(code) ? code : "internal_error";
}
