/**
 * What a bot plugin sees and answers (the plugin interface), and the messages between the host
 * and a plugin's process (one JSON object a line on its stdin and stdout). The answer is checked
 * here, in the host, with zod: a plugin is not trusted to return what its types say.
 * @module
 */
import { z } from "zod";
import { PRIORITIES } from "@ticketd/shared/events/tickets.ts";
import type { ConversationStatus, ParticipantRole } from "../conversation_port.ts";

/** One message of the transcript, oldest first. `at` is ISO 8601 UTC. */
export interface TranscriptMessage {
  from: { role: ParticipantRole; id: string };
  text: string;
  at: string;
}

/** What a bot is given for one turn. */
export interface BotContext {
  conversation: {
    tenant: string;
    conversationId: string;
    customerId: string;
    status: ConversationStatus;
  };
  /** The last messages (the host keeps at most its `maxTranscriptMessages`). */
  transcript: TranscriptMessage[];
  /** The manifest's declared settings, values from the environment ("" when unset). */
  config: Record<string, string>;
}

const TAG = /^[\p{L}\p{N}][\p{L}\p{N}_.:-]{0,63}$/u;

export const botActionSchema = z.discriminatedUnion("type", [
  z.strictObject({ type: z.literal("create_ticket"), subject: z.string().min(1).max(200) }),
  z.strictObject({ type: z.literal("tag"), tags: z.array(z.string().regex(TAG)).min(1).max(20) }),
  z.strictObject({ type: z.literal("set_priority"), priority: z.enum(PRIORITIES) }),
]);

/** A turn's answer; anything else a plugin returns is a failed turn (`invalid_answer`). */
export const botAnswerSchema = z.strictObject({
  replies: z.array(z.string().min(1).max(4_000)).max(10),
  actions: z.array(botActionSchema).max(10),
  handoff: z.strictObject({ reason: z.string().min(1).max(200) }).optional(),
});

export type BotAction = z.infer<typeof botActionSchema>;
export type BotAnswer = z.infer<typeof botAnswerSchema>;

/** A plugin module's default export: an object with a name and `turn`, or a bare `turn`. */
export type Bot =
  | { name?: string; turn(context: BotContext): BotAnswer | Promise<BotAnswer> }
  | ((context: BotContext) => BotAnswer | Promise<BotAnswer>);

/** Why a turn produced no answer. */
export type TurnFailure =
  | "unknown_plugin"
  | "disabled"
  | "busy"
  | "start_failed"
  | "timeout"
  | "crashed"
  | "out_of_memory"
  | "protocol_error"
  | "permission_denied"
  | "invalid_answer";

/** A failed turn: the code, and a short description for operators (never conversation text). */
export interface FailedTurn {
  failed: TurnFailure;
  message: string;
}

/** Host -> plugin process. */
export type HostMessage =
  | { type: "turn"; id: number; context: BotContext }
  | { type: "ping"; id: number };

/** Plugin process -> host; checked on arrival, since plugin code shares the process. */
export const pluginMessageSchema = z.discriminatedUnion("type", [
  z.object({ type: z.literal("ready") }),
  z.object({ type: z.literal("start_error"), name: z.string(), message: z.string() }),
  z.object({ type: z.literal("answer"), id: z.number(), answer: z.unknown() }),
  z.object({ type: z.literal("error"), id: z.number(), name: z.string(), message: z.string() }),
  z.object({ type: z.literal("pong"), id: z.number() }),
]);

export type PluginMessage = z.infer<typeof pluginMessageSchema>;
