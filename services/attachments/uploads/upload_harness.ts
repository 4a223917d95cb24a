/**
 * A whole uploads server for tests: a private nats-server, an s3rver, the tus routes served on
 * a free port behind a stand-in for bearer auth (`Authorization: Bearer <user id>`, tenant
 * acme), keys sealed with an in-memory envelope, and every completed upload recorded.
 * @module
 */
import { Hono } from "hono";
import { connect } from "@nats-io/transport-node";
import type { NatsConnection } from "@nats-io/nats-core";
import { fail } from "@ticketd/shared/errors.ts";
import { createLogger } from "@ticketd/shared/log/logger.ts";
import { memoryEnvelope } from "@ticketd/shared/keys/testing.ts";
import { decodeBase64 } from "@ticketd/shared/crypto/base64.ts";
import { startTestNats, type TestNats } from "../../../tests/support/nats.ts";
import { startTestS3, type TestS3 } from "../testing/s3.ts";
import { ObjectStore } from "../storage/object_store.ts";
import type { AttachmentKey } from "../crypto/segments.ts";
import type { CompletedUpload, StoredKey, UploadDeps } from "./deps.ts";
import { UploadBucket } from "./upload_bucket.ts";
import { uploadRoutes, type UploadsEnv } from "./routes.ts";
import { type UploadSettings, uploadSettings } from "./settings.ts";

export interface UploadHarness {
  /** The tus endpoint (POST here). */
  endpoint: string;
  s3: TestS3;
  deps: UploadDeps;
  completed: CompletedUpload[];
  /** Stops the HTTP server and its connections, then starts a new one on the same NATS and S3. */
  restart(): Promise<void>;
  openKey(stored: StoredKey): Promise<AttachmentKey>;
  stop(): Promise<void>;
}

export interface HarnessOptions {
  settings?: Partial<UploadSettings>;
  now?: () => number;
  onComplete?: UploadDeps["onComplete"];
  inspectStart?: UploadDeps["inspectStart"];
}

/** Starts NATS, S3 and the uploads server. */
export async function startUploadHarness(options: HarnessOptions = {}): Promise<UploadHarness> {
  const nats = await startTestNats();
  const s3 = await startTestS3();
  const { envelope } = memoryEnvelope();
  const completed: CompletedUpload[] = [];
  let nextId = 1000;
  const openKey = async (stored: StoredKey): Promise<AttachmentKey> => ({
    attachmentId: stored.attachmentId,
    cipher: "A256GCM",
    key: decodeBase64(await envelope.open(stored.sealedKey, stored)),
    noncePrefix: decodeBase64(stored.noncePrefix),
  });
  const fixed = {
    newId: () => String(nextId++),
    now: options.now ?? (() => Date.now()),
    log: createLogger(Deno.env.get("UPLOAD_TEST_LOG") ? "debug" : "error", {}, {
      write: (b) => Promise.resolve(Deno.stderr.writeSync(b)),
    }),
    settings: uploadSettings(options.settings),
    authorize: (principal: { tenant: string }, ticketId: string) =>
      Promise.resolve(
        principal.tenant === "acme" && ticketId === "100"
          ? { tenant: "acme", ticketId, requesterId: "7" }
          : fail("ticket_not_found", `No ticket "${ticketId}"`, 404),
      ),
    newKey: async (scope: StoredKey | Omit<StoredKey, "sealedKey" | "noncePrefix">) => {
      const key = crypto.getRandomValues(new Uint8Array(32));
      const noncePrefix = crypto.getRandomValues(new Uint8Array(8));
      const sealedKey = await envelope.seal(btoa(String.fromCharCode(...key)), {
        ...scope,
        ownerId: scope.requesterId,
      });
      return {
        key: { attachmentId: scope.attachmentId, cipher: "A256GCM" as const, key, noncePrefix },
        sealedKey,
      };
    },
    openKey,
    onComplete: options.onComplete ?? ((c: CompletedUpload) => {
      completed.push(c);
      return Promise.resolve();
    }),
    inspectStart: options.inspectStart,
  };
  let running = await serveUploads(nats, s3, fixed);
  return {
    get endpoint() {
      return running.endpoint;
    },
    get deps() {
      return running.deps;
    },
    s3,
    completed,
    openKey,
    restart: async () => {
      const port = running.port;
      await running.stop();
      running = await serveUploads(nats, s3, fixed, port);
    },
    stop: async () => {
      await running.stop();
      await s3.stop();
      await nats.stop();
    },
  };
}

async function serveUploads(
  nats: TestNats,
  s3: TestS3,
  fixed: Omit<UploadDeps, "bucket" | "store">,
  port = 0,
) {
  const nc: NatsConnection = await connect({ servers: nats.url });
  const store = new ObjectStore({ ...s3, useSSL: false, bucket: "attachments" });
  await store.ensureBucket();
  const deps: UploadDeps = { ...fixed, bucket: await UploadBucket.open(nc), store };
  const app = new Hono<UploadsEnv>();
  app.use("*", async (c, next) => {
    const id = c.req.header("authorization")?.replace(/^Bearer /, "") ?? "anonymous";
    c.set("principal", { id, role: "customer", tenant: "acme", groups: [] });
    await next();
    if (Deno.env.get("UPLOAD_TEST_LOG")) {
      console.error(
        c.req.method,
        c.req.header("upload-offset"),
        c.res.status,
        c.res.headers.get("upload-offset"),
      );
    }
  });
  app.route("/v1", uploadRoutes(deps));
  const server = Deno.serve({ port, hostname: "127.0.0.1", onListen: () => {} }, app.fetch);
  const bound = server.addr.port;
  return {
    port: bound,
    deps,
    endpoint: `http://127.0.0.1:${bound}/v1/attachments/uploads`,
    stop: async () => {
      // A connection tus-js-client aborted can keep a graceful shutdown waiting: cut it short.
      let timer: ReturnType<typeof setTimeout> | undefined;
      await Promise.race([
        server.shutdown(),
        new Promise((resolve) => timer = setTimeout(resolve, 1000)),
      ]);
      clearTimeout(timer);
      await nc.close();
    },
  };
}
