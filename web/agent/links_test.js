import assert from "node:assert/strict";
import { linkRows, ticketReference } from "./links.js";

Deno.test("linkRows - merged tickets first (kept), then links (removable), each naming the other ticket", () => {
  const rows = linkRows({
    merged: [{ ticketId: "11", mergeId: "90" }],
    links: [{ ticketId: "12", kind: "parent_of", linkId: "91" }],
  });
  assert.deepEqual(rows.map((r) => [r.ticketId, r.removable]), [["11", false], ["12", true]]);
  assert.ok(rows.every((r) => r.label.length > 0));
  assert.deepEqual(linkRows({}), []);
});

Deno.test("ticketReference - #123 and 123 are ticket numbers, a snowflake is an id, other text none", () => {
  assert.deepEqual(ticketReference(" #123 "), { number: 123 });
  assert.deepEqual(ticketReference("42"), { number: 42 });
  assert.deepEqual(ticketReference("387128891464429568"), { id: "387128891464429568" });
  for (const typed of ["", "#", "#0", "12a", "-3"]) assert.equal(ticketReference(typed), null);
});
