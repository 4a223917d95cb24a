/**
 * The importer's one HTTP call, `POST /v1/tickets`, with an `Idempotency-Key`, retried with
 * bounded exponential backoff on network errors, timeouts, 408, 429, 5xx and contention. A
 * refusal (other 4xx) is an answer, not an error; auth and routing failures stop the import.
 * @module
 */
import type { CreateTicketRequest } from "./request.ts";

/** What the API made of one row. */
export type CreateOutcome =
  | { kind: "created" | "present"; ticketId: string; version: number }
  | { kind: "rejected"; status: number; code: string; detail: string }
  /** Not sent to the end: the import was stopped while this row waited to be retried. */
  | { kind: "unfinished" };

/** A failure that makes every further row pointless: a bad token, URL, or a service gone. */
export class FatalImportError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "FatalImportError";
  }
}

export interface ClientOptions {
  url: string;
  token: string;
  fetch?: typeof fetch;
  /** Waits `ms`, or less when `signal` aborts. */
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  random?: () => number;
  /** Attempts per row, the first included (default 8). */
  maxAttempts?: number;
  baseDelayMs?: number;
  maxDelayMs?: number;
  timeoutMs?: number;
}

const FATAL = new Set([401, 403, 404, 405]);

/** The delay before retry `attempt` (1-based): full jitter, doubling, capped; or `retryAfter`. */
export function retryDelay(
  attempt: number,
  base: number,
  max: number,
  random: () => number,
  retryAfterSeconds?: number,
): number {
  if (retryAfterSeconds !== undefined && retryAfterSeconds >= 0) {
    return Math.min(retryAfterSeconds * 1000, max);
  }
  return Math.round(random() * Math.min(max, base * 2 ** (attempt - 1)));
}

/** True for answers worth retrying. */
export function retryable(status: number, code?: string): boolean {
  return status >= 500 || status === 429 || status === 408 ||
    (status === 409 && code === "too_much_contention");
}

/** A client for `url` with `token`. */
export function ticketsClient(options: ClientOptions) {
  const doFetch = options.fetch ?? fetch;
  const sleep = options.sleep ?? abortableSleep;
  const random = options.random ?? Math.random;
  const maxAttempts = options.maxAttempts ?? 8;
  const base = options.baseDelayMs ?? 250;
  const max = options.maxDelayMs ?? 10_000;
  const endpoint = `${options.url.replace(/\/+$/, "")}/v1/tickets`;

  const send = async (request: CreateTicketRequest, key: string) => {
    const response = await doFetch(endpoint, {
      method: "POST",
      headers: {
        authorization: `Bearer ${options.token}`,
        "content-type": "application/json",
        "idempotency-key": key,
      },
      body: JSON.stringify(request),
      signal: AbortSignal.timeout(options.timeoutMs ?? 60_000),
    });
    const text = await response.text();
    let json: Record<string, unknown> = {};
    try {
      json = JSON.parse(text);
    } catch { /* a proxy's HTML error page: judged by status alone */ }
    return { status: response.status, json, retryAfter: response.headers.get("retry-after") };
  };

  /** Creates the ticket for one row; `stop` ends the retrying (not a request in flight). */
  async function create(
    request: CreateTicketRequest,
    idempotencyKey: string,
    stop?: AbortSignal,
  ): Promise<CreateOutcome> {
    let last = "";
    for (let attempt = 1; attempt <= maxAttempts; attempt++) {
      let retryAfter: number | undefined;
      try {
        const { status, json, retryAfter: header } = await send(request, idempotencyKey);
        const code = typeof json.code === "string" ? json.code : `http_${status}`;
        const detail = typeof json.detail === "string" ? json.detail : "";
        if (status === 200 || status === 201) {
          const kind = json.duplicate ? "present" : "created";
          return { kind, ticketId: String(json.id), version: Number(json.version) || 0 };
        }
        if (FATAL.has(status)) {
          throw new FatalImportError(`${endpoint}: ${status} ${code} ${detail}`);
        }
        if (!retryable(status, code)) return { kind: "rejected", status, code, detail };
        last = `${status} ${code}`;
        retryAfter = header && /^\d+$/.test(header) ? Number(header) : undefined;
      } catch (error) {
        if (error instanceof FatalImportError) throw error;
        last = (error as Error).message;
      }
      if (stop?.aborted) return { kind: "unfinished" };
      if (attempt < maxAttempts) {
        await sleep(retryDelay(attempt, base, max, random, retryAfter), stop);
      }
      if (stop?.aborted) return { kind: "unfinished" };
    }
    throw new FatalImportError(`${endpoint} did not answer after ${maxAttempts} attempts: ${last}`);
  }

  return { create };
}

function abortableSleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      signal?.removeEventListener("abort", done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal?.addEventListener("abort", done, { once: true });
  });
}

export type TicketsClient = ReturnType<typeof ticketsClient>;
