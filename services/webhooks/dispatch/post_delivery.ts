/**
 * One attempt: the stored body posted with its signature, under a timeout, redirects not
 * followed (a 3xx is a failure: the endpoint must be given as it is). The outcome is a status
 * code or an error code, never the receiver's text, which is read no further than needed.
 * @module
 */
import { signatureHeader } from "../domain/signature.ts";
import type { Outcome } from "../store/deliveries.ts";

export interface Attempt {
  url: string;
  eventId: string;
  deliveryId: string;
  body: string;
  /** The secrets in use: the current one first, a rotated one while it overlaps. */
  secrets: string[];
}

export const USER_AGENT = "Ticketd-Webhooks/1";

/** Posts `attempt`; `ok` for a 2xx answer within `timeoutMs`. */
export async function postDelivery(
  attempt: Attempt,
  timeoutMs: number,
  stopping: AbortSignal,
): Promise<Outcome & { ok: boolean }> {
  const startedAt = performance.now();
  const at = new Date();
  const headers = {
    "content-type": "application/json",
    "user-agent": USER_AGENT,
    "ticketd-event-id": attempt.eventId,
    "ticketd-delivery-id": attempt.deliveryId,
    "ticketd-signature": signatureHeader(
      attempt.secrets,
      Math.floor(at.getTime() / 1000),
      attempt.body,
    ),
  };
  const signal = AbortSignal.any([AbortSignal.timeout(timeoutMs), stopping]);
  const durationMs = () => Math.round(performance.now() - startedAt);
  try {
    const response = await fetch(attempt.url, {
      method: "POST",
      headers,
      body: attempt.body,
      redirect: "manual",
      signal,
    });
    await response.body?.cancel().catch(() => {});
    const ok = response.status >= 200 && response.status < 300;
    const error = ok ? null : `http_${response.status}`;
    return { ok, statusCode: response.status, error, durationMs: durationMs(), at };
  } catch (error) {
    const name = (error as Error)?.name;
    const code = name === "TimeoutError" || signal.aborted ? "timeout" : "connection_failed";
    return { ok: false, statusCode: null, error: code, durationMs: durationMs(), at };
  }
}
