import assert from "node:assert/strict";
import { dummyHash, hashSecret, needsRehash, verifySecret } from "./passwords.ts";

const params = { logN: 14, r: 8, p: 1 };

Deno.test("hashSecret - the hash names its parameters and verifies the secret only", async () => {
  const stored = await hashSecret("correct horse battery", params);
  assert.match(stored, /^\$scrypt\$ln=14,r=8,p=1\$/);
  assert.ok(!stored.includes("horse"));
  assert.equal(await verifySecret("correct horse battery", stored), true);
  assert.equal(await verifySecret("correct horse batterY", stored), false);
});

Deno.test("hashSecret - the same secret hashes differently each time (salted)", async () => {
  assert.notEqual(await hashSecret("s", params), await hashSecret("s", params));
});

Deno.test("verifySecret - a malformed or absurd stored hash is false, not an error", async () => {
  assert.equal(await verifySecret("s", "plain"), false);
  assert.equal(await verifySecret("s", "$scrypt$ln=30,r=8,p=1$AAAA$AAAA"), false);
});

Deno.test("verifySecret - an older, weaker hash still verifies and asks for a rehash", async () => {
  const weak = await hashSecret("pw", { logN: 12, r: 8, p: 1 });
  assert.equal(await verifySecret("pw", weak), true);
  assert.equal(needsRehash(weak, params), true);
  assert.equal(needsRehash(await hashSecret("pw", params), params), false);
});

Deno.test("dummyHash - checking against it costs about as much as a real hash", async () => {
  const real = await hashSecret("pw", params);
  const dummy = await dummyHash(params);
  const time = async (stored: string) => {
    const started = performance.now();
    await verifySecret("guess", stored);
    return performance.now() - started;
  };
  await time(real);
  const [a, b] = [await time(real), await time(dummy)];
  assert.ok(b > a / 3 && a > b / 3, `real ${a} ms vs dummy ${b} ms`);
});
