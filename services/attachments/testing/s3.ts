/**
 * A throwaway S3-protocol server (`s3rver`) for tests: its own free port, its own temporary
 * folder, removed on stop. Never touches a shared MinIO.
 * @module
 */
import S3rver from "s3rver";
import * as Minio from "minio";

export interface TestS3 {
  endPoint: string;
  port: number;
  accessKey: string;
  secretKey: string;
  region: string;
  /** Where s3rver keeps buckets, objects and unfinished multipart uploads. */
  directory: string;
  /** A `minio` client pointed at this server. */
  client(): Minio.Client;
  /** Stops the server and deletes its folder; safe to call more than once. */
  stop(): Promise<void>;
}

/** Starts s3rver on 127.0.0.1 on a free port, credentials S3RVER/S3RVER, region us-east-1. */
export async function startTestS3(): Promise<TestS3> {
  const directory = await Deno.makeTempDir({ prefix: "ticketd_test_s3_" });
  const server = new S3rver({ port: 0, address: "127.0.0.1", silent: true, directory });
  const { port } = await server.run();
  let stopping: Promise<void> | undefined;
  const config = {
    endPoint: "127.0.0.1",
    port,
    accessKey: "S3RVER",
    secretKey: "S3RVER",
    region: "us-east-1",
  };
  return {
    ...config,
    directory,
    client: () => new Minio.Client({ ...config, useSSL: false }),
    stop: () =>
      stopping ??= (async () => {
        await server.close();
        await Deno.remove(directory, { recursive: true });
      })(),
  };
}
