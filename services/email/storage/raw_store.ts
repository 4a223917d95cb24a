/**
 * Every mail that made a ticket or a reply, and every one that could not be decoded, is kept as
 * it arrived: sealed with the project's envelope encryption (the requester's data key, bound to
 * the ticket, so erasing the requester shreds their mail too) in S3. Keys are the content hash,
 * so keeping the same mail twice writes the same object.
 * @module
 */
import type { Envelope } from "@ticketd/shared/crypto/envelope.ts";
import { decodeBase64, encodeBase64 } from "@ticketd/shared/crypto/base64.ts";
import type { ObjectStore } from "../../attachments/storage/object_store.ts";

/** The owner and ticket an undecodable mail is sealed under (it has neither). */
const UNPARSED = { ticketId: "0", ownerId: "svc:email" };

export interface KeptMail {
  tenant: string;
  ticketId: string;
  requesterId: string;
  contentHash: string;
}

export class RawMailStore {
  constructor(private readonly store: ObjectStore, private readonly envelope: Envelope) {}

  /** Keeps the mail that made (or went into) `mail.ticketId`. */
  async keep(mail: KeptMail, raw: Uint8Array): Promise<string> {
    const key = `tickets/${mail.tenant}/${mail.ticketId}/${mail.contentHash}.eml`;
    await this.#put(key, raw, {
      tenant: mail.tenant,
      ticketId: mail.ticketId,
      ownerId: mail.requesterId,
    });
    return key;
  }

  /** Keeps a mail that could not be decoded, for a person to look at. */
  async keepUnparsed(tenant: string, contentHash: string, raw: Uint8Array): Promise<string> {
    const key = `unparsed/${tenant}/${contentHash}.eml`;
    await this.#put(key, raw, { tenant, ...UNPARSED });
    return key;
  }

  /** The raw bytes at `key` (from {@link keep} or {@link keepUnparsed}), or null. */
  async read(
    key: string,
    scope: { tenant: string; ticketId?: string },
  ): Promise<Uint8Array | null> {
    const sealed = await this.store.get(key);
    if (!sealed) return null;
    const ticketId = scope.ticketId ?? UNPARSED.ticketId;
    const text = await this.envelope.open(new TextDecoder().decode(sealed), {
      tenant: scope.tenant,
      ticketId,
    });
    return decodeBase64(text);
  }

  async #put(
    key: string,
    raw: Uint8Array,
    scope: { tenant: string; ticketId: string; ownerId: string },
  ): Promise<void> {
    // The envelope seals text: the bytes travel as base64 inside it.
    const sealed = await this.envelope.seal(encodeBase64(raw), scope);
    await this.store.put(key, new TextEncoder().encode(sealed));
  }
}
