/**
 * For the sessions transport tests: the routes served as the integrator will (bearer auth on
 * /v1, the socket outside it) by `Deno.serve` on a free port, over the in-memory conversations,
 * with real EdDSA tokens verified by the shared verifier; and a WebSocket client that waits for
 * frames and the close.
 * @module
 */
import { Hono } from "hono";
import { exportJWK, generateKeyPair } from "jose";
import type { Role } from "@ticketd/shared/events/tickets.ts";
import { bearerAuth, createVerifier } from "@ticketd/shared/http/auth.ts";
import {
  DEV_AUDIENCE,
  DEV_ISSUER,
  type DevKeys,
  mintDevToken,
} from "@ticketd/shared/http/dev_keys.ts";
import { errorHandler } from "@ticketd/shared/http/problem.ts";
import type { AddressOptions } from "@ticketd/shared/http/rate_limit.ts";
import { requestLog } from "@ticketd/shared/http/request_log.ts";
import { createLogger } from "@ticketd/shared/log/logger.ts";
import { MemoryConversations } from "../testing/memory_conversations.ts";
import { conversationActions } from "./conversation_actions.ts";
import { conversationRoutes } from "./conversation_routes.ts";
import type { SessionsEnv } from "./env.ts";
import { DEFAULT_SESSION_LIMITS, type SessionLimits } from "./limits.ts";
import type { NotificationFeed } from "./socket_session.ts";
import { socketRoutes } from "./socket_routes.ts";
import { OpenStreams } from "./open_streams.ts";
import { sseRoutes } from "./sse_routes.ts";

export interface Harness {
  url: string;
  wsUrl: string;
  conversations: MemoryConversations;
  /** A token for "role:id[@tenant]" (tenant "acme" by default). */
  token(as: string): Promise<string>;
  /** A JSON request to /v1 as "role:id[@tenant]". */
  call(method: string, path: string, as: string, body?: unknown): Promise<Reply>;
  close(): Promise<void>;
}

// deno-lint-ignore no-explicit-any -- tests read whatever the route answered
export type Reply = { status: number; json: Record<string, any> };

export interface HarnessOptions {
  limits?: Partial<SessionLimits>;
  notifications?: NotificationFeed;
  /** The address the connection limit counts (default the socket's remote address). */
  remoteAddr?: string;
  /** How the address recorded with events is derived (the service's trust-forwarded-for). */
  address?: AddressOptions;
}

let keys: Promise<DevKeys> | undefined;
function testKeys(): Promise<DevKeys> {
  return keys ??= (async () => {
    const pair = await generateKeyPair("EdDSA", { extractable: true });
    return {
      privateJwk: { ...(await exportJWK(pair.privateKey)), kid: "test", alg: "EdDSA" },
      publicJwk: { ...(await exportJWK(pair.publicKey)), kid: "test", alg: "EdDSA", use: "sig" },
    };
  })();
}

/** Serves the sessions transports on a free port until `close()`. */
export async function startHarness(options: HarnessOptions = {}): Promise<Harness> {
  const limits = { ...DEFAULT_SESSION_LIMITS, ...options.limits };
  const devKeys = await testKeys();
  const verify = createVerifier({
    audience: DEV_AUDIENCE,
    issuer: DEV_ISSUER,
    jwks: { keys: [devKeys.publicJwk] },
  });
  const log = createLogger("error");
  const conversations = new MemoryConversations();
  let nextId = 5_000_000;
  const actions = conversationActions({ conversations, newMessageId: () => String(nextId++) });
  const app = new Hono<SessionsEnv>();
  app.onError(errorHandler(log));
  const remoteAddr = options.remoteAddr;
  app.route(
    "/",
    socketRoutes({
      actions,
      conversations,
      verify,
      limits,
      log,
      notifications: options.notifications,
      remoteAddr: remoteAddr ? () => remoteAddr : undefined,
      address: options.address,
    }),
  );
  const v1 = new Hono<SessionsEnv>();
  v1.use(requestLog(log));
  v1.use(bearerAuth(verify));
  const body = { maxBytes: 65_536, timeoutMs: 2_000 };
  v1.route("/", conversationRoutes({ actions, limits, body, address: options.address }));
  const streams = new OpenStreams();
  v1.route("/", sseRoutes({ actions, conversations, limits, streams }));
  app.route("/v1", v1);
  const server = Deno.serve(
    { hostname: "127.0.0.1", port: 0, onListen: () => {} },
    (request, info) => app.fetch(request, { remoteAddr: info.remoteAddr }),
  );
  const url = `http://127.0.0.1:${server.addr.port}`;
  const token = (as: string) => {
    const [, role, id, tenant] = /^(\w+):([^@]+)(?:@(.+))?$/.exec(as)!;
    return mintDevToken(devKeys, { sub: id, role: role as Role, tenant: tenant ?? "acme" });
  };
  return {
    url,
    wsUrl: `ws://127.0.0.1:${server.addr.port}/sessions/socket`,
    conversations,
    token,
    async call(method, path, as, body) {
      const headers: Record<string, string> = { authorization: `Bearer ${await token(as)}` };
      if (body !== undefined) headers["content-type"] = "application/json";
      const payload = body === undefined ? undefined : JSON.stringify(body);
      const response = await fetch(`${url}/v1${path}`, { method, headers, body: payload });
      const raw = await response.text();
      return { status: response.status, json: raw ? JSON.parse(raw) : {} };
    },
    async close() {
      const closing = server.shutdown();
      streams.closeAll();
      await closing;
    },
  };
}

// deno-lint-ignore no-explicit-any -- frames are whatever the server sent
export type Frame = Record<string, any>;

/** A WebSocket client for tests: frames queue up until a test takes them. */
export class TestSocket {
  readonly socket: WebSocket;
  readonly opened: Promise<void>;
  readonly closed: Promise<{ code: number; reason: string }>;
  readonly #frames: Frame[] = [];
  #wake: (() => void) | null = null;

  constructor(url: string) {
    this.socket = new WebSocket(url);
    this.opened = new Promise((resolve, reject) => {
      this.socket.onopen = () => resolve();
      this.socket.onerror = () => reject(new Error("socket failed"));
    });
    this.closed = new Promise((resolve) => {
      this.socket.onclose = (e) => {
        resolve({ code: e.code, reason: e.reason });
        this.#wake?.();
      };
    });
    this.socket.onmessage = (e) => {
      this.#frames.push(JSON.parse(e.data));
      this.#wake?.();
    };
  }

  /** Opens a socket and authenticates it as `token`; resolves after the `ready` frame. */
  static async connect(harness: Harness, as: string): Promise<TestSocket> {
    const client = new TestSocket(harness.wsUrl);
    await client.opened;
    client.send({ type: "auth", token: await harness.token(as) });
    await client.next((f) => f.type === "ready");
    return client;
  }

  send(frame: unknown): void {
    this.socket.send(typeof frame === "string" ? frame : JSON.stringify(frame));
  }

  /** The next frame matching `match` (frames before it are dropped), within `timeoutMs`. */
  async next(match: (frame: Frame) => boolean = () => true, timeoutMs = 2_000): Promise<Frame> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      while (this.#frames.length > 0) {
        const frame = this.#frames.shift()!;
        if (match(frame)) return frame;
      }
      const left = deadline - Date.now();
      if (left <= 0 || this.socket.readyState === WebSocket.CLOSED) {
        throw new Error(`No matching frame within ${timeoutMs} ms`);
      }
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.#wake = () => (clearTimeout(timer), resolve());
      });
      this.#wake = null;
    }
  }

  /** Every frame up to and including the next one matching `match`. */
  async until(match: (frame: Frame) => boolean, timeoutMs = 2_000): Promise<Frame[]> {
    const frames: Frame[] = [];
    await this.next((frame) => (frames.push(frame), match(frame)), timeoutMs);
    return frames;
  }

  /** Every frame that arrives within `ms`, plus those already waiting. */
  async drain(ms: number): Promise<Frame[]> {
    await new Promise((resolve) => setTimeout(resolve, ms));
    return this.#frames.splice(0);
  }

  async close(): Promise<void> {
    if (this.socket.readyState !== WebSocket.CLOSED) this.socket.close();
    await this.closed;
  }
}
