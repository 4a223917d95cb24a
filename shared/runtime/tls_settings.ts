/**
 * The TLS settings of every Ticketd process, one reader for Compose and the native stack: the
 * HTTPS certificate a service serves, the CA that NATS, PostgreSQL and the other services'
 * certificates must chain to, and an optional client certificate for NATS (mutual TLS).
 * @module
 */
import { Agent } from "node:https";

/** A TLS setting names a file that is missing or unreadable, or comes without its pair. */
export class TlsSettingsError extends Error {
  override name = "TlsSettingsError";
  readonly code = "invalid_tls_settings";
}

export interface TlsSettings {
  /** `TICKETD_TLS_CERT_FILE` + `TICKETD_TLS_KEY_FILE` (PEM): when set, HTTPS only. */
  server?: { cert: string; key: string };
  /** `TICKETD_TLS_CA_FILE` (default `DENO_CERT`, as Compose sets): the private CA. */
  ca?: { file: string; pem: string };
  /** `TICKETD_NATS_TLS_CERT_FILE` + `TICKETD_NATS_TLS_KEY_FILE`: a client certificate for NATS. */
  natsClient?: { certFile: string; keyFile: string };
}

type Env = Record<string, string | undefined>;

/** The TLS settings of `env`; a named setting whose file cannot be read throws. */
export function loadTlsSettings(env: Env): TlsSettings {
  const server = pair(env, "TICKETD_TLS_CERT_FILE", "TICKETD_TLS_KEY_FILE");
  const caName = env.TICKETD_TLS_CA_FILE ? "TICKETD_TLS_CA_FILE" : "DENO_CERT";
  const caFile = env[caName] || undefined;
  const client = pair(env, "TICKETD_NATS_TLS_CERT_FILE", "TICKETD_NATS_TLS_KEY_FILE");
  return {
    server: server && { cert: server.cert.pem, key: server.key.pem },
    ca: caFile ? { file: caFile, pem: readPem(caName, caFile) } : undefined,
    natsClient: client && { certFile: client.cert.file, keyFile: client.key.file },
  };
}

/** The `cert`/`key` options of `Deno.serve` (none without a certificate). */
export function serveTls(tls: TlsSettings): { cert?: string; key?: string } {
  return tls.server ? { cert: tls.server.cert, key: tls.server.key } : {};
}

/** `https` when the service serves its certificate, else `http`. */
export function httpScheme(tls: TlsSettings): "http" | "https" {
  return tls.server ? "https" : "http";
}

/**
 * The nats.js `tls` option: the server's certificate checked against the CA, with the client
 * certificate when given. Without either, the client still upgrades when the server asks for
 * TLS, verifying against Deno's trust store (which `DENO_CERT` extends).
 */
export function natsTls(
  tls: TlsSettings,
): { tls?: { caFile?: string; certFile?: string; keyFile?: string } } {
  if (!tls.ca && !tls.natsClient) return {};
  return { tls: { caFile: tls.ca?.file, ...tls.natsClient } };
}

/**
 * The `fetch` client for calls to other services (the identity deny list): their certificates
 * checked against the CA as well as the system's roots; none without a CA.
 */
export function httpsClient(tls: TlsSettings): { client?: Deno.HttpClient } {
  return tls.ca ? { client: Deno.createHttpClient({ caCerts: [tls.ca.pem] }) } : {};
}

/**
 * The minio client's `transportAgent` for an HTTPS S3 endpoint: its certificate checked against
 * the CA (node:https, unlike fetch and node:tls, does not take `DENO_CERT` into account).
 */
export function s3Trust(tls: TlsSettings): { transportAgent?: Agent } {
  return tls.ca ? { transportAgent: new Agent({ ca: tls.ca.pem, keepAlive: true }) } : {};
}

/**
 * The postgres.js `ssl` option for `url`: with `sslmode=verify-full` (or `verify-ca`) and a CA,
 * the server's certificate must chain to it (and, for verify-full, name the host). Otherwise
 * nothing: the URL's own `sslmode` decides, as postgres.js reads it.
 */
export function postgresSsl(url: string, tls: TlsSettings): { ssl?: PostgresSsl } {
  const mode = sslMode(url);
  if (!tls.ca || (mode !== "verify-full" && mode !== "verify-ca")) return {};
  const ssl: PostgresSsl = { ca: tls.ca.pem, rejectUnauthorized: true };
  if (mode === "verify-ca") ssl.checkServerIdentity = () => undefined;
  return { ssl };
}

export interface PostgresSsl {
  ca: string;
  rejectUnauthorized: true;
  checkServerIdentity?: () => undefined;
}

function sslMode(url: string): string | null {
  try {
    return new URL(url).searchParams.get("sslmode");
  } catch {
    return null; // the connection reports an unusable URL itself
  }
}

function pair(env: Env, certName: string, keyName: string) {
  const certFile = env[certName] || undefined;
  const keyFile = env[keyName] || undefined;
  if (!certFile && !keyFile) return undefined;
  if (!certFile || !keyFile) {
    throw new TlsSettingsError(`${certName} and ${keyName} go together: set both or neither`);
  }
  return {
    cert: { file: certFile, pem: readPem(certName, certFile) },
    key: { file: keyFile, pem: readPem(keyName, keyFile) },
  };
}

function readPem(name: string, file: string): string {
  let text: string;
  try {
    text = Deno.readTextFileSync(file);
  } catch (error) {
    throw new TlsSettingsError(`${name}: cannot read ${file} (${(error as Error).name})`);
  }
  if (!text.includes("-----BEGIN ")) {
    throw new TlsSettingsError(`${name}: ${file} is not a PEM file`);
  }
  return text;
}
