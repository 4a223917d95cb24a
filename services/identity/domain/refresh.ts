/**
 * Refresh-token rotation with reuse detection: each refresh token is good once; presenting one
 * that was already rotated means two parties hold it, so the whole family is revoked. Pure.
 * @module
 */

export interface RefreshRecord {
  clientId: string;
  expiresAt: Date;
  rotatedAt: Date | null;
  familyRevokedAt: Date | null;
}

export type RefreshVerdict =
  | { kind: "rotate" }
  | { kind: "reuse" }
  | { kind: "invalid"; reason: string };

/** What to do with a presented refresh token (`null`: unknown to us). */
export function judgeRefresh(
  record: RefreshRecord | null,
  clientId: string,
  now: Date,
): RefreshVerdict {
  if (!record) return { kind: "invalid", reason: "The refresh token is not known" };
  if (record.clientId !== clientId) {
    return { kind: "invalid", reason: "The refresh token was issued to another client" };
  }
  if (record.familyRevokedAt) {
    return { kind: "invalid", reason: "The refresh token has been revoked" };
  }
  if (record.rotatedAt) return { kind: "reuse" };
  if (record.expiresAt.getTime() <= now.getTime()) {
    return { kind: "invalid", reason: "The refresh token has expired" };
  }
  return { kind: "rotate" };
}
