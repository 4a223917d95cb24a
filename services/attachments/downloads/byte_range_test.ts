import assert from "node:assert/strict";
import { chooseRange } from "./byte_range.ts";

const partial = (start: number, end: number) => ({ kind: "partial", range: { start, end } });

Deno.test("chooseRange - no Range header sends the whole file", () => {
  assert.deepEqual(chooseRange(undefined, 100), { kind: "whole" });
});

Deno.test("chooseRange - bytes=a-b, a- and -n select one range, clamped to the file", () => {
  assert.deepEqual(chooseRange("bytes=0-9", 100), partial(0, 9));
  assert.deepEqual(chooseRange("bytes=90-200", 100), partial(90, 99));
  assert.deepEqual(chooseRange("bytes=50-", 100), partial(50, 99));
  assert.deepEqual(chooseRange("bytes=-10", 100), partial(90, 99));
  assert.deepEqual(chooseRange("bytes=-500", 100), partial(0, 99));
  assert.deepEqual(chooseRange("Bytes = 5 - 5 ", 100), partial(5, 5));
});

Deno.test("chooseRange - a range starting past the end, or an empty suffix, is unsatisfiable", () => {
  assert.deepEqual(chooseRange("bytes=100-", 100), { kind: "unsatisfiable" });
  assert.deepEqual(chooseRange("bytes=100-200", 100), { kind: "unsatisfiable" });
  assert.deepEqual(chooseRange("bytes=-0", 100), { kind: "unsatisfiable" });
  assert.deepEqual(chooseRange("bytes=99999999999999999999-", 100), { kind: "unsatisfiable" });
});

Deno.test("chooseRange - several ranges are answered with the whole file", () => {
  assert.deepEqual(chooseRange("bytes=0-1,5-6", 100), { kind: "whole" });
  assert.deepEqual(chooseRange("bytes=0-1, -5", 100), { kind: "whole" });
});

Deno.test("chooseRange - malformed ranges and unknown units are ignored", () => {
  for (
    const header of [
      "bytes=9-3",
      "bytes=-",
      "bytes=a-b",
      "items=0-5",
      "bytes=",
      "0-5",
      "bytes=1.5-2",
    ]
  ) {
    assert.deepEqual(chooseRange(header, 100), { kind: "whole" }, header);
  }
});

Deno.test("chooseRange - If-Range must equal the strong entity tag for the range to apply", () => {
  assert.deepEqual(chooseRange("bytes=0-9", 100, '"42"', '"42"'), partial(0, 9));
  assert.deepEqual(chooseRange("bytes=0-9", 100, '"41"', '"42"'), { kind: "whole" });
  assert.deepEqual(chooseRange("bytes=0-9", 100, "Wed, 21 Oct 2015 07:28:00 GMT", '"42"'), {
    kind: "whole",
  });
});

Deno.test("chooseRange - an empty file is always whole", () => {
  assert.deepEqual(chooseRange("bytes=-5", 0), { kind: "whole" });
  assert.deepEqual(chooseRange("bytes=0-", 0), { kind: "whole" });
});
