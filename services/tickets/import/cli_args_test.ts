import assert from "node:assert/strict";
import { parseCli } from "./cli_args.ts";

Deno.test("parseCli - defaults for a known data set", () => {
  const args = parseCli(["tickets.jsonl"]);
  assert.deepEqual(args.files, ["tickets.jsonl"]);
  assert.equal(args.tenant, "demo");
  assert.equal(args.concurrency, 16);
  assert.equal(args.map, undefined);
  assert.equal(args.dryRun, false);
});

Deno.test("parseCli - reads the mapping and run options", () => {
  const args = parseCli([
    "a.csv",
    "b.csv",
    "--map",
    "subject=title,tags=labels",
    "--priority-map",
    "P1=urgent",
    "--concurrency=4",
    "--limit",
    "10",
    "--dry-run",
    "--dataset",
    "desk",
  ]);
  assert.deepEqual(args.map, { subject: "title", tags: ["labels"] });
  assert.equal(args.priorityMap, "P1=urgent");
  assert.equal(args.concurrency, 4);
  assert.equal(args.limit, 10);
  assert.equal(args.dryRun, true);
  assert.equal(args.dataset, "desk");
});

Deno.test("parseCli - refuses what it cannot use, with a readable reason", () => {
  assert.throws(() => parseCli([]), /at least one file/);
  assert.throws(() => parseCli(["a", "--concurrency", "0"]), /--concurrency/);
  assert.throws(() => parseCli(["a", "--status-map", "Done=finished"]), /--status-map/);
  assert.throws(() => parseCli(["a", "--format", "xml"]), /--format/);
  assert.throws(() => parseCli(["a", "--dataset", "Has Space"]), /--dataset/);
  assert.throws(() => parseCli(["a", "--bogus"]));
});
