import assert from "node:assert/strict";
import { SERVICES, withSecretFiles } from "./launch.ts";

Deno.test("SERVICES - the image runs every service that has a main.ts of its own, by its folder name", () => {
  const services = new URL("../services/", import.meta.url);
  const withMain = [...Deno.readDirSync(services)]
    .filter((entry) => entry.isDirectory)
    .filter((entry) => {
      try {
        return Deno.statSync(new URL(`${entry.name}/main.ts`, services)).isFile;
      } catch {
        return false;
      }
    })
    .map((entry) => entry.name);
  assert.deepEqual(Object.keys(SERVICES).sort(), withMain.sort());
});

Deno.test("withSecretFiles - a secret file becomes its setting; paths that are settings stay", async () => {
  const file = await Deno.makeTempFile();
  try {
    await Deno.writeTextFile(file, "s3cret\n");
    const env = await withSecretFiles({
      PGPASSWORD_FILE: file,
      TICKETD_KEYRING_FILE: "/run/secrets/keyring.json",
    });
    assert.equal(env.PGPASSWORD, "s3cret");
    assert.equal(env.PGPASSWORD_FILE, undefined);
    assert.equal(env.TICKETD_KEYRING_FILE, "/run/secrets/keyring.json");
  } finally {
    await Deno.remove(file);
  }
});

Deno.test("withSecretFiles - a secret file that cannot be read fails the start", async () => {
  await assert.rejects(
    withSecretFiles({ PGPASSWORD_FILE: "/nonexistent/pg" }),
    Deno.errors.NotFound,
  );
});
