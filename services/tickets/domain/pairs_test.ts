import assert from "node:assert/strict";
import type { TicketEvent } from "@ticketd/shared/events/tickets.ts";
import { DomainError } from "@ticketd/shared/errors.ts";
import { decide } from "./decide.ts";
import { commit, finish, type PairSpec, parentOf, release, reserve } from "./pairs.ts";
import { canSee } from "./permissions.ts";
import { shownMessages, splitMessages } from "./split.ts";
import { agent, createCommand, customer, policy, stranger } from "./testing.ts";
import { evolve, type ExistingTicket, noTicket, type Ticket } from "./ticket.ts";

const spec = (overrides: Partial<PairSpec> = {}): PairSpec => ({
  opId: "900",
  op: "merge",
  sourceId: "100",
  targetId: "200",
  linkKind: null,
  undoes: null,
  reservedAt: "2026-01-01T00:00:00Z",
  ...overrides,
});

function ticket(id: string, requesterId: string, tags: string[] = []): Ticket {
  const command = createCommand({ ticketId: id, requesterId, tags });
  return decide(command, noTicket, { ...customer, id: requesterId }, policy).reduce(
    evolve,
    noTicket,
  );
}

const apply = (state: Ticket, events: TicketEvent[]) => events.reduce(evolve, state);

/** Runs the three steps of `s` on `source` and `target`; returns both after. */
function run(s: PairSpec, source: Ticket, target: Ticket) {
  source = apply(source, reserve(s, "source", source, agent));
  target = apply(target, reserve(s, "target", target, agent));
  const committed = commit(s, source, policy);
  return {
    source: apply(source, committed),
    target: apply(target, finish(s, committed[0], target, policy)),
  };
}

const fails = (fn: () => unknown, code: string) =>
  assert.throws(fn, (e) => e instanceof DomainError && e.code === code);

Deno.test("merge - the source closes pointing at the target; the target takes its tags and requester", () => {
  const { source, target } = run(
    spec(),
    ticket("100", "cust-1", ["a"]),
    ticket("200", "cust-2", ["b"]),
  );
  const s = source as ExistingTicket, t = target as ExistingTicket;
  assert.equal(s.status, "closed");
  assert.deepEqual(s.pairs?.mergedInto, { mergeId: "900", targetId: "200", statusBefore: "new" });
  assert.deepEqual(t.tags, ["b", "a"]);
  assert.deepEqual(t.coRequesterIds, ["cust-1"]);
  assert.equal(s.pairs?.reservation, null);
  assert.equal(t.pairs?.reservation, null);
  assert.ok(canSee(customer, t), "the source's requester may read the target");
  assert.ok(!canSee({ ...stranger, id: "cust-9" }, t));
});

Deno.test("merge - the target takes only the tags it has room for", () => {
  const full = ticket("200", "cust-2", ["1", "2", "3", "4"]);
  const { target } = run(spec(), ticket("100", "cust-1", ["a", "b"]), full);
  assert.deepEqual((target as ExistingTicket).tags, ["1", "2", "3", "4", "a"]);
});

Deno.test("merge - a reserved ticket refuses another operation; its own retry is a no-op", () => {
  const source = ticket("100", "cust-1");
  const held = apply(source, reserve(spec(), "source", source, agent));
  assert.deepEqual(reserve(spec(), "source", held, agent), []);
  fails(() => reserve(spec({ opId: "901" }), "source", held, agent), "ticket_busy");
});

Deno.test("merge - a merged ticket refuses commands and merges, naming its target", () => {
  const { source, target } = run(spec(), ticket("100", "cust-1"), ticket("200", "cust-2"));
  fails(() => reserve(spec({ opId: "901", targetId: "300" }), "source", source, agent), "merged");
  fails(
    () => reserve(spec({ opId: "901", sourceId: "300" }), "target", source, agent),
    "merged",
  );
  fails(
    () =>
      decide(
        { type: "PostMessage", messageId: "5", body: "enc:x", internal: false },
        source,
        customer,
        policy,
      ),
    "merged",
  );
  assert.deepEqual(
    reserve(spec({ opId: "902", sourceId: "300" }), "target", target, agent).length,
    1,
  );
});

Deno.test("merge - customers may not merge; an unseen target is invalid_pair_target", () => {
  const source = ticket("100", "cust-1");
  fails(() => reserve(spec(), "source", source, customer), "forbidden");
  const hidden = apply(ticket("200", "cust-2"), [{
    type: "TicketAssigned",
    data: { assigneeId: null, groupId: "elsewhere" },
  }]);
  fails(() => reserve(spec(), "target", hidden, agent), "invalid_pair_target");
  fails(() => reserve(spec(), "source", hidden, agent), "ticket_not_found");
});

Deno.test("merge - a commit or finish after a rollback is refused (operation_aborted)", () => {
  const source = ticket("100", "cust-1");
  const held = apply(source, reserve(spec(), "source", source, agent));
  const released = apply(held, release("900", held));
  fails(() => commit(spec(), released, policy), "operation_aborted");
  assert.deepEqual(release("900", released), []);
});

Deno.test("unmerge - restores the source's status and takes back the tags and requester", () => {
  const merged = run(spec(), ticket("100", "cust-1", ["a"]), ticket("200", "cust-2", ["b"]));
  const undo = spec({ opId: "950", op: "unmerge", undoes: "900" });
  const { source, target } = run(undo, merged.source, merged.target);
  const s = source as ExistingTicket, t = target as ExistingTicket;
  assert.equal(s.status, "new");
  assert.equal(s.pairs?.mergedInto, null);
  assert.deepEqual(t.tags, ["b"]);
  assert.deepEqual(t.coRequesterIds, []);
  fails(
    () => reserve(spec({ opId: "951", op: "unmerge", undoes: "900" }), "source", s, agent),
    "not_merged",
  );
});

Deno.test("links - stored with the inverse kind on the other ticket, removed from both", () => {
  const link = spec({ op: "link", linkKind: "parent_of" });
  const { source, target } = run(link, ticket("100", "cust-1"), ticket("200", "cust-2"));
  assert.deepEqual((source as ExistingTicket).pairs?.links, [
    { linkId: "900", kind: "parent_of", otherId: "200" },
  ]);
  assert.equal(parentOf(target), "100");
  fails(
    () => reserve(spec({ opId: "901", op: "link" }), "source", source, agent),
    "already_linked",
  );
  const unlink = spec({ opId: "960", op: "unlink", linkKind: "parent_of", undoes: "900" });
  const after = run(unlink, source, target);
  assert.deepEqual((after.source as ExistingTicket).pairs?.links, []);
  assert.equal(parentOf(after.target), null);
});

Deno.test("links - a ticket has one parent at most", () => {
  const first = run(
    spec({ op: "link", linkKind: "child_of" }),
    ticket("100", "cust-1"),
    ticket("200", "cust-2"),
  );
  const again = spec({ opId: "901", op: "link", linkKind: "child_of", targetId: "300" });
  fails(() => reserve(again, "source", first.source, agent), "already_has_parent");
});

Deno.test("split - moves the message and those after it, never the first; moved ones leave the original", () => {
  const message = (messageId: string): TicketEvent => ({
    type: "MessagePosted",
    data: { messageId, authorId: "cust-1", authorRole: "customer", internal: false, body: "enc:x" },
  });
  const events = [message("1"), message("2"), message("3"), message("4")];
  assert.deepEqual(splitMessages(events, "3"), ["3", "4"]);
  fails(() => splitMessages(events, "1"), "split_at_first_message");
  fails(() => splitMessages(events, "9"), "invalid_split_message");
  const split: TicketEvent = {
    type: "TicketSplit",
    data: { splitId: "50", originalId: "100", newTicketId: "200", messageIds: ["3", "4"] },
  };
  assert.deepEqual(shownMessages([...events, split]).map((m) => m.messageId), ["1", "2"]);
  fails(() => splitMessages([...events, split], "4"), "invalid_split_message");
  const undone: TicketEvent = {
    type: "TicketSplitUndone",
    data: { splitId: "50", originalId: "100", newTicketId: "200" },
  };
  assert.equal(shownMessages([...events, split, undone]).length, 4);
});

Deno.test("unsplit - refused once the split-off ticket has a message since the split", () => {
  const split: TicketEvent = {
    type: "TicketSplit",
    data: { splitId: "50", originalId: "100", newTicketId: "200", messageIds: ["3"] },
  };
  const fresh = apply(ticket("200", "cust-1"), [split]);
  const undo = spec({ opId: "951", op: "unsplit", sourceId: "200", targetId: "100", undoes: "50" });
  assert.equal(reserve(undo, "source", fresh, agent).length, 1);
  const answered = apply(fresh, [{
    type: "MessagePosted",
    data: {
      messageId: "7",
      authorId: "agent-1",
      authorRole: "agent",
      internal: false,
      body: "enc:y",
    },
  }]);
  fails(() => reserve(undo, "source", answered, agent), "split_answered");
});

Deno.test("unmerge - the target refuses once a merged requester posted there or staff replied publicly (merge_answered); notes and its own requester do not count", () => {
  const { target } = run(spec(), ticket("100", "cust-1"), ticket("200", "cust-2"));
  const undo = spec({ opId: "960", op: "unmerge", undoes: "900" });
  const message = (authorId: string, authorRole: "agent" | "customer", internal = false) => ({
    type: "MessagePosted" as const,
    data: { messageId: "8", authorId, authorRole, internal, body: "enc:z" },
  });
  const quiet = apply(target, [message("agent-1", "agent", true), message("cust-2", "customer")]);
  assert.equal(reserve(undo, "target", quiet, agent).length, 1);
  fails(
    () => reserve(undo, "target", apply(quiet, [message("cust-1", "customer")]), agent),
    "merge_answered",
  );
  fails(
    () => reserve(undo, "target", apply(quiet, [message("agent-1", "agent")]), agent),
    "merge_answered",
  );
});
