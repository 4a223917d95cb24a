/**
 * docs/configuration.md lists every setting: each `TICKETD_*` name the code of services/, shared/
 * and deploy/ reads (tests and test helpers aside), and no name the code no longer reads.
 * @module
 */
import assert from "node:assert/strict";

const ROOT = new URL("../", import.meta.url);
const CODE_FOLDERS = ["services", "shared", "deploy"];
// A whole name: `TICKETD_S3_*` or `TICKETD_GATEWAY_<NAME>_URL` in prose name a family, not a setting.
const SETTING = /\bTICKETD_[A-Z0-9_]*[A-Z0-9]\b/g;
// `bucket("TICKETD_RATE_ADDRESS", ...)` reads TICKETD_RATE_ADDRESS_BURST and ..._PER_MINUTE.
const RATE_BUCKET = /bucket\(\s*"(TICKETD_[A-Z0-9_]*[A-Z0-9])"/g;

function isTestCode(path: string): boolean {
  return path.endsWith("_test.ts") || path.endsWith("testing.ts") ||
    /\/(testing|testdata)\//.test(path);
}

async function* sourceFiles(dir: URL): AsyncGenerator<URL> {
  for await (const entry of Deno.readDir(dir)) {
    const url = new URL(entry.name + (entry.isDirectory ? "/" : ""), dir);
    if (entry.isDirectory) yield* sourceFiles(url);
    else if (entry.name.endsWith(".ts") && !isTestCode(url.pathname)) yield url;
  }
}

/** Every setting name the code reads, with the file that first names it. */
async function settingsInCode(): Promise<Map<string, string>> {
  const found = new Map<string, string>();
  for (const folder of CODE_FOLDERS) {
    for await (const file of sourceFiles(new URL(`${folder}/`, ROOT))) {
      const text = await Deno.readTextFile(file);
      const where = file.pathname.slice(ROOT.pathname.length);
      const names = new Set(text.match(SETTING) ?? []);
      for (const [, bucket] of text.matchAll(RATE_BUCKET)) {
        names.delete(bucket);
        names.add(`${bucket}_BURST`).add(`${bucket}_PER_MINUTE`);
      }
      for (const name of names) if (!found.has(name)) found.set(name, where);
    }
  }
  return found;
}

async function settingsInReference(): Promise<Set<string>> {
  const text = await Deno.readTextFile(new URL("docs/configuration.md", ROOT));
  return new Set(text.match(SETTING) ?? []);
}

Deno.test("configuration reference - every TICKETD_* setting the code reads is in docs/configuration.md", async () => {
  const documented = await settingsInReference();
  const missing = [...await settingsInCode()]
    .filter(([name]) => !documented.has(name))
    .map(([name, file]) => `${name} (${file})`);
  assert.deepEqual(missing, [], `add these to docs/configuration.md: ${missing.join(", ")}`);
});

Deno.test("configuration reference - docs/configuration.md lists no setting the code no longer reads", async () => {
  const code = await settingsInCode();
  const stale = [...await settingsInReference()].filter((name) => !code.has(name)).sort();
  assert.deepEqual(stale, [], `remove these from docs/configuration.md: ${stale.join(", ")}`);
});
