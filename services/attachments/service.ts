/**
 * The attachments service assembled from live connections: uploads over tus into an encrypted S3
 * multipart upload (state in NATS KV, so any instance continues any upload), checked by their
 * bytes, named safely, optionally scanned, recorded, and announced on the ticket as an
 * `AttachmentAdded` event through the tickets service's commands; downloads stream back through
 * the permission check. Used by `deno task start` and the tests.
 * @module
 */
import { jetstream, jetstreamManager } from "@nats-io/jetstream";
import { ActivityRecorder } from "@ticketd/shared/activity/recorder.ts";
import { ensureActivityStream } from "@ticketd/shared/activity/stream.ts";
import { AttachmentActivity } from "./activity.ts";
import { Kvm } from "@nats-io/kv";
import type { NatsConnection } from "@nats-io/nats-core";
import { Hono } from "hono";
import { ticketCommandSender } from "@ticketd/shared/commands/ticket_command_client.ts";
import type { Keyring } from "@ticketd/shared/crypto/keyring.ts";
import type { TenantProfiles } from "@ticketd/shared/crypto/profiles.ts";
import { DomainError, fail } from "@ticketd/shared/errors.ts";
import { bearerAuth, type Principal, type Verifier } from "@ticketd/shared/http/auth.ts";
import { errorHandler, notFoundHandler } from "@ticketd/shared/http/problem.ts";
import { requestLog } from "@ticketd/shared/http/request_log.ts";
import { SnowflakeGenerator } from "@ticketd/shared/ids/snowflake.ts";
import { leaseServiceWorkerId } from "@ticketd/shared/ids/worker_lease.ts";
import { openEnvelope } from "@ticketd/shared/keys/open_envelope.ts";
import type { Logger } from "@ticketd/shared/log/logger.ts";
import { AttachmentKeys } from "./attachment_keys.ts";
import type { AttachmentsConfig } from "./config.ts";
import { allowedType } from "./content/allowed_types.ts";
import { sanitiseFileName } from "./content/file_names.ts";
import { SNIFF_BYTES, sniffType } from "./content/sniff.ts";
import { downloadRoutes } from "./downloads/download_routes.ts";
import { plaintextStream } from "./downloads/plaintext_stream.ts";
import { type AttachmentRecord, AttachmentRecords } from "./records.ts";
import { createScanner, scanStatusOf } from "./scan/scanner.ts";
import { ObjectStore } from "./storage/object_store.ts";
import { TicketAccess } from "./ticket_access.ts";
import type { CompletedUpload } from "./uploads/deps.ts";
import { uploadRoutes } from "./uploads/routes.ts";
import { uploadSettings } from "./uploads/settings.ts";
import { UploadBucket } from "./uploads/upload_bucket.ts";
import { UploadSweeper } from "./uploads/sweeper.ts";
import { Uploads } from "./uploads/uploads.ts";
import { RELAY_CLAIMS_BUCKET, respondToAttachmentRelays } from "./relay/relay_responder.ts";
import { mountOperations } from "@ticketd/shared/metrics/operations_routes.ts";
import type { OperationsSettings } from "@ticketd/shared/metrics/settings.ts";

export interface AttachmentsServiceDeps {
  nc: NatsConnection;
  keyring: Keyring;
  profiles: TenantProfiles;
  dataKeyCacheEntries: number;
  verify: Verifier;
  log: Logger;
  /** Probes and `/metrics` (the tickets config's `operations`); default: the defaults. */
  operations?: OperationsSettings;
}

export interface AttachmentsService {
  /** Serves `request`; `env.remoteAddr` is the connection's address (Deno.serve's info). */
  fetch: (request: Request, env?: { remoteAddr: Deno.Addr }) => Response | Promise<Response>;
  records: AttachmentRecords;
  stop(): Promise<void>;
}

export async function startAttachmentsService(
  config: AttachmentsConfig & { s3: NonNullable<AttachmentsConfig["s3"]> },
  deps: AttachmentsServiceDeps,
): Promise<AttachmentsService> {
  const { nc, log } = deps;
  const jsm = await jetstreamManager(nc);
  const lease = await leaseServiceWorkerId(new Kvm(nc), "attachments", log);
  const ids = new SnowflakeGenerator(lease.workerId);
  await ensureActivityStream(jsm, config.activity);
  const activity = new AttachmentActivity({
    recorder: new ActivityRecorder({
      js: jetstream(nc),
      service: "attachments",
      nextId: () => ids.next(),
      now: () => new Date(),
      settings: config.activity,
      log,
    }),
    address: config,
  });
  const { envelope, close: closeEnvelope } = await openEnvelope(nc, jsm, {
    keyring: deps.keyring,
    profiles: deps.profiles,
    dataKeyCacheEntries: deps.dataKeyCacheEntries,
  });
  const keys = new AttachmentKeys(envelope, deps.profiles);
  const store = new ObjectStore(config.s3);
  await store.ensureBucket();
  const records = await AttachmentRecords.open(nc);
  const access = new TicketAccess(nc, config.commandTimeoutMs);
  const send = ticketCommandSender(nc, config.commandTimeoutMs);
  const scanner = createScanner(config.clamav, log);
  const settings = uploadSettings({
    maxFileBytes: config.maxFileBytes,
    partBytes: config.partBytes,
    expiryMs: config.uploadExpiryMs,
  });
  const bucket = await UploadBucket.open(nc);
  const now = () => Date.now();
  const openRecordKey = (
    r: { tenant: string; ticketId: string; attachmentId: string; sealedKey: string },
  ) => keys.open(r, r.sealedKey);

  /** The uploaded file, checked, named, scanned and recorded, then told to the ticket. */
  const complete = async (upload: CompletedUpload): Promise<void> => {
    const key = await keys.open(upload, upload.sealedKey);
    const head = await firstBytes(plaintextStream(store, upload, key), SNIFF_BYTES);
    const type = allowedType(sniffType(head), config.allowedTypes);
    const fileName = await records.admit(
      {
        tenant: upload.tenant,
        ticketId: upload.ticketId,
        attachmentId: upload.attachmentId,
        contentId: upload.contentId,
        size: upload.size,
        fileName: sanitiseFileName(upload.fileName),
      },
      config.maxTicketBytes,
      {
        seal: (name) => keys.sealName(upload, name),
        open: (sealed) => keys.openName(upload, sealed),
      },
    );
    try {
      await recordAndAnnounce(upload, key, type, fileName);
    } catch (error) {
      await records.release(upload.tenant, upload.ticketId, upload.attachmentId);
      throw error;
    }
    await activity.uploaded(upload);
  };

  const recordAndAnnounce = async (
    upload: CompletedUpload,
    key: Awaited<ReturnType<AttachmentKeys["open"]>>,
    type: ReturnType<typeof sniffType>,
    fileName: string,
  ): Promise<void> => {
    const scan = await scanner.scanStream(plaintextStream(store, upload, key), upload.size);
    const record: AttachmentRecord = {
      attachmentId: upload.attachmentId,
      tenant: upload.tenant,
      ticketId: upload.ticketId,
      fileName,
      mime: type.mime,
      kind: type.kind,
      size: upload.size,
      contentId: upload.contentId,
      uploaderId: upload.uploaderId,
      objectKey: upload.objectKey,
      noncePrefix: upload.noncePrefix,
      sealedKey: upload.sealedKey,
      status: scanStatusOf(scan),
      ...(scan.verdict === "infected" ? { signature: scan.signature } : {}),
      createdAt: new Date(now()).toISOString(),
    };
    await records.put(record);
    if (record.status === "quarantined") {
      log.warn("attachment quarantined", {
        attachmentId: record.attachmentId,
        signature: record.signature,
      });
      return;
    }
    const reply = await send(upload.tenant, {
      service: "attachments",
      ticketId: upload.ticketId,
      changes: [{
        type: "AddAttachment",
        attachmentId: record.attachmentId,
        fileName: (await keys.openName(upload, record.fileName)) ?? "attachment",
        mime: record.mime,
        size: record.size,
        contentId: record.contentId,
        uploaderId: record.uploaderId,
      }],
      idempotencyKey: `attachment:${record.attachmentId}`,
      source: activity.source(),
    });
    if (!reply.ok) throw new DomainError(reply.code, reply.message, reply.status);
  };

  /** A record's name for people: opened, or "attachment" once its customer is erased. */
  const shownName = async (record: AttachmentRecord) =>
    (await keys.openName(record, record.fileName)) ?? "attachment";

  const uploadDeps = {
    bucket,
    store,
    settings,
    log,
    newId: () => ids.next(),
    now,
    authorize: (principal: Principal, ticketId: string) => access.toAdd(principal, ticketId),
    newKey: (scope: Parameters<AttachmentKeys["create"]>[0]) => keys.create(scope),
    openKey: openRecordKey,
    onComplete: complete,
    inspectStart: (head: Uint8Array) => void allowedType(sniffType(head), config.allowedTypes),
  };
  const sweeper = new UploadSweeper(uploadDeps);
  sweeper.start();
  // One Uploads for tus and for relayed uploads (email): the same pipeline either way.
  const uploads = new Uploads(uploadDeps);
  const relays = respondToAttachmentRelays(nc, {
    uploads,
    access,
    records,
    claims: await new Kvm(nc).create(RELAY_CLAIMS_BUCKET, { history: 1 }),
    log,
  });

  const app = new Hono();
  app.onError(errorHandler(log));
  app.notFound(notFoundHandler);
  mountOperations(app, {
    service: "attachments",
    settings: deps.operations,
    nc,
    // S3 answers (a missing key is an answer): uploads and downloads can go there.
    checks: { s3: () => store.size(".readyz") },
  });
  const v1 = new Hono();
  v1.use(requestLog(log));
  v1.use(bearerAuth(deps.verify));
  v1.use(activity.middleware());
  v1.route("/", uploadRoutes(uploadDeps, uploads) as unknown as Hono);
  v1.route(
    "/",
    downloadRoutes({
      find: async (principal, attachmentId) => {
        const record = await records.get(principal.tenant, attachmentId);
        if (!record || !(await access.canRead(principal, record.ticketId))) return null;
        return { ...record, fileName: await shownName(record) };
      },
      openKey: (record) => openRecordKey(record),
      storage: store,
      log,
    }) as unknown as Hono,
  );
  v1.get("/attachments", async (c) => {
    const principal = c.get("principal" as never) as Principal;
    const ticketId = c.req.query("ticketId");
    if (!ticketId) fail("missing_ticket_id", "Name the ticket: ?ticketId=<id>", 400);
    const shown = await access.listedOn(principal, ticketId);
    if (!shown) fail("ticket_not_found", "No such ticket", 404);
    // A merge target lists its merged tickets' files too (each names its own ticketId).
    const listed = (await Promise.all(shown.map((id) => records.list(principal.tenant, id))))
      .flat();
    return c.json({
      ticketId,
      attachments: await Promise.all(
        listed.map(async ({ sealedKey: _k, noncePrefix: _n, objectKey: _o, ...shown }) => ({
          ...shown,
          fileName: await keys.openName(shown, shown.fileName),
        })),
      ),
    });
  });
  app.route("/v1", v1);
  log.info("attachments service started", { bucket: config.s3.bucket, workerId: lease.workerId });
  return {
    fetch: app.fetch,
    records,
    async stop() {
      await relays.drain().catch(() => {});
      await sweeper.stop();
      await lease.release();
      closeEnvelope();
    },
  };
}

/** The first `limit` bytes of `stream` (then it is cancelled). */
async function firstBytes(stream: ReadableStream<Uint8Array>, limit: number): Promise<Uint8Array> {
  const reader = stream.getReader();
  const chunks: Uint8Array[] = [];
  let length = 0;
  while (length < limit) {
    const { value, done } = await reader.read();
    if (done) break;
    chunks.push(value);
    length += value.length;
  }
  await reader.cancel().catch(() => {});
  const all = new Uint8Array(length);
  let at = 0;
  for (const chunk of chunks) all.set(chunk, (at += chunk.length) - chunk.length);
  return all.subarray(0, limit);
}
