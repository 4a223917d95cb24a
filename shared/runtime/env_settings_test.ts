import assert from "node:assert/strict";
import { intSettings, textSettings } from "./env_settings.ts";

Deno.test("intSettings gives the default for unset or empty, the value when in range", () => {
  const int = intSettings({ A: "", B: "7" }, (m) => new Error(m));
  assert.equal(int("A", 3), 3);
  assert.equal(int("UNSET", 4), 4);
  assert.equal(int("B", 1, 0, 10), 7);
});

Deno.test("intSettings refuses a fraction, a word or a value out of range, naming the setting", () => {
  const int = intSettings({ F: "1.5", W: "ten", BIG: "99" }, (m) => new RangeError(m));
  assert.throws(() => int("F", 1), /F must be an integer >= 1, got "1.5"/);
  assert.throws(() => int("W", 1), RangeError);
  assert.throws(() => int("BIG", 1, 0, 10), /BIG must be an integer in 0\.\.10, got "99"/);
});

Deno.test("textSettings gives the fallback (or undefined) for unset or empty, else the value as given", () => {
  const text = textSettings({ EMPTY: "", SET: " a b " });
  assert.equal(text("EMPTY", "default"), "default");
  assert.equal(text("UNSET", "default"), "default");
  assert.equal(text("EMPTY"), undefined);
  assert.equal(text("SET", "default"), " a b ");
  assert.equal(text("EMPTY") ?? text("SET", "x"), " a b ");
});
