/**
 * The Stripe-style signature of a webhook body: `t=<unix seconds>,v1=<hex HMAC-SHA-256 of
 * "<t>.<body>">`, with one `v1` per secret in use (two while a rotated secret overlaps).
 * @module
 */
import { createHmac, timingSafeEqual } from "node:crypto";

/** The `Ticketd-Signature` header value for `body` sent at `unixSeconds`. */
export function signatureHeader(secrets: readonly string[], unixSeconds: number, body: string) {
  const signatures = secrets.map((secret) => `v1=${hmacHex(secret, `${unixSeconds}.${body}`)}`);
  return [`t=${unixSeconds}`, ...signatures].join(",");
}

/**
 * What a receiver does (docs/webhooks.md): true when `header` holds a `v1` made with `secret`
 * over `body` and its `t` is within `toleranceSeconds` of `nowSeconds`.
 */
export function verifySignature(
  secret: string,
  header: string,
  body: string,
  nowSeconds: number,
  toleranceSeconds = 300,
): boolean {
  const parts = header.split(",").map((part) => part.split("=", 2));
  const t = Number(parts.find(([key]) => key === "t")?.[1]);
  if (!Number.isSafeInteger(t) || Math.abs(nowSeconds - t) > toleranceSeconds) return false;
  const expected = Buffer.from(hmacHex(secret, `${t}.${body}`));
  return parts.some(([key, value]) =>
    key === "v1" && value?.length === expected.length &&
    timingSafeEqual(Buffer.from(value), expected)
  );
}

function hmacHex(secret: string, text: string): string {
  return createHmac("sha256", secret).update(text).digest("hex");
}
