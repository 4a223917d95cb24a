import assert from "node:assert/strict";
import { Envelope } from "./envelope.ts";
import { generateKeyringFile, parseKeyring } from "./keyring.ts";

const keyring = parseKeyring(generateKeyringFile());

Deno.test("Envelope - text sealed for a context opens byte-for-byte in that context", async () => {
  const envelope = new Envelope(keyring);
  const text = "崩溃 when saving 💾 <script>alert(1)</script>\r\n\ttab";
  const sealed = await envelope.seal(text, "acme/1");
  assert.ok(sealed.startsWith("enc:v1:A256GCM:k1:"));
  assert.ok(!sealed.includes("崩溃") && !sealed.includes("script"));
  assert.equal(await envelope.open(sealed, "acme/1"), text);
});

Deno.test("Envelope - the same text sealed twice gives different ciphertexts", async () => {
  const envelope = new Envelope(keyring);
  assert.notEqual(await envelope.seal("same", "c"), await envelope.seal("same", "c"));
});

Deno.test("Envelope - a ciphertext moved to another ticket does not open", async () => {
  const envelope = new Envelope(keyring);
  const sealed = await envelope.seal("secret", "acme/1");
  await assert.rejects(envelope.open(sealed, "acme/2"), { code: "decryption_failed" });
});

Deno.test("Envelope - a tampered ciphertext is refused", async () => {
  const envelope = new Envelope(keyring);
  const sealed = await envelope.seal("secret", "c");
  const flipped = sealed.slice(0, -3) + (sealed.at(-3) === "A" ? "B" : "A") + sealed.slice(-2);
  await assert.rejects(envelope.open(flipped, "c"), { code: "decryption_failed" });
});

Deno.test("Envelope - after rotation old values still open and new ones use the new key", async () => {
  const file = generateKeyringFile();
  const before = new Envelope(parseKeyring(file));
  const old = await before.seal("old text", "c");
  const rotated = parseKeyring({
    ...file,
    active: "k2",
    keys: { ...file.keys, k2: generateKeyringFile().keys.k1 },
  });
  const after = new Envelope(rotated);
  assert.equal(await after.open(old, "c"), "old text");
  assert.ok((await after.seal("new", "c")).startsWith("enc:v1:A256GCM:k2:"));
});

Deno.test("parseKeyring - refuses keys that are not 32 bytes or an unknown active key", () => {
  const file = generateKeyringFile();
  assert.throws(() => parseKeyring({ ...file, keys: { k1: "AAAA" } }), { code: "invalid_keyring" });
  assert.throws(() => parseKeyring({ ...file, active: "nope" }), { code: "invalid_keyring" });
});

Deno.test("Envelope - a value sealed under a key the keyring lacks is refused with a code", async () => {
  const sealed = await new Envelope(parseKeyring(generateKeyringFile())).seal("x", "c");
  const other = new Envelope(
    parseKeyring({
      ...generateKeyringFile(),
      active: "k9",
      keys: { k9: generateKeyringFile().keys.k1 },
    }),
  );
  await assert.rejects(other.open(sealed, "c"), { code: "decryption_failed" });
  await assert.rejects(other.open("plain text", "c"), { code: "decryption_failed" });
});
