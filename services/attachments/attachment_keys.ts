/**
 * Each attachment's own data key: random, in the tenant's profile (AES-256 or SM4), wrapped by
 * sealing it with the envelope under the ticket's requester's key, exactly as ticket text is.
 * So erasing a customer shreds their attachments too: the wrapped key no longer opens.
 * @module
 */
import { decodeBase64, encodeBase64 } from "@ticketd/shared/crypto/base64.ts";
import type { Envelope } from "@ticketd/shared/crypto/envelope.ts";
import { profileOf, PROFILES, type TenantProfiles } from "@ticketd/shared/crypto/profiles.ts";
import type { AttachmentKey } from "./crypto/segments.ts";

export interface KeyScope {
  tenant: string;
  ticketId: string;
  requesterId: string;
  attachmentId: string;
}

export interface WrappedKey {
  key: AttachmentKey;
  /** The data key sealed under the requester's key (`enc:v2:...`). */
  sealedKey: string;
}

export class AttachmentKeys {
  constructor(
    private readonly envelope: Pick<Envelope, "seal" | "open" | "openUnlessErased">,
    private readonly profiles: TenantProfiles,
  ) {}

  /** A file name sealed like the ticket's text (a name can be personal data). */
  sealName(scope: Omit<KeyScope, "attachmentId">, name: string): Promise<string> {
    return this.envelope.seal(name, {
      tenant: scope.tenant,
      ticketId: scope.ticketId,
      ownerId: scope.requesterId,
    });
  }

  /** The name back, or null once its customer is erased. */
  openName(scope: { tenant: string; ticketId: string }, sealed: string): Promise<string | null> {
    return this.envelope.openUnlessErased(sealed, scope);
  }

  /** A fresh key for a new attachment. */
  async create(scope: KeyScope): Promise<WrappedKey> {
    const profile = PROFILES[profileOf(this.profiles, scope.tenant)];
    const key: AttachmentKey = {
      attachmentId: scope.attachmentId,
      cipher: profile.cipher,
      key: crypto.getRandomValues(new Uint8Array(profile.keyBytes)),
      noncePrefix: crypto.getRandomValues(new Uint8Array(8)),
    };
    const sealedKey = await this.envelope.seal(serialise(key), {
      tenant: scope.tenant,
      ticketId: scope.ticketId,
      ownerId: scope.requesterId,
    });
    return { key, sealedKey };
  }

  /** The key of an attachment; fails (`data_key_destroyed` or alike) once its owner is erased. */
  async open(
    scope: { tenant: string; ticketId: string; attachmentId: string },
    sealedKey: string,
  ): Promise<AttachmentKey> {
    const opened = await this.envelope.open(sealedKey, {
      tenant: scope.tenant,
      ticketId: scope.ticketId,
    });
    return parse(scope.attachmentId, opened);
  }
}

function serialise(key: AttachmentKey): string {
  return `${key.cipher}:${encodeBase64(key.key)}:${encodeBase64(key.noncePrefix)}`;
}

function parse(attachmentId: string, text: string): AttachmentKey {
  const [cipher, key, prefix] = text.split(":");
  if ((cipher !== "A256GCM" && cipher !== "SM4GCM") || !key || !prefix) {
    throw new Error("not an attachment key");
  }
  return { attachmentId, cipher, key: decodeBase64(key), noncePrefix: decodeBase64(prefix) };
}
