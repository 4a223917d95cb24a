import assert from "node:assert/strict";
import { DomainError } from "@ticketd/shared/errors.ts";
import { parseManifest } from "./manifest.ts";

const refused = (raw: unknown, pattern: RegExp) =>
  assert.throws(
    () => parseManifest(raw, "x/manifest.json"),
    (error: Error) =>
      error instanceof DomainError && error.code === "bot_manifest_invalid" &&
      pattern.test(error.message),
  );

Deno.test("parseManifest - fills in no permissions and no settings", () => {
  assert.deepEqual(parseManifest({ name: "faq", entry: "bot.ts" }, "m"), {
    name: "faq",
    entry: "bot.ts",
    permissions: {},
    settings: [],
  });
});

Deno.test("parseManifest - refuses paths that climb out of the plugin folder", () => {
  refused({ name: "a", entry: "../bot.ts" }, /entry must stay inside/);
  refused({ name: "a", entry: "bot.ts", permissions: { read: ["/etc/passwd"] } }, /read\.0/);
});

Deno.test("parseManifest - refuses a net entry naming a setting it does not declare", () => {
  refused(
    { name: "a", entry: "bot.ts", permissions: { net: ["setting:baseUrl"] } },
    /"setting:baseUrl" is not a setting/,
  );
});

Deno.test("parseManifest - refuses unknown fields, such as a permission it has no say over", () => {
  refused({ name: "a", entry: "bot.ts", permissions: { run: ["sh"] } }, /permissions/);
});
