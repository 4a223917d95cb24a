import { deepEqual, equal } from "node:assert/strict";
import { sampleChain } from "../../domain/testing.ts";
import {
  manifestMismatch,
  manifestOf,
  parseSegmentText,
  segmentKeys,
  segmentText,
} from "./segment.ts";

const digest = { digestAlg: "SHA-256" as const, digest: "ab".repeat(32), bytes: 10 };

Deno.test("segment keys - tenant/stream/fromSeq-toSeq padded to 20 digits, parts URI-encoded", () => {
  deepEqual(segmentKeys("acme co", "TICKETS", 10, 2_000), {
    data: "acme%20co/TICKETS/00000000000000000010-00000000000000002000.ndjson.gz",
    manifest: "acme%20co/TICKETS/00000000000000000010-00000000000000002000.manifest.json",
  });
});

Deno.test("segment text - rows survive the NDJSON round trip; a broken line is refused", () => {
  const { rows } = sampleChain(3);
  deepEqual(parseSegmentText(segmentText(rows)), rows);
  equal(parseSegmentText(segmentText(rows).replace("{", "[")), null);
});

Deno.test("manifest - names the run's ends and agrees with its own rows only", () => {
  const { rows } = sampleChain(4);
  const manifest = manifestOf(rows.slice(1), digest, "2026-01-01T00:00:00.000Z");
  deepEqual(
    [manifest.fromN, manifest.toN, manifest.fromSeq, manifest.toSeq, manifest.count],
    [2, 4, 20, 40, 3],
  );
  equal(manifest.prevHash, rows[0].hash);
  equal(manifestMismatch(manifest, rows.slice(1)), null);
  equal(manifestMismatch(manifest, [rows[1], rows[3]]), "it holds 2 entries, its manifest says 3");
  equal(
    manifestMismatch(manifest, [rows[2], rows[1], rows[3]]),
    "it does not start at entry 2 (seq 20)",
  );
});
