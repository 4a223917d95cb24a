/**
 * A private S3-protocol server (`s3rver`) with its data in the data folder, for trying Ticketd
 * on one machine without MinIO (`deno task start` with no `TICKETD_S3_ENDPOINT`), as the private
 * nats-server and the embedded PostgreSQL are. On 127.0.0.1 only; production uses MinIO.
 * @module
 */
import S3rver from "s3rver";

export interface PrivateS3 {
  endpoint: string;
  accessKey: string;
  secretKey: string;
  stop(): Promise<void>;
}

/**
 * Starts s3rver on a free port of 127.0.0.1, keeping its objects under `directory`; over HTTPS
 * when given a certificate and key (PEM text).
 */
export async function startPrivateS3(
  directory: string,
  tls?: { cert: string; key: string },
): Promise<PrivateS3> {
  await Deno.mkdir(directory, { recursive: true });
  const server = new S3rver({ port: 0, address: "127.0.0.1", silent: true, directory, ...tls });
  const { port } = await server.run();
  return {
    endpoint: `${tls ? "https" : "http"}://127.0.0.1:${port}`,
    accessKey: "S3RVER",
    secretKey: "S3RVER",
    stop: () => server.close(),
  };
}

/** `env` as the services read it: pointed at a private s3rver when it names no S3. */
export interface S3Env {
  env: Record<string, string | undefined>;
  /** True when `env` named no `TICKETD_S3_ENDPOINT` and a private s3rver was started. */
  private: boolean;
  /** Ends the private s3rver (if any); safe to call when there is none. */
  stop(): Promise<void>;
}

/**
 * `env` unchanged when it sets `TICKETD_S3_ENDPOINT`, else with `TICKETD_S3_*` pointed at a
 * private s3rver keeping its objects under `directory` (each service its own folder).
 */
export async function withPrivateS3Env(
  env: Record<string, string | undefined>,
  directory: string,
): Promise<S3Env> {
  if (env.TICKETD_S3_ENDPOINT) return { env, private: false, stop: () => Promise.resolve() };
  const s3 = await startPrivateS3(directory);
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
