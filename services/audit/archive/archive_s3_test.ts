import { deepEqual, equal } from "node:assert/strict";
import { withArchiveS3 } from "./archive_s3.ts";
import { loadArchiveSettings } from "./settings.ts";
import { SegmentBucket } from "./segment_bucket.ts";
import { intSettings } from "@ticketd/shared/runtime/env_settings.ts";

const options = { sanitizeOps: false, sanitizeResources: false };
const int = intSettings({}, (message) => new Error(message));

Deno.test(
  "archive s3 - without TICKETD_S3_ENDPOINT a private s3rver keeps the archive in the data folder across restarts",
  options,
  async () => {
    const dataDir = await Deno.makeTempDir({ prefix: "ticketd-audit-s3-" });
    try {
      const first = await withArchiveS3({}, dataDir);
      equal(first.private, true);
      const bucket = new SegmentBucket(loadArchiveSettings(first.env, int).s3!);
      deepEqual(await bucket.list(""), []); // no bucket yet: nothing archived
      await bucket.ensure();
      await bucket.put("acme/TICKETS/x.manifest.json", new TextEncoder().encode("{}"));
      await first.stop();
      const second = await withArchiveS3({}, dataDir);
      const again = new SegmentBucket(loadArchiveSettings(second.env, int).s3!);
      deepEqual(await again.list("acme/"), ["acme/TICKETS/x.manifest.json"]);
      await second.stop();
    } finally {
      await Deno.remove(dataDir, { recursive: true });
    }
  },
);

Deno.test("archive s3 - a configured endpoint is used as it is, no private server", async () => {
  const given = { TICKETD_S3_ENDPOINT: "https://minio:9000" };
  const s3 = await withArchiveS3(given, "/nonexistent");
  equal(s3.private, false);
  equal(s3.env, given);
  await s3.stop();
});
