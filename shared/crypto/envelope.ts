/**
 * Envelope encryption of ticket text. Text is sealed with its owner's data key (see
 * `shared/keys/data_keys.ts`) in the tenant's profile: AES-256-GCM or SM4-GCM. The sealed form
 * names its cipher and data key, and is bound to its ticket as associated data, so a ciphertext
 * copied onto another ticket does not open.
 *
 * Sealed form: `enc:v2:<cipher>:<data key id>:<iv>:<ciphertext+tag>` (base64url parts).
 * @module
 */
import { randomBytes } from "node:crypto";
import { DomainError } from "../errors.ts";
import { decodeBase64, encodeBase64Url } from "./base64.ts";
import { decryptData, decryptionFailed, encryptData } from "./data_cipher.ts";
import { type DataCipher, profileOf, PROFILES, type TenantProfiles } from "./profiles.ts";
import type { DataKey, DataKeys } from "../keys/data_keys.ts";

const PREFIX = "enc:v2:";
const CIPHERS = new Set<string>(Object.values(PROFILES).map((p) => p.cipher));
const encoder = new TextEncoder();
const decoder = new TextDecoder("utf-8", { fatal: true });

/** Where text belongs: its ticket, and whose words it is (their key seals it). */
export interface SealScope {
  tenant: string;
  ticketId: string;
  ownerId: string;
}

export type OpenScope = Omit<SealScope, "ownerId">;

/** Seals and opens text with data keys from {@link DataKeys}. */
export class Envelope {
  constructor(
    private readonly dataKeys: DataKeys,
    private readonly profiles: TenantProfiles,
  ) {}

  /** Encrypts `plaintext` under the owner's data key, bound to its ticket. */
  async seal(plaintext: string, scope: SealScope): Promise<string> {
    const profile = profileOf(this.profiles, scope.tenant);
    return sealWithKey(
      await this.dataKeys.forOwner(scope.tenant, scope.ownerId, profile),
      plaintext,
      scope,
    );
  }

  /** Decrypts a value sealed by {@link seal} for the same ticket; `content_erased` if shredded. */
  async open(sealed: string, scope: OpenScope): Promise<string> {
    const parts = sealed.startsWith(PREFIX) ? sealed.slice(PREFIX.length).split(":") : [];
    if (parts.length !== 4 || !CIPHERS.has(parts[0])) {
      throw new DomainError("decryption_failed", "Not a sealed value of a known format", 500);
    }
    const [cipher, keyId, iv, text] = parts;
    const dataKey = await this.dataKeys.byId(scope.tenant, keyId);
    if (dataKey.cipher !== cipher) throw decryptionFailed();
    const header = `${PREFIX}${cipher}:${keyId}`;
    const plain = decryptData(
      cipher as DataCipher,
      dataKey.key,
      decodeBase64(iv),
      decodeBase64(text),
      associatedData(header, scope),
    );
    try {
      return decoder.decode(plain);
    } catch {
      throw decryptionFailed();
    }
  }

  /** Like {@link open}, but erased content reads as `null` instead of failing. */
  async openUnlessErased(sealed: string, scope: OpenScope): Promise<string | null> {
    try {
      return await this.open(sealed, scope);
    } catch (error) {
      if (error instanceof DomainError && error.code === "content_erased") return null;
      throw error;
    }
  }
}

/** Seals with a data key in hand: what {@link Envelope.seal} does once it has the key. */
export function sealWithKey(dataKey: DataKey, plaintext: string, scope: OpenScope): string {
  const header = `${PREFIX}${dataKey.cipher}:${dataKey.id}`;
  const iv = randomBytes(12);
  const sealed = encryptData(
    dataKey.cipher,
    dataKey.key,
    iv,
    encoder.encode(plaintext),
    associatedData(header, scope),
  );
  return `${header}:${encodeBase64Url(iv)}:${encodeBase64Url(sealed)}`;
}

function associatedData(header: string, scope: OpenScope): Uint8Array {
  return encoder.encode(`${header}|${scope.tenant}/${scope.ticketId}`);
}
