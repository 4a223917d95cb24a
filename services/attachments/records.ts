/**
 * What the attachments service knows about each stored file, in the NATS KV bucket
 * `attachments`: the record by id (`<tenant>.a.<id>`) and an index per ticket
 * (`<tenant>.t.<ticket>.<id>`). The record holds where the sealed object is and its wrapped key,
 * never the content; the ticket's history holds the `AttachmentAdded` event.
 * @module
 */
import { type KV, Kvm } from "@nats-io/kv";
import type { NatsConnection } from "@nats-io/nats-core";
import type { ContentKind } from "./content/sniff.ts";
import type { ScanStatus } from "./scan/scanner.ts";

export const ATTACHMENTS_BUCKET = "attachments";

export interface AttachmentRecord {
  attachmentId: string;
  tenant: string;
  ticketId: string;
  fileName: string;
  mime: string;
  kind: ContentKind;
  size: number;
  contentId: string;
  uploaderId: string;
  objectKey: string;
  /** Base64 of the 8-byte nonce prefix. */
  noncePrefix: string;
  sealedKey: string;
  status: ScanStatus;
  /** The scanner's finding, for a quarantined file. */
  signature?: string;
  createdAt: string;
}

export class AttachmentRecords {
  private constructor(private readonly kv: KV) {}

  static async open(nc: NatsConnection): Promise<AttachmentRecords> {
    return new AttachmentRecords(await new Kvm(nc).create(ATTACHMENTS_BUCKET, { history: 1 }));
  }

  async put(record: AttachmentRecord): Promise<void> {
    const { tenant, ticketId, attachmentId } = record;
    await this.kv.put(`${tenant}.a.${attachmentId}`, JSON.stringify(record));
    await this.kv.put(`${tenant}.t.${ticketId}.${attachmentId}`, attachmentId);
  }

  async get(tenant: string, attachmentId: string): Promise<AttachmentRecord | null> {
    if (!/^[1-9][0-9]{0,18}$/.test(attachmentId)) return null;
    const entry = await this.kv.get(`${tenant}.a.${attachmentId}`);
    return entry && entry.operation === "PUT" ? entry.json<AttachmentRecord>() : null;
  }

  /** A ticket's files, oldest first. */
  async list(tenant: string, ticketId: string): Promise<AttachmentRecord[]> {
    const ids: string[] = [];
    for await (const key of await this.kv.keys(`${tenant}.t.${ticketId}.*`)) {
      ids.push(key.slice(key.lastIndexOf(".") + 1));
    }
    ids.sort((a, b) => a.length - b.length || (a < b ? -1 : 1));
    const records = await Promise.all(ids.map((id) => this.get(tenant, id)));
    return records.filter((r): r is AttachmentRecord => r !== null);
  }
}
