/**
 * The email service's settings, read once from the environment. It runs beside the tickets
 * service (`deno task start`) on its connections and keyring; raw mail is kept in the same S3
 * as attachments (`TICKETD_S3_*`), in a bucket of its own.
 * @module
 */
import { intSettings, textSettings } from "@ticketd/shared/runtime/env_settings.ts";
import type { TlsSettings } from "@ticketd/shared/runtime/tls_settings.ts";
import type { ObjectStoreConfig } from "../attachments/storage/object_store.ts";
import { type Mailbox, parseMailboxes } from "./mailboxes.ts";
import { type OutboundSettings, outboundSettings } from "./outbound/mod.ts";
import type { SmtpListenerSettings } from "./smtp/listener.ts";

export class EmailConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "EmailConfigError";
  }
}

export interface EmailConfig {
  mailboxes: Mailbox[];
  /** A domain our Message-IDs carry (besides each tenant sender's): mail citing it as its own is ours. */
  ownDomain: string;
  /** STARTTLS offers the shared `TICKETD_TLS_*`; `TICKETD_EMAIL_SMTP_REQUIRE_TLS` sets `requireTls`. */
  smtp: SmtpListenerSettings;
  /** Where the probes and `/metrics` are served (`TICKETD_EMAIL_HTTP_PORT`; 0 = any free port). */
  http: { host: string; port: number };
  imap: { pollIntervalMs: number; timeoutMs: number; maxPerPoll: number };
  text: {
    maxSubjectChars: number;
    maxBodyChars: number;
    maxHtmlChars: number;
    maxHtmlDepth: number;
    maxMimeParts: number;
  };
  commandTimeoutMs: number;
  rawBucket: string;
  /** The outbound side's settings (`outbound/settings.ts`). */
  outbound: OutboundSettings;
}

export interface MailboxFiles {
  mailboxesJson: string | null;
  secretsJson: string | null;
}

/** Reads the files the settings name (outside `loadEmailConfig`, which does no I/O). */
export async function readMailboxFiles(
  env: Record<string, string | undefined>,
): Promise<MailboxFiles> {
  const read = (setting: string) => {
    const path = env[setting];
    if (!path) return Promise.resolve(null);
    return Deno.readTextFile(path).catch((error) => {
      throw new EmailConfigError(`${setting}: cannot read ${path} (${(error as Error).name})`);
    });
  };
  const [mailboxesJson, secretsJson] = await Promise.all([
    read("TICKETD_EMAIL_MAILBOXES_FILE"),
    read("TICKETD_EMAIL_SECRETS_FILE"),
  ]);
  return { mailboxesJson, secretsJson };
}

/** Reads `TICKETD_EMAIL_*` from `env`, the mailbox files' content and the process's TLS. */
export function loadEmailConfig(
  env: Record<string, string | undefined>,
  files: MailboxFiles = { mailboxesJson: null, secretsJson: null },
  tls: TlsSettings = {},
): EmailConfig {
  const int = intSettings(env, (message) => new EmailConfigError(message));
  const text = textSettings(env);
  const MiB = 1024 * 1024;
  return {
    mailboxes: mailboxes(files),
    ownDomain: text("TICKETD_EMAIL_DOMAIN", "ticketd.localhost").toLowerCase(),
    smtp: {
      host: text("TICKETD_EMAIL_SMTP_HOST") ?? text("TICKETD_HOST", "127.0.0.1"),
      port: int("TICKETD_EMAIL_SMTP_PORT", 2525, 0, 65_535), // 0 = any free port (tests)
      maxMessageBytes: int("TICKETD_EMAIL_MAX_MESSAGE_MB", 25, 1, 150) * MiB,
      maxRecipients: int("TICKETD_EMAIL_MAX_RECIPIENTS", 50, 1, 1_000),
      idleTimeoutMs: int("TICKETD_EMAIL_SMTP_IDLE_SECONDS", 60, 1, 3_600) * 1000,
      tls: tls.server ?? null,
      requireTls: requireTls(env, tls),
    },
    http: {
      host: text("TICKETD_EMAIL_HTTP_HOST") ?? text("TICKETD_HOST", "127.0.0.1"),
      port: int("TICKETD_EMAIL_HTTP_PORT", 8087, 0, 65_535),
    },
    imap: {
      pollIntervalMs: int("TICKETD_EMAIL_IMAP_POLL_SECONDS", 30, 1, 86_400) * 1000,
      timeoutMs: int("TICKETD_EMAIL_IMAP_TIMEOUT_SECONDS", 60, 1, 3_600) * 1000,
      maxPerPoll: int("TICKETD_EMAIL_IMAP_MAX_PER_POLL", 100, 1, 10_000),
    },
    text: {
      maxSubjectChars: int("TICKETD_EMAIL_MAX_SUBJECT_CHARS", 500, 1, 500),
      maxBodyChars: int("TICKETD_EMAIL_MAX_BODY_CHARS", 200_000, 1, 200_000),
      maxHtmlChars: int("TICKETD_EMAIL_MAX_HTML_CHARS", 2_000_000, 1_000, 100_000_000),
      maxHtmlDepth: int("TICKETD_EMAIL_MAX_HTML_DEPTH", 100, 1, 10_000),
      maxMimeParts: int("TICKETD_EMAIL_MAX_MIME_PARTS", 1_000, 1, 10_000),
    },
    commandTimeoutMs: int("TICKETD_EMAIL_COMMAND_TIMEOUT_MS", 10_000),
    rawBucket: text("TICKETD_EMAIL_S3_BUCKET", "ticketd-email"),
    outbound: outboundSettings(env),
  };
}

function requireTls(env: Record<string, string | undefined>, tls: TlsSettings): boolean {
  const text = textSettings(env);
  const raw = text("TICKETD_EMAIL_SMTP_REQUIRE_TLS", "");
  if (!["", "true", "false"].includes(raw)) {
    throw new EmailConfigError(
      `TICKETD_EMAIL_SMTP_REQUIRE_TLS must be true or false, got "${raw}"`,
    );
  }
  if (raw === "true" && !tls.server) {
    throw new EmailConfigError(
      "TICKETD_EMAIL_SMTP_REQUIRE_TLS needs a certificate: set TICKETD_TLS_CERT_FILE and TICKETD_TLS_KEY_FILE",
    );
  }
  return raw === "true";
}

function mailboxes({ mailboxesJson, secretsJson }: MailboxFiles): Mailbox[] {
  if (mailboxesJson === null) return [];
  let secrets: Record<string, unknown> = {};
  if (secretsJson !== null) {
    try {
      secrets = JSON.parse(secretsJson);
    } catch {
      throw new EmailConfigError("TICKETD_EMAIL_SECRETS_FILE is not valid JSON");
    }
  }
  try {
    return parseMailboxes(mailboxesJson, secrets);
  } catch (error) {
    throw new EmailConfigError(`TICKETD_EMAIL_MAILBOXES_FILE: ${(error as Error).message}`);
  }
}

/** The S3 settings of the attachments service with the email bucket. */
export function rawStoreConfig(s3: ObjectStoreConfig, config: EmailConfig): ObjectStoreConfig {
  return { ...s3, bucket: config.rawBucket };
}
