/**
 * A plain inbound mail for the domain's tests, with the fields a test names.
 * @module
 */
import type { InboundMail } from "./mail.ts";

/** An ordinary mail from a person to support@acme.example, changed by `fields`. */
export function aMail(fields: Partial<InboundMail> = {}): InboundMail {
  return {
    messageId: "CAF1234@mail.example",
    inReplyTo: [],
    references: [],
    subject: "Printer on fire",
    from: { address: "ann@customer.example", name: "Ann" },
    recipients: ["support@acme.example"],
    headers: {},
    text: "It is on fire.",
    attachments: [],
    contentHash: "ab".repeat(32),
    ...fields,
  };
}
