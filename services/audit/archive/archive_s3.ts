/**
 * Where the archive's S3 is: `TICKETD_S3_ENDPOINT` when set (MinIO in production), else a private
 * s3rver keeping its objects in `<data dir>/audit-s3` (as attachments keeps its own in
 * `<data dir>/s3`), so `deno task start` archives on one machine too, and the audit commands
 * (run with the service stopped) find the same objects.
 * @module
 */
import { startPrivateS3 } from "@ticketd/shared/runtime/private_s3.ts";

/** `env`, pointed at a private s3rver when it names no S3; `stop()` ends that server. */
export async function withArchiveS3(
  env: Record<string, string | undefined>,
  dataDir: string,
): Promise<{ env: Record<string, string | undefined>; private: boolean; stop(): Promise<void> }> {
  if (env.TICKETD_S3_ENDPOINT) return { env, private: false, stop: () => Promise.resolve() };
  const s3 = await startPrivateS3(`${dataDir}/audit-s3`);
  return {
    env: {
      ...env,
      TICKETD_S3_ENDPOINT: s3.endpoint,
      TICKETD_S3_ACCESS_KEY: s3.accessKey,
      TICKETD_S3_SECRET_KEY: s3.secretKey,
    },
    private: true,
    stop: () => s3.stop(),
  };
}
