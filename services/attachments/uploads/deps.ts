/**
 * What the uploads service needs from its integrator, and what it hands back when a file is
 * whole. Implemented by the attachments service's composition root.
 * @module
 */
import type { Principal } from "@ticketd/shared/http/auth.ts";
import type { Logger } from "@ticketd/shared/log/logger.ts";
import type { AttachmentKey } from "../crypto/segments.ts";
import type { ObjectStore } from "../storage/object_store.ts";
import type { UploadBucket } from "./upload_bucket.ts";
import type { UploadSettings } from "./settings.ts";

/** The ticket an upload goes to, as the tickets service sees it for this caller. */
export interface UploadTarget {
  tenant: string;
  ticketId: string;
  requesterId: string;
}

/** Whose data key seals an upload: the target plus the new attachment's id. */
export interface KeyScope extends UploadTarget {
  attachmentId: string;
}

/** What `openKey` gets to find the key again (on another instance or after a restart). */
export interface StoredKey extends KeyScope {
  sealedKey: string;
  /** base64 */
  noncePrefix: string;
}

/** A finished upload, handed to `onComplete`. */
export interface CompletedUpload {
  attachmentId: string;
  tenant: string;
  ticketId: string;
  uploaderId: string;
  requesterId: string;
  /** As the client gave it (`filename` metadata); the integrator sanitises it. */
  fileName: string;
  /** The client's `filetype` metadata; not trusted for anything. */
  declaredType: string;
  size: number;
  /** sha256 over the parts' plaintext digests (see upload_keys.ts). */
  contentId: string;
  objectKey: string;
  sealedKey: string;
  /** base64 */
  noncePrefix: string;
}

export interface UploadDeps {
  bucket: UploadBucket;
  store: ObjectStore;
  settings: UploadSettings;
  log: Logger;
  /** A new attachment id (decimal string). */
  newId(): string;
  /** Epoch milliseconds. */
  now(): number;
  /** The ticket `ticketId` if `principal` may attach to it; else throws 404 `ticket_not_found`. */
  authorize(principal: Principal, ticketId: string): Promise<UploadTarget>;
  /** A fresh data key for an attachment and its wrapped form to store. */
  newKey(scope: KeyScope): Promise<{ key: AttachmentKey; sealedKey: string }>;
  /** The data key back from its wrapped form. */
  openKey(stored: StoredKey): Promise<AttachmentKey>;
  /** Records the attachment; a DomainError refuses it (its object is then removed). */
  onComplete(completed: CompletedUpload): Promise<void>;
  /** Sees the first up-to-64 KiB of plaintext before it is stored; throw to refuse (e.g. 415). */
  inspectStart?(firstBytes: Uint8Array, metadata: Record<string, string>): Promise<void> | void;
}
