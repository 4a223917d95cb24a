import assert from "node:assert/strict";
import { banking77Rows, gitbugsPriorityRows, parseCsv, ticketdPriority } from "./data_rows.ts";

Deno.test("parseCsv - quoted fields keep commas, doubled quotes and line breaks; CRLF ends", () => {
  assert.deepEqual(parseCsv('a,"b, c","say ""hi""\nthere"\r\n1,,3\n'), [
    ["a", "b, c", 'say "hi"\nthere'],
    ["1", "", "3"],
  ]);
});

Deno.test("banking77Rows - reads id, text and queue_derived by header name", () => {
  const csv = 'id,split,text,intent,queue_derived\nb77-1,train,"Card lost, help",lost_card,cards\n';
  assert.deepEqual(banking77Rows(csv), [{ id: "b77-1", text: "Card lost, help", label: "cards" }]);
});

Deno.test("ticketdPriority - gitbugs' five levels onto Ticketd's four; unset is null", () => {
  assert.equal(ticketdPriority("P0-urgent"), "urgent");
  assert.equal(ticketdPriority("P1-high"), "high");
  assert.equal(ticketdPriority("P2-medium"), "normal");
  assert.equal(ticketdPriority("P3-low"), "low");
  assert.equal(ticketdPriority("P4-lowest"), "low");
  assert.equal(ticketdPriority(""), null);
});

Deno.test("gitbugsPriorityRows - text is summary + description; rows without priority skipped", () => {
  const jsonl = [
    { id: "hadoop-1", summary: "NPE", description: "stack", priority_norm: "P0-urgent" },
    { id: "seamonkey-2", summary: "slow", description: "mac", priority_norm: "" },
  ].map((row) => JSON.stringify(row)).join("\n");
  assert.deepEqual(gitbugsPriorityRows(jsonl), [{
    id: "hadoop-1",
    text: "NPE\nstack",
    label: "urgent",
  }]);
});
