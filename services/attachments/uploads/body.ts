/**
 * Reading a PATCH body into the writer. Without `Upload-Checksum` bytes are passed on as they
 * arrive, and a dropped connection just ends the body (what arrived is kept, as tus expects).
 * With it the chunk is held in memory, verified, and only then passed on: nothing of a chunk
 * that fails its checksum is sealed or stored.
 * @module
 */
import { createHash } from "node:crypto";
import { fail } from "@ticketd/shared/errors.ts";
import type { ChecksumAlgorithm } from "./tus_headers.ts";

export interface BodySource {
  stream: ReadableStream<Uint8Array> | null;
  /** Content-Length, when the client sent one. */
  declaredBytes: number | null;
  checksum: { algorithm: ChecksumAlgorithm; digest: Uint8Array } | null;
}

export interface BodyOutcome {
  received: number;
  /** More than `room` bytes came; the excess was not passed on. */
  overflow: boolean;
}

/** Passes up to `room` bytes of the body to `write`. */
export async function pumpBody(
  body: BodySource,
  room: number,
  write: (bytes: Uint8Array) => Promise<void>,
): Promise<BodyOutcome> {
  if (!body.stream) return { received: 0, overflow: false };
  if (body.checksum) return await verifiedPump(body, room, write);
  const reader = body.stream.getReader();
  let received = 0;
  for (;;) {
    const chunk = await reader.read().catch(() => null); // null: the client went away
    if (!chunk || chunk.done) return { received, overflow: false };
    const take = Math.min(chunk.value.length, room - received);
    await write(chunk.value.subarray(0, take));
    received += take;
    if (take < chunk.value.length) {
      await reader.cancel().catch(() => {});
      return { received, overflow: true };
    }
  }
}

async function verifiedPump(
  body: BodySource,
  room: number,
  write: (bytes: Uint8Array) => Promise<void>,
): Promise<BodyOutcome> {
  const { algorithm, digest } = body.checksum!;
  const chunks: Uint8Array[] = [];
  let received = 0;
  const hash = createHash(algorithm);
  for await (const chunk of body.stream!) {
    received += chunk.length;
    if (received > room) fail("patch_too_large", `This PATCH carried over ${room} bytes`, 413);
    hash.update(chunk);
    chunks.push(chunk);
  }
  if (!equalBytes(new Uint8Array(hash.digest()), digest)) {
    fail("checksum_mismatch", `The chunk's ${algorithm} checksum does not match`, 460);
  }
  for (const chunk of chunks) await write(chunk);
  return { received, overflow: false };
}

function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((byte, i) => byte === b[i]);
}
