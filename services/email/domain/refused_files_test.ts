import assert from "node:assert/strict";
import { refusedFilesNote } from "./refused_files.ts";

Deno.test("refusedFilesNote - each file is marked not accepted, kept in the original mail, with why", () => {
  const note = refusedFilesNote([
    {
      fileName: "setup.exe",
      mime: "application/x-msdownload",
      size: 12,
      reason: "type_not_allowed",
    },
    { fileName: "a\r\nb.zip", mime: "application/zip", size: 9, reason: "unavailable" },
  ]);
  assert.deepEqual(note.split("\n").slice(1), [
    "- setup.exe (application/x-msdownload, 12 bytes): not accepted: kept in the original mail " +
    "(type_not_allowed)",
    "- a b.zip (application/zip, 9 bytes): not accepted: kept in the original mail (unavailable)",
  ]);
});
