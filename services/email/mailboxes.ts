/**
 * The mailboxes mail arrives at, per tenant, from the JSON file `TICKETD_EMAIL_MAILBOXES_FILE`;
 * IMAP passwords are names looked up in the secrets file `TICKETD_EMAIL_SECRETS_FILE` (a JSON
 * object, such as a Docker secret), so the mailboxes file can live in version control.
 * @module
 */
import { z } from "zod";

export interface ImapSettings {
  host: string;
  port: number;
  /** TLS from the first byte (IMAPS, 993); false only on a trusted network or in tests. */
  secure: boolean;
  user: string;
  password: string;
  folder: string;
  /** What happens to a mail once its ticket event is durable. */
  after: "flag" | "delete";
}

export interface Mailbox {
  tenant: string;
  /** The address customers write to, lower-cased; its plus-addresses reach it too. */
  address: string;
  imap: ImapSettings | null;
}

const mailboxSchema = z.strictObject({
  tenant: z.string().regex(/^[a-z0-9][a-z0-9_-]{0,62}$/),
  address: z.string().regex(/^[^@\s]+@[^@\s]+$/).max(254),
  imap: z.strictObject({
    host: z.string().min(1).max(253),
    port: z.number().int().min(1).max(65_535).default(993),
    secure: z.boolean().default(true),
    user: z.string().min(1).max(320),
    /** The name of the password in the secrets file. */
    passwordSecret: z.string().min(1).max(200),
    folder: z.string().min(1).max(200).default("INBOX"),
    after: z.enum(["flag", "delete"]).default("flag"),
  }).optional(),
});
const fileSchema = z.strictObject({ mailboxes: z.array(mailboxSchema).max(1_000) });

/** The mailboxes of `json` with passwords from `secrets`; throws a message naming the problem. */
export function parseMailboxes(json: string, secrets: Record<string, unknown>): Mailbox[] {
  let raw: unknown;
  try {
    raw = JSON.parse(json);
  } catch {
    throw new Error("is not valid JSON");
  }
  const parsed = fileSchema.safeParse(raw);
  if (!parsed.success) {
    throw new Error(parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; "));
  }
  const seen = new Set<string>();
  return parsed.data.mailboxes.map(({ tenant, address, imap }) => {
    const lower = address.toLowerCase();
    if (seen.has(lower)) throw new Error(`mailbox ${lower} is listed twice`);
    seen.add(lower);
    if (!imap) return { tenant, address: lower, imap: null };
    const { passwordSecret, ...rest } = imap;
    const password = secrets[passwordSecret];
    if (typeof password !== "string") {
      // The secret's name only: never its value.
      throw new Error(`mailbox ${lower}: no secret "${passwordSecret}" in the secrets file`);
    }
    return { tenant, address: lower, imap: { ...rest, password } };
  });
}
