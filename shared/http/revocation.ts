/**
 * Revoked access tokens, for a resource server running apart from the identity service: the
 * deny list (`GET /oauth/revoked`, `{"revoked":[{"jti","exp"}]}`) is fetched every few seconds
 * and kept in memory, so checking a token costs a set lookup, not a request. A token revoked at
 * the identity service stops working here within one poll interval.
 * @module
 */
import { decodeJwt } from "jose";
import { fail } from "../errors.ts";
import type { Logger } from "../log/logger.ts";
import type { Verifier } from "./auth.ts";

export interface DenyListOptions {
  url: string;
  pollMs: number;
  log: Logger;
  /** Longest wait for one fetch. */
  timeoutMs?: number;
  /** Trusts the private CA of an HTTPS identity service (`httpsClient` in tls_settings.ts). */
  client?: Deno.HttpClient;
}

/** The deny list of one identity service, refreshed in the background once started. */
export class RemoteDenyList {
  #revoked = new Map<string, number>();
  #timer: ReturnType<typeof setInterval> | undefined;

  constructor(private readonly options: DenyListOptions) {}

  /** Loads the list once (failing if the identity service cannot be reached), then polls. */
  async start(): Promise<void> {
    await this.refresh();
    this.#timer = setInterval(() => {
      this.refresh().catch((error) =>
        this.options.log.warn("deny list refresh failed; keeping the last one", {
          error: String(error),
        })
      );
    }, this.options.pollMs);
  }

  stop(): void {
    clearInterval(this.#timer);
  }

  /** Fetches the list now. */
  async refresh(): Promise<void> {
    const response = await fetch(this.options.url, {
      signal: AbortSignal.timeout(this.options.timeoutMs ?? 5_000),
      headers: { accept: "application/json" },
      client: this.options.client,
    });
    if (!response.ok) {
      await response.body?.cancel();
      throw new Error(`GET ${this.options.url} answered ${response.status}`);
    }
    const { revoked } = await response.json() as { revoked?: { jti?: unknown; exp?: unknown }[] };
    const next = new Map<string, number>();
    for (const entry of Array.isArray(revoked) ? revoked : []) {
      if (typeof entry?.jti === "string" && typeof entry.exp === "number") {
        next.set(entry.jti, entry.exp);
      }
    }
    this.#revoked = next;
  }

  isRevoked(jti: string): boolean {
    const exp = this.#revoked.get(jti);
    return exp !== undefined && exp * 1000 > Date.now();
  }
}

/** `verify`, refusing tokens on `list` (after their signature and claims are checked). */
export function honouringDenyList<R extends string>(
  verify: Verifier<R>,
  list: RemoteDenyList,
): Verifier<R> {
  return async (token) => {
    const principal = await verify(token);
    const { jti } = decodeJwt(token);
    if (typeof jti === "string" && list.isRevoked(jti)) {
      fail("unauthorized", "The token has been revoked", 401);
    }
    return principal;
  };
}
