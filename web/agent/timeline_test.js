import assert from "node:assert/strict";
import { timelineItems } from "./timeline.js";

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
