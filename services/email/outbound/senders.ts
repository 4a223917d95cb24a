/**
 * The per-tenant senders file (`TICKETD_EMAIL_OUTBOUND_FILE`): each tenant's From address,
 * Message-ID domain, default language, notifications and SMTP relay. A relay's password is named
 * here and read from the secrets file (`TICKETD_EMAIL_SECRETS_FILE`, the one the IMAP mailboxes
 * use), so the senders file holds no secret and can be kept in version control.
 * @module
 */
import { z } from "zod";
import { TENANT } from "@ticketd/shared/http/auth.ts";
import { LANGUAGES } from "./language.ts";
import { OutboundConfigError, type OutboundSettings } from "./settings.ts";

const host = z.string().regex(/^[A-Za-z0-9.-]{1,253}$|^\[[0-9A-Fa-f:.]+\]$/);
const address = z.string().regex(/^[^\s@<>]{1,64}@[A-Za-z0-9.-]{1,253}$/);
const relaySchema = z.strictObject({
  host,
  port: z.number().int().min(1).max(65_535),
  /** `implicit`: TLS from the first byte (465); `starttls`: STARTTLS required (587, 25). */
  tls: z.enum(["implicit", "starttls"]),
  /** PEM file of the CA(s) to trust instead of the system's. */
  caFile: z.string().min(1).optional(),
  /** Off only for a relay you reach over a trusted link; logged loudly at start. */
  verifyCertificate: z.boolean().default(true),
  /** The name the certificate must carry, when `host` is an address. */
  servername: z.string().min(1).optional(),
  /** The login; its password by name from the secrets file. None: no AUTH. */
  auth: z.strictObject({ user: z.string().min(1), passwordSecret: z.string().min(1) }).optional(),
});
const tenantSchema = z.strictObject({
  from: z.strictObject({ name: z.string().min(1).max(100), address }),
  replyTo: address.optional(),
  /** The domain of our Message-IDs; default the From address's. */
  messageIdDomain: z.string().min(1).optional(),
  language: z.enum(LANGUAGES).default("en"),
  notify: z.strictObject({ created: z.boolean(), solved: z.boolean() })
    .default({ created: true, solved: true }),
  smtp: relaySchema,
  /** The console's origin for the CSAT survey link in solved notices (none: no link). */
  surveyUrl: z.url({ protocol: /^https?$/ }).optional(),
});
const sendersSchema = z.strictObject({ tenants: z.record(z.string().regex(TENANT), tenantSchema) });
const secretsSchema = z.record(z.string(), z.string());

type TenantEntry = z.infer<typeof tenantSchema>;

export interface RelaySettings extends Omit<z.infer<typeof relaySchema>, "caFile" | "auth"> {
  /** The CA file's PEM text. */
  ca?: string;
  login?: { user: string; pass: string };
}

export interface TenantSender extends Omit<TenantEntry, "smtp" | "messageIdDomain"> {
  domain: string;
  smtp: RelaySettings;
}

/** Reads and checks both files; the error names the file and the problem, never a secret. */
export async function loadSenders(settings: OutboundSettings): Promise<Map<string, TenantSender>> {
  if (!settings.sendersFile) return new Map();
  const senders = parsed(sendersSchema, await readJson(settings.sendersFile), "senders");
  const secrets = settings.secretsFile
    ? parsed(secretsSchema, await readJson(settings.secretsFile), "secrets")
    : {};
  const out = new Map<string, TenantSender>();
  for (const [tenant, entry] of Object.entries(senders.tenants)) {
    out.set(tenant, await tenantSender(tenant, entry, secrets));
  }
  return out;
}

async function tenantSender(
  tenant: string,
  entry: TenantEntry,
  secrets: z.infer<typeof secretsSchema>,
): Promise<TenantSender> {
  const { smtp, messageIdDomain, ...rest } = entry;
  const { caFile, auth, ...relay } = smtp;
  if (auth && !Object.hasOwn(secrets, auth.passwordSecret)) {
    throw new OutboundConfigError(
      `TICKETD_EMAIL_OUTBOUND_FILE: tenant ${tenant} names SMTP password ` +
        `"${auth.passwordSecret}", which TICKETD_EMAIL_SECRETS_FILE does not hold`,
    );
  }
  return {
    ...rest,
    domain: (messageIdDomain ?? entry.from.address.split("@")[1]).toLowerCase(),
    smtp: {
      ...relay,
      ...(caFile ? { ca: await readText(caFile) } : {}),
      ...(auth ? { login: { user: auth.user, pass: secrets[auth.passwordSecret] } } : {}),
    },
  };
}

function parsed<T>(schema: z.ZodType<T>, value: unknown, which: "senders" | "secrets"): T {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const setting = which === "senders"
    ? "TICKETD_EMAIL_OUTBOUND_FILE"
    : "TICKETD_EMAIL_SECRETS_FILE";
  // Issues name paths and expectations; the secrets file's values never appear in them.
  const first = result.error.issues[0];
  throw new OutboundConfigError(`${setting}: ${first.path.join(".")}: ${first.message}`);
}

async function readJson(path: string): Promise<unknown> {
  try {
    return JSON.parse(await readText(path));
  } catch (error) {
    if (error instanceof OutboundConfigError) throw error;
    throw new OutboundConfigError(`${path} is not valid JSON`);
  }
}

async function readText(path: string): Promise<string> {
  try {
    return await Deno.readTextFile(path);
  } catch (error) {
    throw new OutboundConfigError(`cannot read ${path} (${(error as Error).name})`);
  }
}
