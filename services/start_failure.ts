/**
 * Start failures a person can fix (a missing binary, a data folder in use, a bad setting or key
 * file, a taken port, named with its setting): one plain line naming what to change, instead of a
 * stack trace.
 * @module
 */
import { MigrationError } from "@ticketd/shared/postgres/migrate.ts";
import { RuntimeError } from "@ticketd/shared/runtime/runtime_error.ts";
import { TlsSettingsError } from "@ticketd/shared/runtime/tls_settings.ts";
import {
  ConfigError as IdentityConfigError,
  loadConfig as loadIdentityConfig,
} from "./identity/config.ts";
import { SigningKeysError } from "./identity/signing/keys.ts";
import { ConfigError, loadConfig as loadTicketsConfig } from "./tickets/config.ts";
import { loadRoutingConfig, RoutingConfigError } from "./routing/config.ts";
import { AttachmentsConfigError, loadAttachmentsConfig } from "./attachments/config.ts";
import { loadSessionsConfig, SessionsConfigError } from "./sessions/config.ts";
import { AuditConfigError, loadAuditConfig } from "./audit/config.ts";
import { EmailConfigError, loadEmailConfig } from "./email/config.ts";
import { OutboundConfigError } from "./email/outbound/mod.ts";
import { AuditKeysError } from "./audit/signing/audit_keys.ts";
import { GatewayConfigError, loadGatewayConfig } from "./gateway/config.ts";
import { loadWebhooksConfig, WebhooksConfigError } from "./webhooks/config.ts";
import { loadReportsConfig, ReportsConfigError } from "./reports/config.ts";

const KNOWN = [
  RuntimeError,
  MigrationError,
  TlsSettingsError,
  ConfigError,
  IdentityConfigError,
  SigningKeysError,
  RoutingConfigError,
  SessionsConfigError,
  AttachmentsConfigError,
  AuditConfigError,
  EmailConfigError,
  OutboundConfigError,
  AuditKeysError,
  GatewayConfigError,
  WebhooksConfigError,
  ReportsConfigError,
];

/**
 * The line to print for a start failure a person can fix, or null for a bug (rethrow it). For a
 * taken port, the settings whose port (as `env` configures it) another process holds now.
 */
export function startFailureMessage(
  error: unknown,
  env: Record<string, string | undefined> = Deno.env.toObject(),
): string | null {
  if (error instanceof Deno.errors.AddrInUse) {
    const ports = listenPorts(env);
    const taken = ports.filter(inUse).map((p) => `${p.setting} (${p.host}:${p.port})`);
    const settings = ports.map((p) => p.setting).join(", ");
    return taken.length > 0
      ? `a port is in use: ${taken.join(", ")}; set it to a free port (${error.message})`
      : `a port is in use; set one of ${settings} to a free port (${error.message})`;
  }
  return KNOWN.some((kind) => error instanceof kind) ? (error as Error).message : null;
}

interface ListenPort {
  setting: string;
  host: string;
  port: number;
}

/** Every port Ticketd listens on, as the services' own configs read them from `env`. */
function listenPorts(env: Record<string, string | undefined>): ListenPort[] {
  const from = (setting: string, load: () => { host: string; port: number }): ListenPort[] => {
    try {
      const { host, port } = load();
      return [{ setting, host, port }];
    } catch {
      return []; // a config that does not load has its own start failure
    }
  };
  return [
    ...from("TICKETD_PORT", () => loadTicketsConfig(env)),
    ...from("TICKETD_IDENTITY_PORT", () => loadIdentityConfig(env)),
    ...from("TICKETD_ROUTING_PORT", () => loadRoutingConfig(env)),
    ...from("TICKETD_SESSIONS_PORT", () => loadSessionsConfig(env)),
    ...from("TICKETD_ATTACHMENTS_PORT", () => loadAttachmentsConfig(env)),
    ...from("TICKETD_AUDIT_PORT", () => loadAuditConfig(env)),
    ...from("TICKETD_WEBHOOKS_PORT", () => loadWebhooksConfig(env)),
    ...from("TICKETD_EMAIL_HTTP_PORT", () => loadEmailConfig(env).http),
    ...from("TICKETD_EMAIL_SMTP_PORT", () => loadEmailConfig(env).smtp),
    ...from("TICKETD_GATEWAY_PORT", () => loadGatewayConfig(env)),
    ...from("TICKETD_REPORTS_PORT", () => loadReportsConfig(env)),
  ];
}

/** Whether another process listens on the port now (by trying it; port 0 is always free). */
function inUse({ host, port }: ListenPort): boolean {
  if (port === 0) return false;
  try {
    Deno.listen({ hostname: host, port }).close();
    return false;
  } catch (error) {
    return error instanceof Deno.errors.AddrInUse;
  }
}
