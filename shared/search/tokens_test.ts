import assert from "node:assert/strict";
import { documentTokens, hashTokens, queryTokens } from "./tokens.ts";

const key = new Uint8Array(32).fill(7);

Deno.test("documentTokens - English text becomes lower-case words", () => {
  assert.deepEqual([...documentTokens("NameNode CRASHES on start-up")], [
    "namenode",
    "crashes",
    "on",
    "start",
    "up",
  ]);
});

Deno.test("documentTokens - CJK text yields characters and neighbouring pairs", () => {
  assert.deepEqual([...documentTokens("软件崩溃")], [
    "软",
    "软件",
    "件",
    "件崩",
    "崩",
    "崩溃",
    "溃",
  ]);
});

Deno.test("queryTokens - a Chinese keyword inside a sentence is found by its pairs", () => {
  const doc = documentTokens("打开大文件时VS Code崩溃了");
  for (const token of queryTokens("崩溃")) assert.ok(doc.has(token));
  for (const token of queryTokens("文件崩溃")) {
    if (token !== "件崩") assert.ok(doc.has(token));
  }
  assert.ok(!doc.has("件崩"), "pairs only join neighbours");
});

Deno.test("queryTokens - a single CJK character matches as itself", () => {
  assert.deepEqual([...queryTokens("崩")], ["崩"]);
  assert.ok(documentTokens("崩溃").has("崩"));
});

Deno.test("normalise - full-width and compatibility forms match their plain forms", () => {
  assert.deepEqual([...queryTokens("ＶＳＣＯＤＥ")], ["vscode"]);
});

Deno.test("hashTokens - the same token and key give the same hash; another key does not", () => {
  const [a] = hashTokens(["crash"], key);
  const [b] = hashTokens(["crash"], key);
  const [c] = hashTokens(["crash"], new Uint8Array(32).fill(8));
  assert.equal(a, b);
  assert.notEqual(a, c);
  assert.match(a, /^-?[0-9]+$/);
  assert.ok(BigInt(a) >= -(2n ** 63n) && BigInt(a) < 2n ** 63n);
});

Deno.test("hashTokens - gm tenants hash with HMAC-SM3: stable, 64-bit, unlike the SipHash of intl", () => {
  const gm = hashTokens(["namenode", "崩溃"], key, "gm");
  assert.deepEqual(hashTokens(["namenode", "崩溃"], key, "gm"), gm);
  for (const hash of gm) assert.ok(BigInt.asIntN(64, BigInt(hash)) === BigInt(hash));
  assert.notDeepEqual(hashTokens(["namenode", "崩溃"], key, "intl"), gm);
  assert.notDeepEqual(hashTokens(["namenode"], new Uint8Array(32), "gm"), gm.slice(0, 1));
});
