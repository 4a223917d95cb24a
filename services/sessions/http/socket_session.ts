/**
 * One WebSocket connection: the auth frame within the deadline, then client frames handled one
 * at a time in arrival order, with the frame size, frame rate, idle time and send buffer limits.
 * A bad frame gets an error frame; only the limits and auth failures close the socket.
 * @module
 */
import { DomainError } from "@ticketd/shared/errors.ts";
import type { Principal } from "@ticketd/shared/http/auth.ts";
import type { Logger } from "@ticketd/shared/log/logger.ts";
import type { CollisionDesk } from "../collision/collision_desk.ts";
import { TicketWatch } from "../collision/ticket_watch.ts";
import type { ConversationPort, EventSource } from "../conversation_port.ts";
import { AGENTS } from "./access.ts";
import type { Caller, ConversationActions } from "./conversation_actions.ts";
import { FrameRate } from "./frame_rate.ts";
import type { SessionLimits } from "./limits.ts";
import { SocketAttachments } from "./socket_attachments.ts";
import { dispatchFrame, type FrameContext } from "./socket_dispatch.ts";
import {
  type ClientFrame,
  clientFrameSchemas,
  parseClientFrame,
  type ServerFrame,
} from "./socket_frames.ts";

/** Subscribes an agent or a customer to their notifications; returns the unsubscribe. */
export type NotificationFeed = (
  principal: Principal,
  push: (notification: unknown) => void,
) => () => void;

export interface SocketSessionDeps {
  actions: ConversationActions;
  conversations: ConversationPort;
  verify: (token: string) => Promise<Principal>;
  notifications?: NotificationFeed;
  /** Collision presence on tickets (issue 11); absent: `ticket_*` frames are 503. */
  collision?: CollisionDesk;
  limits: SessionLimits;
  log: Logger;
  /** Epoch ms (default `Date.now`). */
  now?: () => number;
}

/** WebSocket close codes (RFC 6455 §7.4.1). */
export const CLOSE = { normal: 1000, policy: 1008, tooBig: 1009, tryLater: 1013 } as const;

const encoder = new TextEncoder();

/**
 * Serves `socket` until it closes; `onClosed` runs once, however it ends. `source` is where its
 * upgrade request came from, recorded with every event its frames cause.
 */
export function startSocketSession(
  socket: WebSocket,
  deps: SocketSessionDeps,
  onClosed: () => void,
  source?: EventSource,
) {
  new SocketSession(socket, deps, onClosed, source);
}

class SocketSession {
  #principal: Caller | null = null;
  #closed = false;
  #queue = Promise.resolve();
  #lastFrameAt: number;
  #authTimer: ReturnType<typeof setTimeout>;
  #idleTimer: ReturnType<typeof setTimeout> | undefined;
  #stopNotifications: (() => void) | null = null;
  readonly #now: () => number;
  readonly #rate: FrameRate;
  readonly #attachments: SocketAttachments;
  readonly #schemas: ReturnType<typeof clientFrameSchemas>;
  readonly #context: FrameContext;

  constructor(
    readonly socket: WebSocket,
    readonly deps: SocketSessionDeps,
    readonly onClosed: () => void,
    readonly source?: EventSource,
  ) {
    const { limits } = deps;
    this.#now = deps.now ?? Date.now;
    this.#lastFrameAt = this.#now();
    this.#rate = new FrameRate(limits, this.#lastFrameAt);
    this.#schemas = clientFrameSchemas(limits.messageChars);
    this.#attachments = new SocketAttachments(
      deps.conversations,
      limits.attachmentsPerConnection,
      (conversationId, event) => this.#send({ type: "event", conversationId, event }),
    );
    this.#context = {
      actions: deps.actions,
      attachments: this.#attachments,
      send: (frame) => this.#send(frame),
    };
    socket.onmessage = (e) => this.#receive(e.data);
    socket.onclose = () => this.#cleanUp();
    socket.onerror = () => {}; // a close event follows
    this.#authTimer = setTimeout(() => this.#authDeadline(), limits.authDeadlineMs);
    this.#armIdle(limits.idleMs);
  }

  #receive(data: unknown): void {
    if (this.#closed) return;
    this.#lastFrameAt = this.#now();
    const { frameBytes } = this.deps.limits;
    if (isOver(data, frameBytes)) {
      return this.#close(CLOSE.tooBig, "frame_too_large", `A frame is at most ${frameBytes} bytes`);
    }
    const verdict = this.#rate.take(this.#lastFrameAt);
    if (verdict === "abusive") return this.#close(CLOSE.policy, "rate_limited", "Too many frames");
    if (verdict === "refused") {
      return this.#error(new DomainError("rate_limited", "Too many frames; slow down", 429));
    }
    if (typeof data !== "string") {
      return this.#error(new DomainError("invalid_frame", "Frames are JSON text, not binary", 400));
    }
    this.#queue = this.#queue.then(() => this.#handle(data));
  }

  async #handle(raw: string): Promise<void> {
    if (this.#closed) return;
    let ref: string | undefined;
    try {
      const frame = parseClientFrame(raw, this.#schemas);
      ref = frame.ref ?? (frame.type === "message" ? frame.clientMessageId : undefined);
      if (!this.#principal) return await this.#authenticate(frame);
      await dispatchFrame(this.#context, this.#principal, frame, ref);
    } catch (error) {
      if (this.#principal || !(error instanceof DomainError)) return this.#error(error, ref);
      // Before auth, every failure ends the connection: it has not said who it is.
      this.#close(CLOSE.policy, error.code, error.message, ref);
    }
  }

  async #authenticate(frame: ClientFrame): Promise<void> {
    if (frame.type !== "auth") {
      throw new DomainError(
        "auth_required",
        'The first frame must be {"type":"auth","token":…}',
        401,
      );
    }
    let principal: Principal;
    try {
      principal = await this.deps.verify(frame.token);
    } catch (error) {
      if (error instanceof DomainError) throw error;
      throw new DomainError("unauthorized", "The token could not be verified", 401);
    }
    if (this.#closed) return;
    this.#principal = { ...principal, source: this.source };
    clearTimeout(this.#authTimer);
    this.#send({ type: "ready", principal: { id: principal.id, role: principal.role } });
    if (this.deps.collision) {
      this.#context.collision = new TicketWatch(
        this.deps.collision,
        principal,
        (f) => this.#send(f),
      );
    }
    const notified = AGENTS.includes(principal.role) || principal.role === "customer";
    if (notified && this.deps.notifications) {
      this.#stopNotifications = this.deps.notifications(principal, (notification) => {
        this.#send({ type: "notification", notification });
      });
    }
  }

  #send(frame: ServerFrame): void {
    if (this.#closed || this.socket.readyState !== WebSocket.OPEN) return;
    if (this.socket.bufferedAmount > this.deps.limits.sendBufferBytes) {
      return this.#close(CLOSE.tryLater, "too_slow", "The client reads too slowly");
    }
    this.socket.send(JSON.stringify(frame));
  }

  #error(error: unknown, ref?: string): void {
    if (error instanceof DomainError) {
      const frameRef = ref ?? (error.extra.ref as string | undefined);
      return this.#send({ type: "error", code: error.code, message: error.message, ref: frameRef });
    }
    this.deps.log.error("socket frame failed", {
      error: (error as Error)?.name,
      message: (error as Error)?.message,
      stack: (error as Error)?.stack?.split("\n").slice(0, 6).join(" | "),
    });
    this.#send({
      type: "error",
      code: "internal_error",
      message: "Something went wrong on our side",
      ref,
    });
  }

  /** Says why in an error frame, then closes with `code`; `reason` is the error code. */
  #close(code: number, reason: string, message: string, ref?: string): void {
    if (this.#closed) return;
    if (code !== CLOSE.tryLater) this.#send({ type: "error", code: reason, message, ref });
    this.#cleanUp();
    try {
      this.socket.close(code, reason);
    } catch { /* already closing */ }
  }

  #authDeadline(): void {
    if (this.#principal) return;
    const ms = this.deps.limits.authDeadlineMs;
    this.#close(CLOSE.policy, "auth_timeout", `No auth frame within ${ms} ms`);
  }

  /** One timer per socket, re-armed for what is left rather than reset on every frame. */
  #armIdle(delayMs: number): void {
    this.#idleTimer = setTimeout(() => {
      const idleMs = this.deps.limits.idleMs;
      const left = this.#lastFrameAt + idleMs - this.#now();
      if (left > 0) return this.#armIdle(left);
      this.#close(CLOSE.normal, "idle_timeout", `No frame for ${idleMs} ms`);
    }, delayMs);
  }

  #cleanUp(): void {
    if (this.#closed) return;
    this.#closed = true;
    clearTimeout(this.#authTimer);
    clearTimeout(this.#idleTimer);
    this.#attachments.close();
    void this.#context.collision?.leave();
    this.#stopNotifications?.();
    this.onClosed();
  }
}

/** True when a frame holds more than `maxBytes` (text measured as UTF-8, only if it could be). */
function isOver(data: unknown, maxBytes: number): boolean {
  if (typeof data === "string") {
    if (data.length > maxBytes) return true;
    return data.length * 3 > maxBytes && encoder.encode(data).length > maxBytes;
  }
  if (data instanceof ArrayBuffer) return data.byteLength > maxBytes;
  if (data instanceof Blob) return data.size > maxBytes;
  return false;
}
