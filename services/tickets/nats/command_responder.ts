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
  serviceActorId,
  type TicketCommandReply,
  ticketCommandRequestSchema,
} from "@ticketd/shared/commands/tickets.ts";
import { TENANT } from "@ticketd/shared/http/auth.ts";
import type { Logger } from "@ticketd/shared/log/logger.ts";
import type { TicketCommands } from "../command_handler.ts";
import type { Actor } from "../domain/commands.ts";

/** Bigger requests are refused unread: no service command comes near it. */
const MAX_REQUEST_BYTES = 16 * 1024;

/** Subscribes the responder; `drain()` on the returned subscription stops it. */
export function respondToTicketCommands(
  nc: NatsConnection,
  commands: TicketCommands,
  log: Logger,
): Subscription {
  const subscription = nc.subscribe(ALL_TICKET_COMMANDS, { queue: "tickets" });
  (async () => {
    for await (const msg of subscription) {
      // Each request on its own: one slow ticket never holds up the others.
      answer(msg, commands, log).catch((error) =>
        log.error("ticket command reply failed", { error: String(error) })
      );
    }
  })();
  return subscription;
}

async function answer(msg: Msg, commands: TicketCommands, log: Logger): Promise<void> {
  const reply = await execute(msg, commands).catch((error): TicketCommandReply => {
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

async function execute(msg: Msg, commands: TicketCommands): Promise<TicketCommandReply> {
  const tenant = msg.subject.slice(msg.subject.lastIndexOf(".") + 1);
  if (!TENANT.test(tenant)) return refused("invalid_tenant", `Unknown tenant "${tenant}"`);
  if (msg.data.length > MAX_REQUEST_BYTES) {
    return refused("payload_too_large", `Requests are limited to ${MAX_REQUEST_BYTES} bytes`, 413);
  }
  let raw: unknown;
  try {
    raw = msg.json();
  } catch {
    return refused("malformed_json", "The request is not valid JSON", 400);
  }
  const parsed = ticketCommandRequestSchema.safeParse(raw);
  if (!parsed.success) {
    return refused("invalid_command", parsed.error.issues.map((i) => i.message).join("; "));
  }
  const { service, ticketId, changes, ifMatch, idempotencyKey } = parsed.data;
  const actor: Actor = { id: serviceActorId(service), role: "supervisor", groups: [] };
  const options = { ifMatch, idempotencyKey };
  const result = await commands.changeAll(tenant, ticketId, actor, changes, options);
  return {
    ok: true,
    ticketId,
    version: result.version,
    duplicate: result.duplicate,
    changed: result.events.length > 0,
  };
}

function refused(code: string, message: string, status = 422): TicketCommandReply {
  return { ok: false, code, message, status };
}
