import assert from "node:assert/strict";
import { AttachmentsConfigError, loadAttachmentsConfig } from "./config.ts";

Deno.test("loadAttachmentsConfig: without an S3 endpoint there is no object store; limits default", () => {
  const config = loadAttachmentsConfig({});
  assert.equal(config.s3, null);
  assert.equal(config.port, 8084);
  assert.equal(config.partBytes % (64 * 1024 + 16), 0); // whole sealed segments
  assert.ok(config.partBytes >= 8 * 1024 * 1024);
  assert.equal(config.clamav, undefined);
});

Deno.test("loadAttachmentsConfig reads the S3 endpoint and refuses one without credentials", () => {
  const s3 = loadAttachmentsConfig({
    TICKETD_S3_ENDPOINT: "https://minio.internal:9000",
    TICKETD_S3_ACCESS_KEY: "ticketd",
    TICKETD_S3_SECRET_KEY: "secret",
  }).s3!;
  assert.deepEqual([s3.endPoint, s3.port, s3.useSSL, s3.bucket], [
    "minio.internal",
    9000,
    true,
    "ticketd-attachments",
  ]);
  assert.throws(
    () => loadAttachmentsConfig({ TICKETD_S3_ENDPOINT: "http://minio:9000" }),
    (e) => e instanceof AttachmentsConfigError && /TICKETD_S3_ACCESS_KEY/.test(e.message),
  );
  assert.throws(() => loadAttachmentsConfig({ TICKETD_ATTACHMENTS_PART_MB: "4" }), /PART_MB/);
});
