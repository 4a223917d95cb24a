/**
 * An attachments instance for integration tests, beside a tickets harness: a real s3rver, its
 * own NATS connection, the harness's dev tokens, served on a free port so `tus-js-client` can
 * upload to it.
 * @module
 */
import { Buffer } from "node:buffer";
import { connect } from "@nats-io/transport-node";
import * as tus from "tus-js-client";
import { createLogger } from "@ticketd/shared/log/logger.ts";
import { loadAttachmentsConfig } from "../../services/attachments/config.ts";
import {
  type AttachmentsService,
  startAttachmentsService,
} from "../../services/attachments/service.ts";
import { startTestS3, type TestS3 } from "../../services/attachments/testing/s3.ts";
import { type Caller, type Harness, withHarness } from "./tickets_harness.ts";

export interface AttachmentsInstance {
  service: AttachmentsService;
  s3: TestS3;
  url: string;
  call(
    who: Caller,
    method: string,
    path: string,
    headers?: Record<string, string>,
  ): Promise<Response>;
  stop(): Promise<void>;
}

export async function startAttachments(
  h: Harness,
  env: Record<string, string> = {},
): Promise<AttachmentsInstance> {
  const s3 = await startTestS3();
  const config = loadAttachmentsConfig({
    TICKETD_S3_ENDPOINT: `http://127.0.0.1:${s3.port}`,
    TICKETD_S3_ACCESS_KEY: s3.accessKey,
    TICKETD_S3_SECRET_KEY: s3.secretKey,
    ...env,
  });
  const nc = await connect({ servers: h.natsUrl });
  const service = await startAttachmentsService({ ...config, s3: config.s3! }, {
    nc,
    keyring: h.keyring,
    profiles: h.config.profiles,
    dataKeyCacheEntries: 1_000,
    verify: h.verify,
    log: createLogger("error", { service: "attachments-test" }),
  });
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen: () => {} }, service.fetch);
  const url = `http://127.0.0.1:${server.addr.port}`;
  return {
    service,
    s3,
    url,
    async call(who, method, path, headers = {}) {
      return await fetch(`${url}${path}`, {
        method,
        headers: { authorization: `Bearer ${await h.token(who)}`, ...headers },
      });
    },
    async stop() {
      await server.shutdown();
      await service.stop();
      await nc.drain().catch(() => {});
      await s3.stop();
    },
  };
}

/** A test on the harness and an attachments instance started with `env`, both stopped after. */
export function withAttachments(
  fn: (h: Harness, a: AttachmentsInstance) => Promise<void>,
  env: Record<string, string> = {},
): () => Promise<void> {
  return () =>
    withHarness(async (h) => {
      const a = await startAttachments(h, env);
      try {
        await fn(h, a);
      } finally {
        await a.stop();
      }
    });
}

/** Uploads `file` to `ticketId` as `who` with the real tus client; resolves to its upload URL. */
export async function tusUpload(
  h: Harness,
  attachmentsUrl: string,
  who: Caller,
  upload: { ticketId: string; file: Uint8Array; filename: string },
  options: { chunkSize?: number; headers?: Record<string, string> } = {},
): Promise<string> {
  const token = await h.token(who);
  return await new Promise<string>((resolve, reject) => {
    const up = new tus.Upload(Buffer.from(upload.file), {
      endpoint: `${attachmentsUrl}/v1/attachments/uploads`,
      headers: { authorization: `Bearer ${token}`, ...options.headers },
      metadata: {
        ticketId: upload.ticketId,
        filename: upload.filename,
        filetype: "application/pdf",
      },
      chunkSize: options.chunkSize ?? Infinity,
      retryDelays: [],
      onSuccess: () => resolve(up.url!),
      onError: (error) => reject(error),
    });
    up.start();
  });
}
