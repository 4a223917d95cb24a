/**
 * Answers ticket commands sent over NATS by other services (`shared/commands/tickets.ts`),
 * through the same write path as the HTTP API. One instance answers each request (queue group),
 * and only after JetStream has acknowledged the commit.
 * @module
 */
import type { Msg, NatsConnection, Subscription } from "@nats-io/nats-core";
import { ConcurrencyError, DomainError } from "@ticketd/shared/errors.ts";
import {
  ALL_TICKET_COMMANDS,
  type CommandTextLimits,
  serviceActorId,
  type TicketCommandReply,
  ticketCommandSchemas,
} from "@ticketd/shared/commands/tickets.ts";
import { TENANT } from "@ticketd/shared/http/auth.ts";
import type { Logger } from "@ticketd/shared/log/logger.ts";
import type { TicketCommands } from "../command_handler.ts";
import type { Actor } from "../domain/commands.ts";
import { mayRelay } from "../domain/permissions.ts";

export interface CommandLimits extends CommandTextLimits {
  /** Bigger requests are refused unread (the HTTP API's body limit). */
  maxRequestBytes: number;
}

/** Subscribes the responder; `drain()` on the returned subscription stops it. */
export function respondToTicketCommands(
  nc: NatsConnection,
  commands: TicketCommands,
  limits: CommandLimits,
  log: Logger,
): Subscription {
  const subscription = nc.subscribe(ALL_TICKET_COMMANDS, { queue: "tickets" });
  const handler = { commands, limits, schema: ticketCommandSchemas(limits).request };
  (async () => {
    for await (const msg of subscription) {
      // Each request on its own: one slow ticket never holds up the others.
      answer(msg, handler, log).catch((error) =>
        log.error("ticket command reply failed", { error: String(error) })
      );
    }
  })();
  return subscription;
}

interface Handler {
  commands: TicketCommands;
  limits: CommandLimits;
  schema: ReturnType<typeof ticketCommandSchemas>["request"];
}

async function answer(msg: Msg, handler: Handler, log: Logger): Promise<void> {
  const reply = await execute(msg, handler).catch((error): TicketCommandReply => {
    if (error instanceof DomainError) {
      return { ok: false, code: error.code, message: error.message, status: error.status };
    }
    if (error instanceof ConcurrencyError) {
      return {
        ok: false,
        code: error.code,
        message: error.message,
        status: 412,
        currentVersion: error.actualVersion,
      };
    }
    log.error("ticket command failed", { subject: msg.subject, error: String(error) });
    return { ok: false, code: "internal_error", message: "Something went wrong", status: 500 };
  });
  msg.respond(JSON.stringify(reply));
}

async function execute(msg: Msg, handler: Handler): Promise<TicketCommandReply> {
  const { commands, limits, schema } = handler;
  const tenant = msg.subject.slice(msg.subject.lastIndexOf(".") + 1);
  if (!TENANT.test(tenant)) return refused("invalid_tenant", `Unknown tenant "${tenant}"`);
  if (msg.data.length > limits.maxRequestBytes) {
    const limit = limits.maxRequestBytes;
    return refused("payload_too_large", `Requests are limited to ${limit} bytes`, 413);
  }
  let raw: unknown;
  try {
    raw = msg.json();
  } catch {
    return refused("malformed_json", "The request is not valid JSON", 400);
  }
  const parsed = schema.safeParse(raw);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`);
    return refused("invalid_command", issues.join("; "));
  }
  const request = parsed.data;
  const relay = "onBehalfOf" in request ? request.onBehalfOf : undefined;
  if (relay && !mayRelay(request.service)) {
    return refused(
      "relay_not_allowed",
      `Service "${request.service}" may not act for a requester`,
      403,
    );
  }
  const service = serviceActorId(request.service);
  // A relay is decided as the customer: their tickets only (another's is 404), their rights only.
  const relayedBy = relay ? service : undefined;
  const actor: Actor = relay
    ? { id: relay.id, role: relay.role, groups: [], relayedBy }
    : { id: service, role: "supervisor", groups: [] };
  const options = { idempotencyKey: request.idempotencyKey, source: request.source, relayedBy };
  const result = "create" in request
    ? await commands.create(tenant, actor, {
      ...request.create,
      assigneeId: null,
      customFields: {},
      status: "new",
    }, options)
    : await commands.changeAll(tenant, request.ticketId, actor, request.changes, {
      ...options,
      ifMatch: request.ifMatch,
    });
  return {
    ok: true,
    ticketId: result.ticketId,
    version: result.version,
    duplicate: result.duplicate,
    changed: result.events.length > 0,
  };
}

function refused(code: string, message: string, status = 422): TicketCommandReply {
  return { ok: false, code, message, status };
}
