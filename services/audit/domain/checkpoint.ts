/**
 * A checkpoint: a tenant's chain heads at a moment, as the canonical JSON statement the audit
 * key signs: `{"at":…,"heads":{"<stream>":{"hash":…,"seq":…}},"tenant":…}`.
 * @module
 */
import type { Profile } from "@ticketd/shared/crypto/profiles.ts";
import { canonicalJson } from "./canonical_json.ts";
import type { ChainHead, HashAlg } from "./chain.ts";

export interface CheckpointStatement {
  tenant: string;
  at: string;
  heads: Record<string, { seq: number; hash: string }>;
}

/** The statement of `tenant`'s `heads` (by stream) at `at`, as the text to sign. */
export function checkpointStatement(
  tenant: string,
  at: string,
  heads: ReadonlyMap<string, ChainHead>,
): string {
  const byStream: CheckpointStatement["heads"] = {};
  for (const [stream, head] of heads) byStream[stream] = { seq: head.seq, hash: head.hash };
  return canonicalJson({ tenant, at, heads: byStream });
}

/** The chain hash of a profile: SM3 for `gm`, SHA-256 otherwise. */
export function hashAlgOf(profile: Profile): HashAlg {
  return profile === "gm" ? "SM3" : "SHA-256";
}

/** The checkpoint signature of a profile: SM2 for `gm`, Ed25519 otherwise. */
export function signatureAlgOf(profile: Profile): "SM2" | "Ed25519" {
  return profile === "gm" ? "SM2" : "Ed25519";
}
