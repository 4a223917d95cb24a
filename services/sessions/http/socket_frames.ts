/**
 * The WebSocket protocol: client frames as schemas (conversations, and collision presence on
 * tickets), and parsing that tells a malformed frame
 * (`malformed_json`), an unknown type (`unknown_frame_type`) and a bad field (`invalid_frame`)
 * apart. Every frame may carry a `ref` the server echoes in its answer.
 * @module
 */
import { z } from "zod";
import { DomainError } from "@ticketd/shared/errors.ts";
import { plainString, text } from "@ticketd/shared/http/text.ts";
import type { CollisionFrame } from "../collision/ticket_watch.ts";
import type { ConversationEvent, ConversationState } from "../conversation_port.ts";

const ref = plainString(64).optional();
const conversationId = z.string().max(40);
const ticketId = z.string().max(20);

const built = new Map<number, ReturnType<typeof buildSchemas>>();

/** Schemas of every client frame, by type; built once per message limit, shared by sockets. */
export function clientFrameSchemas(messageChars: number): ReturnType<typeof buildSchemas> {
  let schemas = built.get(messageChars);
  if (!schemas) built.set(messageChars, schemas = buildSchemas(messageChars));
  return schemas;
}

function buildSchemas(messageChars: number) {
  return {
    auth: z.strictObject({ type: z.literal("auth"), token: z.string().min(1).max(8192), ref }),
    open: z.strictObject({ type: z.literal("open"), ref }),
    attach: z.strictObject({
      type: z.literal("attach"),
      conversationId,
      afterSeq: z.int().min(0).default(0),
      ref,
    }),
    detach: z.strictObject({ type: z.literal("detach"), conversationId, ref }),
    message: z.strictObject({
      type: z.literal("message"),
      conversationId,
      text: text(messageChars),
      clientMessageId: plainString(64).optional(),
      ref,
    }),
    typing: z.strictObject({ type: z.literal("typing"), conversationId, ref }),
    read: z.strictObject({
      type: z.literal("read"),
      conversationId,
      upToSeq: z.int().min(0),
      ref,
    }),
    ping: z.strictObject({ type: z.literal("ping"), ref }),
    // Collision presence (issue 11): the ticket an agent views, and their typing on it.
    ticket_watch: z.strictObject({ type: z.literal("ticket_watch"), ticketId, ref }),
    ticket_leave: z.strictObject({ type: z.literal("ticket_leave"), ticketId, ref }),
    ticket_typing: z.strictObject({ type: z.literal("ticket_typing"), ticketId, ref }),
  };
}

type Schemas = ReturnType<typeof buildSchemas>;
export type ClientFrame = { [K in keyof Schemas]: z.infer<Schemas[K]> }[keyof Schemas];

export type ServerFrame =
  | { type: "ready"; principal: { id: string; role: string } }
  | { type: "event"; conversationId: string; event: ConversationEvent }
  | { type: "opened"; conversation: ConversationState; ref?: string }
  | { type: "attached"; conversationId: string; lastSeq: number; ref?: string }
  | { type: "detached"; conversationId: string; ref?: string }
  | { type: "ack"; conversationId: string; seq: number; messageId?: string; ref?: string }
  | { type: "notification"; notification: unknown }
  | CollisionFrame
  | { type: "pong"; ref?: string }
  | { type: "error"; code: string; message: string; ref?: string };

/** A frame's text as a client frame; throws a {@link DomainError} naming what is wrong. */
export function parseClientFrame(raw: string, schemas: Schemas): ClientFrame {
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch {
    throw new DomainError("malformed_json", "The frame is not valid JSON", 400);
  }
  const type = (value as { type?: unknown } | null)?.type;
  if (typeof value !== "object" || Array.isArray(value) || typeof type !== "string") {
    throw new DomainError("invalid_frame", "A frame is a JSON object with a string type", 400);
  }
  if (!Object.hasOwn(schemas, type)) {
    const shown = JSON.stringify(type.slice(0, 40));
    throw new DomainError("unknown_frame_type", `Unknown frame type ${shown}`, 400);
  }
  const parsed = schemas[type as keyof Schemas].safeParse(value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const path = issue.path.join(".") || "frame";
    throw new DomainError("invalid_frame", `${type} frame: ${path}: ${issue.message}`, 400, {
      ref: refOf(value),
    });
  }
  return parsed.data;
}

/** The `ref` of a frame that failed validation, when it is a usable one. */
function refOf(value: unknown): string | undefined {
  const ref = (value as { ref?: unknown }).ref;
  return typeof ref === "string" && ref.length <= 64 ? ref : undefined;
}
