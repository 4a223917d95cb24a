import assert from "node:assert/strict";
import { z } from "zod";
import { defineEvent, upcastAndParse } from "./registry.ts";

// A made-up history: v1 had one "name", v2 split it, v3 added a default "tags".
const PersonRenamed = defineEvent(
  3,
  z.object({ first: z.string(), last: z.string(), tags: z.array(z.string()) }),
  {
    1: (d) => {
      const [first, ...rest] = String((d as { name: string }).name).split(" ");
      return { first, last: rest.join(" ") };
    },
    2: (d) => ({ ...(d as object), tags: [] }),
  },
);

Deno.test("upcastAndParse - a v1 payload is lifted through every upcaster to the current shape", () => {
  const data = upcastAndParse(PersonRenamed, {
    type: "PersonRenamed",
    v: 1,
    data: { name: "Ada King Lovelace" },
  });
  assert.deepEqual(data, { first: "Ada", last: "King Lovelace", tags: [] });
});

Deno.test("upcastAndParse - a current payload is validated as is", () => {
  const data = { first: "A", last: "B", tags: ["x"] };
  assert.deepEqual(upcastAndParse(PersonRenamed, { type: "PersonRenamed", v: 3, data }), data);
});

Deno.test("upcastAndParse - an event from a newer build is refused with a code", () => {
  assert.throws(
    () => upcastAndParse(PersonRenamed, { type: "PersonRenamed", v: 4, data: {} }),
    { code: "unknown_event_version" },
  );
});

Deno.test("defineEvent - a missing upcaster is caught at definition time", () => {
  assert.throws(() => defineEvent(2, z.object({})), /Missing upcaster from v1/);
});
