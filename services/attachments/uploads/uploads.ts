/**
 * Resumable uploads over the upload state bucket and the object store: create, read, append
 * (one PATCH), finish and terminate. The HTTP layer (routes.ts) only translates tus headers.
 * @module
 */
import { DomainError, fail } from "@ticketd/shared/errors.ts";
import type { Principal } from "@ticketd/shared/http/auth.ts";
import { type AttachmentKey, sealSegment } from "../crypto/segments.ts";
import type { CompletedUpload, UploadDeps } from "./deps.ts";
import type { Revisioned } from "./upload_bucket.ts";
import { offsetOf, type UploadState } from "./upload_state.ts";
import { contentIdOf, contentObjectKey } from "./upload_keys.ts";
import { UploadWriter } from "./upload_writer.ts";
import { type BodySource, pumpBody } from "./body.ts";

/** Uploads as one instance of the service sees them; any instance may continue any upload. */
export class Uploads {
  readonly #keys = new Map<string, AttachmentKey>();
  readonly #holder = crypto.randomUUID();

  constructor(private readonly deps: UploadDeps) {}

  /** Creates an upload of `length` bytes to the ticket named in `metadata.ticketId`. */
  async create(principal: Principal, length: number, metadata: Record<string, string>) {
    const { settings } = this.deps;
    if (length > settings.maxFileBytes) {
      fail(
        "file_too_large",
        `A file of ${length} bytes is over the ${settings.maxFileBytes} limit`,
        413,
      );
    }
    const ticketId = metadata.ticketId ??
      fail("missing_ticket_id", "Upload-Metadata needs ticketId", 400);
    const target = await this.deps.authorize(principal, ticketId);
    if (target.tenant !== principal.tenant) {
      fail("ticket_not_found", `No ticket "${ticketId}"`, 404);
    }
    const id = this.deps.newId();
    const { key, sealedKey } = await this.deps.newKey({ ...target, attachmentId: id });
    const objectKey = contentObjectKey(target.tenant, id);
    const now = this.deps.now();
    const state: UploadState = {
      ...target,
      id,
      uploaderId: principal.id,
      length,
      metadata,
      objectKey,
      multipartId: length > 0 ? await this.deps.store.createMultipart(objectKey) : null,
      parts: [],
      pending: null,
      pendingSeals: 0,
      sealedKey,
      noncePrefix: btoa(String.fromCharCode(...key.noncePrefix)),
      createdAt: now,
      expiresAt: now + settings.expiryMs,
      status: "receiving",
      lock: null,
      contentId: null,
    };
    const created = await this.deps.bucket.create(state) ??
      fail("upload_exists", `Upload "${id}" exists already`, 500);
    this.#keys.set(id, key);
    return length === 0 ? await this.#completeEmpty(created, key) : created;
  }

  /** The caller's own upload, not expired; 404 for anyone else's, 410 once expired. */
  async status(principal: Principal, id: string): Promise<Revisioned> {
    const found = await this.deps.bucket.get(principal.tenant, id);
    if (!found || found.state.uploaderId !== principal.id) {
      fail("upload_not_found", `No upload "${id}"`, 404);
    }
    if (found.state.status !== "complete" && found.state.expiresAt <= this.deps.now()) {
      fail("upload_expired", `Upload "${id}" has expired`, 410);
    }
    return found;
  }

  /** Appends a PATCH body at `offset`; the answer holds the new offset. */
  async append(principal: Principal, id: string, offset: number, body: BodySource) {
    const found = await this.status(principal, id);
    const { state } = found;
    if (offset !== offsetOf(state)) {
      fail(
        "offset_mismatch",
        `Upload "${id}" is at offset ${offsetOf(state)}, not ${offset}`,
        409,
        {
          offset: offsetOf(state),
        },
      );
    }
    if (state.status === "completing") return await this.#finish(found);
    if (state.status === "complete") return found;
    const room = Math.min(this.deps.settings.maxPatchBytes, state.length - offset);
    if (body.declaredBytes !== null && body.declaredBytes > room) {
      fail("patch_too_large", `This PATCH would carry more than the ${room} bytes allowed`, 413);
    }
    const { writer, refused } = await this.#lock(found);
    return await this.#receive(writer, refused, body, room);
  }

  /** Ends an unfinished upload: its parts, pending data and state are removed. */
  async terminate(principal: Principal, id: string): Promise<void> {
    const { state } = await this.status(principal, id);
    if (state.status !== "receiving") fail("upload_complete", `Upload "${id}" is complete`, 409);
    await discardUpload(this.deps, state);
    this.#keys.delete(id);
  }

  /** Claims the upload for this PATCH and reserves a pending nonce, then opens a writer. */
  async #lock(found: Revisioned) {
    const { state } = found;
    const now = this.deps.now();
    if (state.lock && state.lock.until > now) {
      fail("upload_locked", `Upload "${state.id}" is receiving another request`, 409);
    }
    const lock = { holder: this.#holder, until: now + this.deps.settings.lockMs };
    const next = { ...state, lock, pendingSeals: state.pendingSeals + 1 };
    const locked = await this.deps.bucket.update(next, found.revision) ??
      fail("upload_conflict", `Upload "${state.id}" moved on; ask for its offset again`, 409);
    const key = await this.#keyOf(state);
    let refused = false;
    const inspect = async (first: Uint8Array) => {
      try {
        await this.deps.inspectStart?.(first, state.metadata);
      } catch (error) {
        refused = true;
        throw error;
      }
    };
    const ctx = { ...this.deps, key, holder: this.#holder, inspect };
    const writer = await UploadWriter.start(ctx, locked, state.pendingSeals);
    return { writer, refused: () => refused };
  }

  async #receive(writer: UploadWriter, refused: () => boolean, body: BodySource, room: number) {
    let outcome;
    let saved;
    try {
      outcome = await pumpBody(body, room, (bytes) => writer.write(bytes));
      // A file smaller than a segment is first inspected here, when its one segment is sealed.
      saved = await writer.end(!outcome.overflow);
    } catch (error) {
      if (refused()) {
        await discardUpload(this.deps, writer.state.state);
      } else await writer.release().catch(() => {});
      throw error;
    }
    if (outcome.overflow) {
      fail("patch_too_large", `This PATCH carried more than the ${room} bytes allowed`, 413);
    }
    return saved.state.status === "completing" ? await this.#finish(saved) : saved;
  }

  async #completeEmpty(created: Revisioned, key: AttachmentKey): Promise<Revisioned> {
    const { state } = created;
    await this.deps.inspectStart?.(new Uint8Array(0), state.metadata);
    await this.deps.store.put(state.objectKey, sealSegment(key, 0, new Uint8Array(0), true));
    const contentId = await contentIdOf([]);
    const next = { ...state, status: "completing" as const, contentId };
    const saved = await this.deps.bucket.update(next, created.revision) ??
      fail("upload_conflict", `Upload "${state.id}" moved on`, 409);
    return await this.#finish(saved);
  }

  /** Hands the whole file to `onComplete`; a refusal removes the object and the upload. */
  async #finish(found: Revisioned): Promise<Revisioned> {
    const { state } = found;
    try {
      await this.deps.onComplete(completedOf(state));
    } catch (error) {
      if (error instanceof DomainError) {
        await this.deps.store.remove(state.objectKey);
        await this.deps.bucket.remove(state.tenant, state.id);
        this.#keys.delete(state.id);
      }
      throw error;
    }
    this.#keys.delete(state.id);
    const done = { ...state, status: "complete" as const };
    return await this.deps.bucket.update(done, found.revision) ?? { state: done, revision: 0 };
  }

  async #keyOf(state: UploadState): Promise<AttachmentKey> {
    const cached = this.#keys.get(state.id);
    if (cached) return cached;
    const key = await this.deps.openKey({ ...state, attachmentId: state.id });
    this.#keys.set(state.id, key);
    return key;
  }
}

/** Aborts the multipart upload, removes pending data and forgets the state. */
export async function discardUpload(
  deps: Pick<UploadDeps, "store" | "bucket">,
  state: UploadState,
) {
  if (state.multipartId) {
    await deps.store.abortMultipart(state.objectKey, state.multipartId, state.parts);
  }
  if (state.pending) await deps.store.remove(state.pending.key);
  await deps.bucket.remove(state.tenant, state.id);
}

function completedOf(state: UploadState): CompletedUpload {
  return {
    attachmentId: state.id,
    tenant: state.tenant,
    ticketId: state.ticketId,
    uploaderId: state.uploaderId,
    requesterId: state.requesterId,
    fileName: state.metadata.filename ?? "",
    declaredType: state.metadata.filetype ?? "",
    size: state.length,
    contentId: state.contentId ?? "",
    objectKey: state.objectKey,
    sealedKey: state.sealedKey,
    noncePrefix: state.noncePrefix,
  };
}
