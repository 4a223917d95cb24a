/**
 * A segment's bytes: its NDJSON text gzip-compressed (the platform's CompressionStream), and the
 * digest of those bytes in the tenant's hash (SM3 for `gm`, SHA-256 otherwise).
 * @module
 */
import { createHash } from "node:crypto";
import { sm3 } from "@ticketd/shared/crypto/gm/sm3.ts";
import type { HashAlg } from "../domain/chain.ts";

/** `text` as gzip bytes. */
export async function gzip(text: string): Promise<Uint8Array> {
  const stream = new Blob([text]).stream().pipeThrough(new CompressionStream("gzip"));
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

/** The text of gzip `bytes`; throws on bytes that are not gzip. */
export async function gunzip(bytes: Uint8Array): Promise<string> {
  const stream = new Blob([bytes as Uint8Array<ArrayBuffer>]).stream()
    .pipeThrough(new DecompressionStream("gzip"));
  return await new Response(stream).text();
}

/** The lower-case hex digest of `bytes`. */
export function digestOf(alg: HashAlg, bytes: Uint8Array): string {
  if (alg === "SM3") return sm3(bytes).toHex();
  return createHash("sha256").update(bytes).digest("hex");
}
