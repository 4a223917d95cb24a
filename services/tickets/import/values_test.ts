import assert from "node:assert/strict";
import { PRIORITIES } from "@ticketd/shared/events/tickets.ts";
import {
  DEFAULT_PRIORITIES,
  DEFAULT_STATUSES,
  isoTime,
  labelList,
  lookup,
  parseValueTable,
  textOf,
} from "./values.ts";

Deno.test("isoTime - a time without a zone is read as UTC", () => {
  assert.equal(isoTime("2021-09-30T17:20:00"), "2021-09-30T17:20:00.000Z");
  assert.equal(isoTime("2021-09-30 17:20"), "2021-09-30T17:20:00.000Z");
  assert.equal(isoTime("2021-09-30"), "2021-09-30T00:00:00.000Z");
});

Deno.test("isoTime - zoned times and epochs are normalised to ISO UTC", () => {
  assert.equal(isoTime("2020-01-02T17:14:21Z"), "2020-01-02T17:14:21.000Z");
  assert.equal(isoTime("2020-01-02T17:14:21+0200"), "2020-01-02T15:14:21.000Z");
  assert.equal(isoTime("2020-01-02T17:14:21.123456-01:00"), "2020-01-02T18:14:21.123Z");
  assert.equal(isoTime(1577985261), "2020-01-02T17:14:21.000Z");
  assert.equal(isoTime("1577985261000"), "2020-01-02T17:14:21.000Z");
});

Deno.test("isoTime - anything else is null", () => {
  assert.equal(isoTime("yesterday"), null);
  assert.equal(isoTime("02/01/2020"), null);
  assert.equal(isoTime(null), null);
});

Deno.test("lookup - is case-insensitive and reports unknown values with the fallback", () => {
  assert.deepEqual(lookup(DEFAULT_STATUSES, "Patch Available", "new"), {
    value: "pending",
    unknown: false,
  });
  assert.deepEqual(lookup(DEFAULT_STATUSES, "RESOLVED", "new").value, "solved");
  assert.deepEqual(lookup(DEFAULT_PRIORITIES, "P4-lowest", "normal").value, "low");
  assert.deepEqual(lookup(DEFAULT_PRIORITIES, "whenever", "normal"), {
    value: "normal",
    unknown: true,
  });
});

Deno.test("parseValueTable - reads value=target pairs and refuses unknown targets", () => {
  assert.deepEqual(parseValueTable("P1=urgent, P2 = high", PRIORITIES, "priority"), {
    p1: "urgent",
    p2: "high",
  });
  assert.throws(() => parseValueTable("P1=asap", PRIORITIES, "priority"), /--priority-map/);
});

Deno.test("labelList - takes arrays, JSON array strings and delimited strings", () => {
  assert.deepEqual(labelList(["a", "", null, 3]), ["a", "3"]);
  assert.deepEqual(labelList('["x", "y"]'), ["x", "y"]);
  assert.deepEqual(labelList("bug; ui | p1,"), ["bug", "ui", "p1"]);
  assert.deepEqual(labelList(undefined), []);
});

Deno.test("textOf - turns source values into text", () => {
  assert.equal(textOf(null), "");
  assert.equal(textOf(42), "42");
  assert.equal(textOf({ a: 1 }), '{"a":1}');
});
