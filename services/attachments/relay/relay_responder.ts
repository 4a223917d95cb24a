/**
 * Relayed uploads over NATS (`shared/commands/attachments.ts`): a channel service hands over a
 * customer's file as that customer, through the same `Uploads` as tus. An upload's external
 * identity is claimed once per tenant by create-if-absent in a KV bucket, so opening it again
 * (the same mail after a crash) finds the upload, resumes it at its offset, or answers that its
 * attachment is there; never a second file.
 * @module
 */
import type { KV } from "@nats-io/kv";
import type { Msg, NatsConnection, Subscription } from "@nats-io/nats-core";
import {
  ALL_ATTACHMENT_RELAYS,
  type AttachmentRelayReply,
  type AttachmentRelayRequest,
  attachmentRelayRequestSchema,
} from "@ticketd/shared/commands/attachments.ts";
import { decodeBase64 } from "@ticketd/shared/crypto/base64.ts";
import { DomainError, fail } from "@ticketd/shared/errors.ts";
import { type Principal, TENANT } from "@ticketd/shared/http/auth.ts";
import type { Logger } from "@ticketd/shared/log/logger.ts";
import type { AttachmentRecords } from "../records.ts";
import type { TicketAccess } from "../ticket_access.ts";
import type { Revisioned } from "../uploads/upload_bucket.ts";
import { offsetOf } from "../uploads/upload_state.ts";
import type { Uploads } from "../uploads/uploads.ts";

/** The bucket of claimed external identities: `<tenant>.<sha256>` -> upload id. */
export const RELAY_CLAIMS_BUCKET = "attachment-relay-claims";

export interface RelayDeps {
  uploads: Uploads;
  access: TicketAccess;
  records: AttachmentRecords;
  claims: KV;
  log: Logger;
}

type Open = Extract<AttachmentRelayRequest, { op: "open" }>;
type Found = Extract<AttachmentRelayReply, { ok: true }>;

/** Subscribes the responder (queue group `attachments`); `drain()` stops it. */
export function respondToAttachmentRelays(nc: NatsConnection, deps: RelayDeps): Subscription {
  return nc.subscribe(ALL_ATTACHMENT_RELAYS, {
    queue: "attachments",
    callback: (error, msg) => {
      if (!error) void answer(msg, deps);
    },
  });
}

async function answer(msg: Msg, deps: RelayDeps): Promise<void> {
  const reply = await execute(msg, deps).catch((error): AttachmentRelayReply => {
    if (error instanceof DomainError) {
      return { ok: false, code: error.code, message: error.message, status: error.status };
    }
    deps.log.error("attachment relay failed", { error: String(error).slice(0, 200) });
    return { ok: false, code: "internal_error", message: "Something went wrong", status: 500 };
  });
  msg.respond(JSON.stringify(reply));
}

async function execute(msg: Msg, deps: RelayDeps): Promise<AttachmentRelayReply> {
  const tenant = msg.subject.slice(msg.subject.lastIndexOf(".") + 1);
  if (!TENANT.test(tenant)) fail("invalid_tenant", `Unknown tenant "${tenant}"`, 422);
  let raw: unknown;
  try {
    raw = msg.json();
  } catch {
    fail("malformed_json", "The request is not valid JSON", 400);
  }
  const parsed = attachmentRelayRequestSchema.safeParse(raw);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`);
    fail("invalid_command", issues.join("; "), 422);
  }
  const request = parsed.data;
  const principal: Principal = { id: request.onBehalfOf.id, role: "customer", tenant, groups: [] };
  if (request.op === "open") return await open(request, principal, deps);
  // Only the service that opened the upload (through the relay gate) may add to it.
  const { state } = await deps.uploads.status(principal, request.uploadId);
  if (state.metadata.relayedBy !== request.service) {
    fail("upload_not_found", `No upload "${request.uploadId}"`, 404);
  }
  const bytes = decodeBase64(request.chunk);
  const saved = await deps.uploads.append(principal, request.uploadId, request.offset, {
    stream: new Blob([bytes]).stream(),
    declaredBytes: bytes.length,
    checksum: null,
  });
  return found(saved);
}

/** The upload of `request.externalId`: found again, or created and claimed. */
async function open(request: Open, principal: Principal, deps: RelayDeps): Promise<Found> {
  // The relay gate: a service of the tickets relay table, for the ticket's own requester.
  await deps.access.toAdd(principal, request.ticketId, request.service);
  const key = `${principal.tenant}.${await sha256(request.externalId)}`;
  for (let attempt = 1; attempt <= 3; attempt++) {
    const claim = await deps.claims.get(key);
    if (claim?.operation === "PUT") {
      const existing = await claimed(claim.string(), request, principal, deps);
      if (existing) return existing;
    }
    const created = found(
      await deps.uploads.create(principal, request.size, {
        ticketId: request.ticketId,
        filename: request.fileName,
        filetype: request.mime,
        relayedBy: request.service,
      }),
    );
    // Create-if-absent, or take over a claim whose upload expired or was refused. A racer's
    // unclaimed upload is left to expire (the sweeper removes it).
    const won = claim?.operation === "PUT"
      ? await deps.claims.update(key, created.uploadId, claim.revision).then(
        () => true,
        () => false,
      )
      : await deps.claims.create(key, created.uploadId).then(() => true, () => false);
    if (won) return created;
  }
  fail("too_much_contention", "This file is being handed over by someone else; retry", 409);
}

/** What the claimed upload has become, or null when it is gone without an attachment. */
async function claimed(
  uploadId: string,
  request: Open,
  principal: Principal,
  deps: RelayDeps,
): Promise<Found | null> {
  const upload = await deps.uploads.status(principal, uploadId).catch((error) => {
    if (error instanceof DomainError && error.status < 500) return null;
    throw error;
  });
  const record = upload ? null : await deps.records.get(principal.tenant, uploadId);
  const ticketId = upload?.state.ticketId ?? record?.ticketId;
  if (ticketId !== undefined && ticketId !== request.ticketId) {
    fail("external_id_taken", "This external id names a file of another ticket", 409);
  }
  if (upload) return found(upload);
  return record ? { ok: true, uploadId, offset: record.size, complete: true } : null;
}

function found({ state }: Revisioned): Found {
  return {
    ok: true,
    uploadId: state.id,
    offset: offsetOf(state),
    complete: state.status === "complete",
  };
}

async function sha256(text: string): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(text));
  return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, "0")).join("");
}
