import assert from "node:assert/strict";
import { lockDataDir } from "./data_dir_lock.ts";

Deno.test("lockDataDir - a second claim while the owner lives is refused with a code", async () => {
  const dir = await Deno.makeTempDir();
  const child = new Deno.Command("sleep", { args: ["30"] }).spawn();
  try {
    await Deno.writeTextFile(`${dir}/.ticketd.lock`, String(child.pid));
    await assert.rejects(lockDataDir(dir), { code: "data_dir_in_use" });
  } finally {
    child.kill();
    await child.status;
  }
});

Deno.test("lockDataDir - a lock left by a dead process is taken over, and release frees it", async () => {
  const dir = await Deno.makeTempDir();
  await Deno.writeTextFile(`${dir}/.ticketd.lock`, "999999999");
  const lock = await lockDataDir(dir);
  assert.equal(await Deno.readTextFile(`${dir}/.ticketd.lock`), String(Deno.pid));
  await lock.release();
  await (await lockDataDir(dir)).release();
});
