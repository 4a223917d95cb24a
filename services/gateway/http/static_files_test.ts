import assert from "node:assert/strict";
import { acceptedCodings } from "./static_files.ts";

Deno.test("acceptedCodings - names the codings a browser accepts, not those refused with q=0", () => {
  assert.deepEqual([...acceptedCodings("gzip, deflate, br, zstd")], [
    "gzip",
    "deflate",
    "br",
    "zstd",
  ]);
  assert.deepEqual([...acceptedCodings("br;q=0, gzip;q=0.5")], ["gzip"]);
  assert.deepEqual([...acceptedCodings("")], []);
});
