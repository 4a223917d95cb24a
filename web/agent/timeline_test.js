import assert from "node:assert/strict";
import { timelineItems } from "./timeline.js";
import { rememberStatuses, statusLabel } from "./statuses.js";

Deno.test("timelineItems - messages, notes and changes merge oldest first; unknown events are left out", () => {
  const items = timelineItems(
    [
      { id: "1", authorId: "c1", internal: false, body: "Help", createdAt: "2026-01-01T10:00:00Z" },
      { id: "2", authorId: "a1", internal: true, body: "Hm", createdAt: "2026-01-01T12:00:00Z" },
    ],
    [{
      at: "2026-01-01T11:00:00Z",
      actor: { id: "a1" },
      events: [{ type: "TicketStatusChanged", from: "new", to: "open" }, { type: "Unknown" }],
    }],
  );
  assert.deepEqual(items.map((i) => [i.kind, i.by]), [
    ["message", "c1"],
    ["change", "a1"],
    ["note", "a1"],
  ]);
  assert.match(items[1].text, /→/);
});

Deno.test("timelineItems - a custom status reads by its name, both where it is set and where it is left", () => {
  rememberStatuses([
    { id: "900", category: "pending", names: { en: "Waiting on vendor" }, retired: true },
  ]);
  const change = (at, event) => ({ at, actor: { id: "a1" }, events: [event] });
  const items = timelineItems([], [
    change("2026-01-01T11:00:00Z", {
      type: "TicketStatusChanged",
      from: "open",
      to: "pending",
      customStatusId: "900",
    }),
    change("2026-01-01T12:00:00Z", { type: "TicketStatusChanged", from: "pending", to: "open" }),
  ]);
  assert.deepEqual(items.map((i) => i.text), [
    "Status: Open → Waiting on vendor",
    "Status: Waiting on vendor → Open",
  ]);
  assert.equal(
    statusLabel("pending", "unknown-id"),
    "Pending",
    "an unknown one reads as its state",
  );
});
