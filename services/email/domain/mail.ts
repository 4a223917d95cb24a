/**
 * A decoded inbound mail as the domain sees it: plain data, decoded and size-limited by
 * `decoding/`, nothing left to parse.
 * @module
 */

export interface MailAddress {
  /** Lower-cased. */
  address: string;
  name: string;
}

export interface MailAttachment {
  fileName: string;
  mime: string;
  /** An inline part (`Content-ID` referenced from the HTML), such as a pasted image. */
  inline: boolean;
  content: Uint8Array;
}

export interface InboundMail {
  /** Without angle brackets; null when the mail has none. */
  messageId: string | null;
  inReplyTo: string[];
  references: string[];
  subject: string;
  from: MailAddress | null;
  /** Every address it was sent to: To, Cc, Delivered-To and X-Original-To, lower-cased. */
  recipients: string[];
  /** Header values by lower-cased name (first occurrence), for the loop guard. */
  headers: Record<string, string>;
  /** The body as safe plain text. */
  text: string;
  attachments: MailAttachment[];
  /** SHA-256 (hex) of the raw message: its identity when it has no Message-ID. */
  contentHash: string;
}
