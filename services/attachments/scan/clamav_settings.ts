/**
 * The malware-scanning settings: where clamd listens (`TICKETD_CLAMAV_SOCKET`: a unix socket path
 * or `host:port`; unset = no scanning), how long a scan may take, and the largest stream clamd
 * accepts (its `StreamMaxLength`). Parsed from the environment record `config.ts` passes in.
 * @module
 */

export type ClamavAddress =
  | { transport: "unix"; path: string }
  | { transport: "tcp"; hostname: string; port: number };

export interface ClamavSettings {
  address: ClamavAddress;
  /** The whole scan: connect, send, verdict. */
  timeoutMs: number;
  /** Keep equal to clamd's StreamMaxLength; a larger file is left unscanned ("too large"). */
  maxStreamBytes: number;
}

export const DEFAULT_SCAN_TIMEOUT_MS = 30_000;
/** clamd's own default StreamMaxLength (25M). */
export const DEFAULT_MAX_STREAM_BYTES = 25 * 1024 * 1024;

/** The settings named in `env`, or undefined when `TICKETD_CLAMAV_SOCKET` is unset or empty. */
export function readClamavSettings(
  env: Record<string, string | undefined>,
): ClamavSettings | undefined {
  const socket = env.TICKETD_CLAMAV_SOCKET?.trim();
  if (!socket) return undefined;
  return {
    address: parseClamavAddress(socket),
    timeoutMs: positive(env, "TICKETD_CLAMAV_TIMEOUT_MS", DEFAULT_SCAN_TIMEOUT_MS),
    maxStreamBytes: positive(env, "TICKETD_CLAMAV_MAX_STREAM_BYTES", DEFAULT_MAX_STREAM_BYTES),
  };
}

/** `/run/clamav/clamd.ctl`, `unix:/path`, `127.0.0.1:3310`, `clamd:3310` or `[::1]:3310`. */
export function parseClamavAddress(text: string): ClamavAddress {
  if (text.startsWith("unix:")) return { transport: "unix", path: text.slice(5) };
  if (text.startsWith("/") || text.startsWith(".")) return { transport: "unix", path: text };
  const match = /^(?:\[([0-9a-fA-F:.]+)\]|([A-Za-z0-9.-]+)):([0-9]{1,5})$/.exec(text);
  const port = Number(match?.[3]);
  if (!match || port < 1 || port > 65535) {
    throw new Error(`TICKETD_CLAMAV_SOCKET "${text}" is neither a socket path nor host:port`);
  }
  return { transport: "tcp", hostname: match[1] ?? match[2], port };
}

function positive(env: Record<string, string | undefined>, name: string, fallback: number) {
  const text = env[name]?.trim();
  if (!text) return fallback;
  const value = Number(text);
  if (!Number.isSafeInteger(value) || value <= 0) {
    throw new Error(`${name} must be a positive whole number, not "${text}"`);
  }
  return value;
}
