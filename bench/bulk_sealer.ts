/**
 * Sealed subjects for a million seeded rows in seconds. `Envelope.seal` costs ~140 µs a value
 * here (a fresh data key per value), so the bulk path makes one data key, wraps it once with the
 * keyring's active KEK, and encrypts each value under it with a fresh IV and its own context as
 * associated data: the same `enc:v1:A256GCM:…` format, which `Envelope.open` opens (checked on
 * start), at the same cost to open.
 * @module
 */
import { createCipheriv, randomBytes } from "node:crypto";
import { encodeBase64Url } from "@ticketd/shared/crypto/base64.ts";
import { Envelope } from "@ticketd/shared/crypto/envelope.ts";
import type { Keyring } from "@ticketd/shared/crypto/keyring.ts";

export type Seal = (plaintext: string, context: string) => string;

/** A synchronous sealer for `keyring`, verified against {@link Envelope.open}. */
export async function bulkSealer(keyring: Keyring): Promise<Seal> {
  const kid = keyring.activeKeyId;
  const raw = crypto.getRandomValues(new Uint8Array(32));
  const dataKey = await crypto.subtle.importKey("raw", raw, "AES-GCM", true, ["encrypt"]);
  const kek = await crypto.subtle.importKey("raw", keyring.keks.get(kid)!, "AES-KW", false, [
    "wrapKey",
  ]);
  const wrapped = encodeBase64Url(
    new Uint8Array(await crypto.subtle.wrapKey("raw", dataKey, kek, "AES-KW")),
  );
  const prefix = `enc:v1:A256GCM:${kid}:${wrapped}:`;
  const seal: Seal = (plaintext, context) => {
    const iv = randomBytes(12);
    const cipher = createCipheriv("aes-256-gcm", raw, iv);
    cipher.setAAD(Buffer.from(context, "utf8"));
    const body = Buffer.concat([
      cipher.update(plaintext, "utf8"),
      cipher.final(),
      cipher.getAuthTag(),
    ]);
    return `${prefix}${iv.toString("base64url")}:${body.toString("base64url")}`;
  };
  const probe = "Sealed by bench/bulk_sealer.ts — 崩溃";
  const opened = await new Envelope(keyring).open(seal(probe, "bench/1"), "bench/1");
  if (opened !== probe) throw new Error("bulk sealer output does not open with Envelope");
  return seal;
}
