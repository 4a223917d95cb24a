import assert from "node:assert/strict";
import { DomainError } from "@ticketd/shared/errors.ts";
import type { ConversationEvent, ConversationInput } from "../conversation_port.ts";
import { evolve, fold } from "./conversation.ts";
import { decide, decideOpen } from "./decide.ts";
import { decideExpire, EXPIRY_ACTOR, idleDeadline } from "./expiry.ts";

const ref = { tenant: "acme", conversationId: "900" };
const customer = { role: "customer", id: "cust-1" } as const;
const bot = { role: "bot", id: "faq" } as const;
const agent = { role: "agent", id: "agent-7" } as const;
const T0 = "2026-06-01T10:00:00.000Z";
const T1 = "2026-06-01T10:01:00.000Z";

/** Folds `inputs` through decide after the customer opened, like the real write path. */
function given(...inputs: ConversationInput[]) {
  let state = evolve(null, decideOpen(customer.id, T0), ref);
  for (const input of inputs) state = evolve(state, decide(state, input, T1), ref);
  return {
    state,
    when: (input: ConversationInput) => ({
      then: (expected: Partial<ConversationEvent>) => {
        const event = decide(state, input, T1);
        for (const [key, value] of Object.entries(expected)) {
          assert.deepEqual((event as Record<string, unknown>)[key], value);
        }
        return evolve(state, event, ref)!;
      },
      thenFails: (code: string) =>
        assert.throws(
          () => decide(state, input, T1),
          (e) => e instanceof DomainError && e.code === code,
        ),
    }),
  };
}

Deno.test("decideOpen - the customer joins as seq 1 and the bot answers first", () => {
  const state = evolve(null, decideOpen("cust-1", T0), ref)!;
  assert.equal(state.status, "bot");
  assert.deepEqual(state.participants, [customer]);
  assert.equal(state.lastSeq, 1);
  assert.equal(state.openedAt, T0);
});

Deno.test("decide - a message gets the next seq and refreshes the last activity", () => {
  const after = given().when({ type: "message", from: customer, messageId: "5", text: "hi" })
    .then({ seq: 2, at: T1 });
  assert.equal(after.lastSeq, 2);
  assert.equal(after.lastActivityAt, T1);
});

Deno.test("decide - someone who never joined cannot post", () => {
  given().when({ type: "message", from: agent, messageId: "5", text: "hi" })
    .thenFails("not_a_participant");
});

Deno.test("decide - another customer cannot join someone else's conversation", () => {
  given().when({ type: "joined", from: { role: "customer", id: "cust-2" } })
    .thenFails("not_a_participant");
});

Deno.test("decide - joining twice is refused", () => {
  given({ type: "joined", from: bot }).when({ type: "joined", from: bot })
    .thenFails("already_a_participant");
});

Deno.test("decide - an agent joining sets the status with_agent", () => {
  const after = given({ type: "joined", from: bot }).when({ type: "joined", from: agent }).then({});
  assert.equal(after.status, "with_agent");
});

Deno.test("decide - a hand-off waits for an agent and links the ticket", () => {
  const after = given({ type: "joined", from: bot })
    .when({ type: "handed_off", from: bot, ticketId: "123", reason: "unsure" }).then({});
  assert.equal(after.status, "waiting_for_agent");
  assert.equal(after.ticketId, "123");
});

Deno.test("decide - the last agent leaving puts the customer back in the queue", () => {
  const after = given({ type: "joined", from: agent }).when({ type: "left", from: agent }).then({});
  assert.equal(after.status, "waiting_for_agent");
  assert.deepEqual(after.participants, [customer]);
});

Deno.test("decide - nothing is accepted after the conversation closed", () => {
  given({ type: "closed", from: customer, reason: "customer" })
    .when({ type: "message", from: customer, messageId: "5", text: "hello?" })
    .thenFails("conversation_closed");
});

Deno.test("decide - an unknown conversation is not found", () => {
  assert.throws(
    () => decide(null, { type: "typing", from: customer }, T1),
    (e) => e instanceof DomainError && e.code === "conversation_not_found" && e.status === 404,
  );
});

Deno.test("decide - a participant cannot close as expired or in another's name", () => {
  given().when({ type: "closed", from: customer, reason: "expired" })
    .thenFails("close_reason_not_allowed");
  given({ type: "joined", from: agent }).when({ type: "closed", from: agent, reason: "customer" })
    .thenFails("close_reason_not_allowed");
});

Deno.test("decide - a read marker past the end of the log is refused", () => {
  given().when({ type: "read", from: customer, upToSeq: 2 }).thenFails("read_marker_out_of_range");
});

Deno.test("decide - an empty message or a message id that is not an id is refused", () => {
  given().when({ type: "message", from: customer, messageId: "5", text: "  " })
    .thenFails("empty_message");
  given().when({ type: "message", from: customer, messageId: "a.b", text: "x" })
    .thenFails("invalid_message_id");
});

Deno.test("decideExpire - an idle conversation closes as expired by the service", () => {
  const { state } = given({ type: "typing", from: customer });
  assert.equal(idleDeadline(state!, 60_000), Date.parse(T1) + 60_000);
  const event = decideExpire(state, "2026-06-01T10:02:00.000Z", 60_000);
  assert.equal(event.type, "closed");
  assert.deepEqual(event.from, EXPIRY_ACTOR);
  assert.equal(evolve(state, event, ref)!.status, "closed");
});

Deno.test("decideExpire - a conversation active within the period is not closed", () => {
  const { state } = given({ type: "typing", from: customer });
  assert.throws(
    () => decideExpire(state, "2026-06-01T10:01:59.999Z", 60_000),
    (e) => e instanceof DomainError && e.code === "conversation_active",
  );
});

Deno.test("fold - a log that does not start with the customer joining is no conversation", () => {
  assert.equal(fold([{ type: "typing", seq: 1, at: T0, from: customer }], ref), null);
  assert.equal(fold([{ type: "joined", seq: 1, at: T0, from: agent }], ref), null);
});
