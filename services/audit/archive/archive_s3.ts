/**
 * Where the archive's S3 is: `TICKETD_S3_ENDPOINT` when set (MinIO in production), else a private
 * s3rver keeping its objects in `<data dir>/audit-s3` (as attachments keeps its own in
 * `<data dir>/s3`), so `deno task start` archives on one machine too, and the audit commands
 * (run with the service stopped) find the same objects.
 * @module
 */
import { type S3Env, withPrivateS3Env } from "@ticketd/shared/runtime/private_s3.ts";

/** `env`, pointed at a private s3rver when it names no S3; `stop()` ends that server. */
export function withArchiveS3(
  env: Record<string, string | undefined>,
  dataDir: string,
): Promise<S3Env> {
  return withPrivateS3Env(env, `${dataDir}/audit-s3`);
}
