/**
 * Names in the object store and the content id of a finished upload.
 * @module
 */
import type { UploadPart, UploadState } from "./upload_state.ts";

/** Where the finished (sealed) content of attachment `id` lives. */
export function contentObjectKey(tenant: string, id: string): string {
  return `attachments/${tenant}/${id}`;
}

/** The pending object written by the PATCH that reserved pending nonce `seal`. */
export function pendingObjectKey(state: Pick<UploadState, "tenant" | "id">, seal: number): string {
  return `pending/${state.tenant}/${state.id}/${seal}`;
}

/**
 * The content id: sha256 (hex) over the parts' plaintext sha256 digests (32 raw bytes each), in
 * part order. An empty file has no parts: sha256 of nothing. Equal files uploaded with the same
 * part size have equal content ids.
 */
export async function contentIdOf(parts: Pick<UploadPart, "sha256">[]): Promise<string> {
  const joined = new Uint8Array(parts.length * 32);
  parts.forEach((part, i) => joined.set(fromHex(part.sha256), i * 32));
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", joined));
  return Array.from(digest, (b) => b.toString(16).padStart(2, "0")).join("");
}

function fromHex(hex: string): Uint8Array {
  return Uint8Array.from(hex.match(/../g) ?? [], (pair) => parseInt(pair, 16));
}
