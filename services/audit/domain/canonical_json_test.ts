import { deepEqual, throws } from "node:assert/strict";
import { canonicalJson } from "./canonical_json.ts";

Deno.test("canonicalJson - sorts keys at every depth and writes no whitespace", () => {
  deepEqual(
    canonicalJson({ b: 1, a: { d: [3, { z: true, y: null }], c: "x" } }),
    '{"a":{"c":"x","d":[3,{"y":null,"z":true}]},"b":1}',
  );
});

Deno.test("canonicalJson - escapes strings as JSON.stringify does and drops undefined", () => {
  deepEqual(canonicalJson({ s: 'a"\n\u2028中', u: undefined }), '{"s":"a\\"\\n\u2028中"}');
});

Deno.test("canonicalJson - refuses numbers JSON cannot hold", () => {
  throws(() => canonicalJson({ n: NaN }), TypeError);
});
