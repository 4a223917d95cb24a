/**
 * What each authenticated client frame does: open, attach (replay then live), detach, message
 * (acknowledged with its sequence number), typing, read markers and ping; and a ticket's
 * collision presence (watch, leave, typing).
 * @module
 */
import { DomainError } from "@ticketd/shared/errors.ts";
import type { Principal } from "@ticketd/shared/http/auth.ts";
import type { TicketWatch } from "../collision/ticket_watch.ts";
import type { Caller, ConversationActions } from "./conversation_actions.ts";
import type { SocketAttachments } from "./socket_attachments.ts";
import type { ClientFrame, ServerFrame } from "./socket_frames.ts";

export interface FrameContext {
  actions: ConversationActions;
  attachments: SocketAttachments;
  /** The socket's collision presence, once authenticated (none when the service has none). */
  collision?: TicketWatch;
  send: (frame: ServerFrame) => void;
}

/** Carries out `frame` for `who`; refusals are thrown as {@link DomainError}s. */
export async function dispatchFrame(
  ctx: FrameContext,
  who: Caller,
  frame: ClientFrame,
  ref: string | undefined,
): Promise<void> {
  const { actions, send } = ctx;
  switch (frame.type) {
    case "auth":
      throw new DomainError(
        "already_authenticated",
        "This socket has authenticated already",
        409,
      );
    case "open": {
      const conversation = await actions.open(who);
      send({ type: "opened", conversation, ref });
      return attach(ctx, who, conversation.conversationId, 0, ref);
    }
    case "attach":
      return attach(ctx, who, frame.conversationId, frame.afterSeq, ref);
    case "detach": {
      const state = await actions.view(who, frame.conversationId);
      ctx.attachments.detach(state.conversationId);
      return send({ type: "detached", conversationId: state.conversationId, ref });
    }
    case "message": {
      const event = await actions.post(
        who,
        frame.conversationId,
        frame.text,
        frame.clientMessageId,
      );
      const messageId = event.type === "message" ? event.messageId : undefined;
      return send({
        type: "ack",
        conversationId: frame.conversationId,
        seq: event.seq,
        messageId,
        ref,
      });
    }
    case "typing":
      return void await actions.typing(who, frame.conversationId);
    case "read":
      return void await actions.read(who, frame.conversationId, frame.upToSeq);
    case "ping":
      return send({ type: "pong", ref });
    case "ticket_watch":
      return await watching(ctx).watch(frame.ticketId);
    case "ticket_leave":
      return await watching(ctx).leave(frame.ticketId);
    case "ticket_typing":
      return watching(ctx).typing(frame.ticketId);
  }
}

function watching(ctx: FrameContext): TicketWatch {
  if (!ctx.collision) throw new DomainError("unavailable", "No ticket presence here", 503);
  return ctx.collision;
}

async function attach(
  ctx: FrameContext,
  who: Principal,
  id: string,
  afterSeq: number,
  ref: string | undefined,
): Promise<void> {
  const state = await ctx.actions.view(who, id);
  await ctx.attachments.attach(who, state, afterSeq);
  ctx.send({ type: "attached", conversationId: id, lastSeq: state.lastSeq, ref });
}
