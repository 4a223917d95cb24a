/**
 * An attachments instance for integration tests, beside a tickets harness: a real s3rver, its
 * own NATS connection, the harness's dev tokens, served on a free port so `tus-js-client` can
 * upload to it.
 * @module
 */
import { connect } from "@nats-io/transport-node";
import { createLogger } from "@ticketd/shared/log/logger.ts";
import { loadAttachmentsConfig } from "../../services/attachments/config.ts";
import {
  type AttachmentsService,
  startAttachmentsService,
} from "../../services/attachments/service.ts";
import { startTestS3, type TestS3 } from "../../services/attachments/testing/s3.ts";
import type { Caller, Harness } from "./tickets_harness.ts";

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
