/**
 * A conversation's events as Server-Sent Events: replay after `Last-Event-ID` (or `?after=N`),
 * then live, each with `id:` = its sequence number so a reconnecting EventSource resumes where it
 * stopped. Heartbeat comments keep proxies from timing out; the stream ends when the conversation
 * closes or the server stops ({@link OpenStreams}), and its follow subscription stops when the
 * stream ends for any reason.
 * @module
 */
import { Hono } from "hono";
import { fail } from "@ticketd/shared/errors.ts";
import type { ConversationEvent, ConversationPort } from "../conversation_port.ts";
import type { ConversationActions } from "./conversation_actions.ts";
import type { SessionsEnv } from "./env.ts";
import type { SessionLimits } from "./limits.ts";
import type { OpenStreams } from "./open_streams.ts";

export interface SseRoutesDeps {
  actions: ConversationActions;
  conversations: ConversationPort;
  limits: Pick<SessionLimits, "sseHeartbeatMs" | "sendBufferBytes">;
  /** Every stream is registered here, so a stop can end them (closeAll) before shutdown. */
  streams: OpenStreams;
}

const encoder = new TextEncoder();
/** Browsers wait this long before reconnecting a dropped EventSource. */
const RETRY_MS = 2_000;

/** `GET /sessions/conversations/:id/events`. */
export function sseRoutes(deps: SseRoutesDeps): Hono<SessionsEnv> {
  const app = new Hono<SessionsEnv>();
  app.get("/sessions/conversations/:id/events", async (c) => {
    const who = c.get("principal");
    const asked = resumePoint(c.req.header("last-event-id"), c.req.query("after"));
    const state = await deps.actions.view(who, c.req.param("id"));
    // A resume point past the end would wait for events that already have lower numbers.
    const after = Math.min(asked, state.lastSeq);
    const stream = new EventStream(deps.limits);
    // A client going away cancels the body (request.signal is no use: Deno.serve aborts it on
    // successful responses too).
    try {
      const stop = await deps.conversations.follow(
        who.tenant,
        state.conversationId,
        after,
        (event) => stream.send(event),
      );
      stream.onEnd(stop);
    } catch (error) {
      stream.end();
      throw error;
    }
    if (state.status === "closed" && after >= state.lastSeq) stream.end();
    deps.streams.add(stream);
    return new Response(stream.body, {
      headers: {
        "content-type": "text/event-stream; charset=utf-8",
        "cache-control": "no-cache, no-transform",
        "x-accel-buffering": "no",
      },
    });
  });
  return app;
}

/** The sequence number to replay after: `Last-Event-ID` wins over `?after`; 0 when neither. */
function resumePoint(lastEventId: string | undefined, after: string | undefined): number {
  const raw = lastEventId ?? after;
  if (raw === undefined || raw === "") return 0;
  if (!/^[0-9]{1,15}$/.test(raw)) {
    fail("invalid_request", `The resume point "${raw.slice(0, 20)}" is not a sequence number`, 400);
  }
  return Number(raw);
}

/**
 * One SSE response body: events in order, no repeats, heartbeats, one idempotent end. A client
 * reading slower than events arrive is cut off once `sendBufferBytes` wait unread.
 */
class EventStream {
  readonly body: ReadableStream<Uint8Array>;
  #controller!: ReadableStreamDefaultController<Uint8Array>;
  #ended = false;
  #lastSeq = -1;
  #onEnd: (() => void)[] = [];
  readonly #heartbeat: ReturnType<typeof setInterval>;
  readonly #maxBuffered: number;

  constructor({ sseHeartbeatMs, sendBufferBytes }: SseRoutesDeps["limits"]) {
    this.#maxBuffered = sendBufferBytes;
    this.body = new ReadableStream<Uint8Array>({
      start: (controller) => {
        this.#controller = controller;
        controller.enqueue(encoder.encode(`retry: ${RETRY_MS}\n\n`));
      },
      cancel: () => this.end(),
    }, new ByteLengthQueuingStrategy({ highWaterMark: 0 }));
    this.#heartbeat = setInterval(() => this.#write(": heartbeat\n\n"), sseHeartbeatMs);
  }

  send(event: ConversationEvent): void {
    if (this.#ended || event.seq <= this.#lastSeq) return;
    this.#lastSeq = event.seq;
    this.#write(`id: ${event.seq}\ndata: ${JSON.stringify(event)}\n\n`);
    if (event.type === "closed") this.end();
  }

  /** Runs `fn` when the stream ends (at once if it already has). */
  onEnd(fn: () => void): void {
    if (this.#ended) fn();
    else this.#onEnd.push(fn);
  }

  end(): void {
    if (this.#ended) return;
    this.#ended = true;
    clearInterval(this.#heartbeat);
    for (const fn of this.#onEnd.splice(0)) fn();
    try {
      this.#controller.close();
    } catch { /* already closed or cancelled by the client */ }
  }

  #write(chunk: string): void {
    if (this.#ended) return;
    try {
      this.#controller.enqueue(encoder.encode(chunk));
      if (-(this.#controller.desiredSize ?? 0) > this.#maxBuffered) this.end();
    } catch {
      this.end(); // the client went away between two writes
    }
  }
}
