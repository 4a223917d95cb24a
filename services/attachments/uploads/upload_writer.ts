/**
 * One PATCH's worth of appending: plaintext is cut into segments, each sealed as soon as it is
 * whole, sealed segments gather into a part of `partBytes` that goes to S3 with uploadPart, and
 * every part is recorded in the upload state by compare-and-set. What is left at the end is one
 * pending object (or the completed multipart upload, when the last byte has arrived).
 * @module
 */
import { createHash, type Hash } from "node:crypto";
import { fail } from "@ticketd/shared/errors.ts";
import {
  type AttachmentKey,
  openSegment,
  SEALED_SEGMENT_BYTES,
  sealSegment,
  SEGMENT_BYTES,
  segmentCount,
} from "../crypto/segments.ts";
import type { ObjectStore } from "../storage/object_store.ts";
import type { Revisioned, UploadBucket } from "./upload_bucket.ts";
import { nextSegmentIndex, offsetOf, type UploadPart, type UploadState } from "./upload_state.ts";
import { pendingBytes, sealPartial, splitPending } from "./pending_seal.ts";
import { contentIdOf, pendingObjectKey } from "./upload_keys.ts";
import type { UploadSettings } from "./settings.ts";

export interface WriterContext {
  store: ObjectStore;
  bucket: UploadBucket;
  settings: UploadSettings;
  key: AttachmentKey;
  /** Who holds the upload's lock (this PATCH). */
  holder: string;
  now(): number;
  /** Sees the first segment's plaintext before it is sealed; throws to refuse the file. */
  inspect(first: Uint8Array): Promise<void>;
}

/** Appends to an upload whose lock the caller holds, with pending nonce `seal` reserved. */
export class UploadWriter {
  #current: Revisioned;
  #sealed: Uint8Array[] = [];
  #hash: Hash = createHash("sha256");
  #partPlain = 0;
  #partial = new Uint8Array(SEGMENT_BYTES);
  #fill = 0;
  #index: number;
  #offset: number;
  #stalePending: string | null;

  private constructor(
    private readonly ctx: WriterContext,
    current: Revisioned,
    readonly seal: number,
  ) {
    this.#current = current;
    this.#index = nextSegmentIndex(current.state);
    this.#offset = offsetOf(current.state);
    this.#stalePending = current.state.pending?.key ?? null;
  }

  /** A writer continuing from the stored state: the pending object is fetched and opened. */
  static async start(ctx: WriterContext, current: Revisioned, seal: number) {
    const writer = new UploadWriter(ctx, current, seal);
    await writer.#resumePending();
    return writer;
  }

  /** Plaintext bytes received so far (stored or in memory). */
  get offset(): number {
    return this.#offset;
  }

  get state(): Revisioned {
    return this.#current;
  }

  /** Takes more plaintext; the caller never passes bytes beyond `Upload-Length`. */
  async write(bytes: Uint8Array): Promise<void> {
    let at = 0;
    while (at < bytes.length) {
      const take = Math.min(SEGMENT_BYTES - this.#fill, bytes.length - at);
      this.#partial.set(bytes.subarray(at, at + take), this.#fill);
      this.#fill += take;
      at += take;
      this.#offset += take;
      if (this.#fill === SEGMENT_BYTES) await this.#sealWhole();
    }
  }

  /** Stores what is left: completes the object if every byte is here, else a pending object. */
  async end(mayComplete: boolean): Promise<Revisioned> {
    const { state } = this.#current;
    if (mayComplete && this.#offset === state.length) return await this.#complete();
    let pending: UploadState["pending"] = null;
    if (this.#sealed.length > 0 || this.#fill > 0) {
      const key = pendingObjectKey(state, this.seal);
      const partial = this.#fill > 0 ? sealPartial(this.ctx.key, this.seal, this.#tail()) : null;
      await this.ctx.store.put(key, pendingBytes(this.#sealed, partial));
      pending = {
        key,
        segments: this.#sealed.length,
        partialBytes: this.#fill,
        partialSeal: this.seal,
      };
    }
    await this.#save({ ...state, pending, lock: null });
    await this.#dropStalePending(pending?.key ?? null);
    return this.#current;
  }

  /** Gives the lock back without storing anything new (after a failure). */
  async release(): Promise<void> {
    await this.ctx.bucket.update({ ...this.#current.state, lock: null }, this.#current.revision);
  }

  async #resumePending(): Promise<void> {
    const { pending } = this.#current.state;
    if (!pending) return;
    const bytes = await this.ctx.store.get(pending.key);
    if (!bytes) {
      fail(
        "upload_data_missing",
        `Pending data of upload "${this.#current.state.id}" is gone`,
        500,
      );
    }
    const { sealedSegments, partial } = splitPending(this.ctx.key, bytes, pending);
    const first = this.#index - sealedSegments.length;
    sealedSegments.forEach((sealed, i) => {
      const index = first + i;
      this.#hash.update(openSegment(this.ctx.key, index, sealed, this.#isFinal(index)));
      this.#sealed.push(sealed);
      this.#partPlain += SEGMENT_BYTES;
    });
    this.#partial.set(partial);
    this.#fill = partial.length;
  }

  async #sealWhole(): Promise<void> {
    await this.#sealTail(this.#isFinal(this.#index));
    if (this.#sealed.length * SEALED_SEGMENT_BYTES >= this.ctx.settings.partBytes) {
      await this.#flushPart();
      await this.#dropStalePending(null);
    }
  }

  async #sealTail(final: boolean): Promise<void> {
    const plain = this.#tail();
    if (this.#index === 0) await this.ctx.inspect(plain);
    this.#sealed.push(sealSegment(this.ctx.key, this.#index, plain, final));
    this.#hash.update(plain);
    this.#partPlain += plain.length;
    this.#index++;
    this.#fill = 0;
  }

  /** Uploads the gathered segments as the next part and records it (pending now in the part). */
  async #flushPart(): Promise<UploadPart> {
    const { state } = this.#current;
    const partNumber = state.parts.length + 1;
    const body = pendingBytes(this.#sealed, null);
    const { etag } = await this.ctx.store.uploadPart(
      state.objectKey,
      state.multipartId!,
      partNumber,
      body,
    );
    const part = {
      partNumber,
      etag,
      plainBytes: this.#partPlain,
      sha256: this.#hash.digest("hex"),
    };
    const lock = { holder: this.ctx.holder, until: this.ctx.now() + this.ctx.settings.lockMs };
    await this.#save({ ...state, parts: [...state.parts, part], pending: null, lock });
    this.#sealed = [];
    this.#hash = createHash("sha256");
    this.#partPlain = 0;
    return part;
  }

  async #complete(): Promise<Revisioned> {
    if (this.#fill > 0) await this.#sealTail(true);
    if (this.#sealed.length > 0) await this.#flushPart();
    const { state } = this.#current;
    await this.ctx.store.completeMultipart(state.objectKey, state.multipartId!, state.parts);
    const contentId = await contentIdOf(state.parts);
    await this.#save({ ...state, status: "completing", pending: null, lock: null, contentId });
    await this.#dropStalePending(null);
    return this.#current;
  }

  async #save(next: UploadState): Promise<void> {
    const saved = await this.ctx.bucket.update(next, this.#current.revision);
    if (!saved) {
      fail("upload_conflict", `Upload "${next.id}" was taken over by another request`, 409);
    }
    this.#current = saved;
  }

  async #dropStalePending(keep: string | null): Promise<void> {
    if (this.#stalePending && this.#stalePending !== keep) {
      await this.ctx.store.remove(this.#stalePending);
    }
    this.#stalePending = keep;
  }

  #tail(): Uint8Array {
    return this.#partial.slice(0, this.#fill);
  }

  #isFinal(index: number): boolean {
    return index === segmentCount(this.#current.state.length) - 1;
  }
}
