/**
 * What the attachments service knows about each stored file, in the NATS KV bucket
 * `attachments`: the record by id (`<tenant>.a.<id>`) and an index per ticket
 * (`<tenant>.t.<ticket>.<id>`), and a ledger per ticket (`<tenant>.l.<ticket>`: its files' sizes,
 * content ids and names) changed only by compare-and-set, so uploads finishing at the same moment
 * on any instances cannot pass the ticket's size limit, store one file twice or share a name.
 * The record holds where the sealed object is and its wrapped key, never the content; the
 * ticket's history holds the `AttachmentAdded` event.
 * @module
 */
import { type KV, Kvm } from "@nats-io/kv";
import type { NatsConnection } from "@nats-io/nats-core";
import { fail } from "@ticketd/shared/errors.ts";
import { uniqueFileName } from "./content/file_names.ts";
import type { ContentKind } from "./content/sniff.ts";
import type { ScanStatus } from "./scan/scanner.ts";

export const ATTACHMENTS_BUCKET = "attachments";

export interface AttachmentRecord {
  attachmentId: string;
  tenant: string;
  ticketId: string;
  /** Sealed in the stored record; opened (or "attachment" once erased) when handed out. */
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

interface LedgerEntry {
  attachmentId: string;
  contentId: string;
  size: number;
  /** Sealed, as in the record. */
  fileName: string;
}

/** How names are sealed and opened (the records never hold a name in the clear). */
export interface NameSeal {
  seal(name: string): Promise<string>;
  open(sealed: string): Promise<string | null>;
}

/** A file about to be recorded on a ticket. */
export interface Admission {
  tenant: string;
  ticketId: string;
  attachmentId: string;
  contentId: string;
  size: number;
  /** Already sanitised, in the clear; made unique on the ticket here. */
  fileName: string;
}

const LEDGER_ATTEMPTS = 20;

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

  /**
   * Admits a file to its ticket's ledger and returns its unique name, sealed; refuses a file
   * already on the ticket (409 `duplicate_attachment`) or one past the ticket's limit (413).
   * Repeating the same attachment answers as the first time.
   */
  async admit(file: Admission, maxTicketBytes: number, names: NameSeal): Promise<string> {
    const key = `${file.tenant}.l.${file.ticketId}`;
    for (let attempt = 0; attempt < LEDGER_ATTEMPTS; attempt++) {
      const entry = await this.kv.get(key);
      const files: LedgerEntry[] = entry?.operation === "PUT" ? entry.json<LedgerEntry[]>() : [];
      const again = files.find((f) => f.attachmentId === file.attachmentId);
      if (again) return again.fileName;
      const same = files.find((f) => f.contentId === file.contentId && f.size === file.size);
      if (same) {
        fail("duplicate_attachment", "This file is already attached to the ticket", 409, {
          attachmentId: same.attachmentId,
        });
      }
      const bytes = files.reduce((sum, f) => sum + f.size, 0) + file.size;
      if (bytes > maxTicketBytes) {
        fail(
          "ticket_attachments_too_large",
          `A ticket holds at most ${maxTicketBytes} bytes of files`,
          413,
        );
      }
      const taken = await Promise.all(files.map((f) => names.open(f.fileName)));
      const unique = uniqueFileName(file.fileName, new Set(taken.filter((n) => n !== null)));
      const fileName = await names.seal(unique);
      const next = JSON.stringify([...files, { ...file, fileName }]);
      const stored =
        await (entry ? this.kv.update(key, next, entry.revision) : this.kv.create(key, next))
          .then(() => true, () => false);
      if (stored) return fileName;
    }
    fail("too_much_contention", "Too many files are arriving on this ticket at once; retry", 409);
  }

  /** Takes a file out of its ticket's ledger (its recording failed after admission). */
  async release(tenant: string, ticketId: string, attachmentId: string): Promise<void> {
    const key = `${tenant}.l.${ticketId}`;
    for (let attempt = 0; attempt < LEDGER_ATTEMPTS; attempt++) {
      const entry = await this.kv.get(key);
      if (!entry || entry.operation !== "PUT") return;
      const files = entry.json<LedgerEntry[]>().filter((f) => f.attachmentId !== attachmentId);
      const stored = await this.kv.update(key, JSON.stringify(files), entry.revision)
        .then(() => true, () => false);
      if (stored) return;
    }
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
