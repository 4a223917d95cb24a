import assert from "node:assert/strict";
import { linkRows } from "./links.js";

Deno.test("linkRows - merged tickets first (kept), then links (removable), each naming the other ticket", () => {
  const rows = linkRows({
    merged: [{ ticketId: "11", mergeId: "90" }],
    links: [{ ticketId: "12", kind: "parent_of", linkId: "91" }],
  });
  assert.deepEqual(rows.map((r) => [r.ticketId, r.removable]), [["11", false], ["12", true]]);
  assert.ok(rows.every((r) => r.label.length > 0));
  assert.deepEqual(linkRows({}), []);
});
