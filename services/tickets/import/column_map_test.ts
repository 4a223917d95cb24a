import assert from "node:assert/strict";
import {
  columnMapping,
  datasetName,
  missingColumns,
  parseColumnMap,
  valueTables,
} from "./column_map.ts";

const limits = { maxSubjectChars: 500, maxBodyChars: 200_000, maxTags: 50 };

Deno.test("parseColumnMap - reads field=column pairs, tags may join columns with +", () => {
  assert.deepEqual(parseColumnMap("subject=title, body=text,tags=labels+team,id=ticket_id"), {
    subject: "title",
    body: "text",
    tags: ["labels", "team"],
    id: "ticket_id",
  });
});

Deno.test("parseColumnMap - refuses unknown fields and a map without text", () => {
  assert.throws(() => parseColumnMap("subject=a,colour=b"), /colour=b/);
  assert.throws(() => parseColumnMap("id=a"), /subject= or body=/);
});

Deno.test("missingColumns - names mapped columns the file lacks", () => {
  assert.deepEqual(missingColumns({ subject: "title", tags: ["a", "b"] }, { title: 1, a: 2 }), [
    "b",
  ]);
});

Deno.test("datasetName - derives a plain name from the file name", () => {
  assert.equal(datasetName("/x/exports/Help Desk (2024).csv"), "help-desk-2024");
  assert.equal(datasetName("???.jsonl"), "import");
});

Deno.test("columnMapping - maps columns through the given and default value tables", () => {
  const mapping = columnMapping(
    "desk",
    parseColumnMap(
      "subject=title,body=text,priority=prio,status=state,created=at,id=n,tags=labels",
    ),
    valueTables("P1=urgent,P2=high", "Done=solved"),
  );
  const row = {
    n: 7,
    title: "Printer",
    text: "On fire",
    prio: "p1",
    state: "Done",
    at: "2024-05-01 10:00",
    labels: "hw, Floor 2",
  };
  const { request } = mapping.map(row, 0, limits);
  assert.deepEqual(request, {
    subject: "Printer",
    body: "On fire",
    priority: "urgent",
    tags: ["hw", "floor-2"],
    requesterId: "import:desk",
    status: "solved",
    externalId: "desk:7",
    createdAt: "2024-05-01T10:00:00.000Z",
  });
  assert.equal(
    mapping.map({ ...row, prio: "Critical", state: "open" }, 0, limits).request.priority,
    "high",
  );
});

Deno.test("columnMapping - without an id column rows are keyed by their number", () => {
  const mapping = columnMapping("desk", parseColumnMap("body=text"));
  const { request } = mapping.map({ text: "Hello\nthere" }, 41, limits);
  assert.equal(request.externalId, "desk:row-42");
  assert.equal(request.subject, "Hello");
});
