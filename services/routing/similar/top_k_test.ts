import assert from "node:assert/strict";
import { TopK } from "./top_k.ts";

Deno.test("TopK - keeps the k highest scores, best first, ties to the lower document", () => {
  const best = new TopK(3);
  [[1, 0.5], [2, 3], [3, 1], [4, 3], [5, 0.1], [6, 2]].forEach(([doc, s]) => best.offer(doc, s));
  assert.deepEqual(best.sorted(), [{ doc: 2, score: 3 }, { doc: 4, score: 3 }, {
    doc: 6,
    score: 2,
  }]);
});
