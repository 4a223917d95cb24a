import assert from "node:assert/strict";
import { formatBytes } from "./bytes.js";

Deno.test("formatBytes - sizes read as B, kB or MB with one decimal in the page's language", () => {
  assert.equal(formatBytes(512, "en"), "512 B");
  assert.equal(formatBytes(1_500_016, "en"), "1.5 MB");
  assert.equal(formatBytes(2_048, "en"), "2 kB");
  assert.match(formatBytes(1_500_016, "zh-CN"), /^1\.5\s?MB$/);
});
