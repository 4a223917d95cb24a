/**
 * Compose's healthcheck of a Ticketd container, over HTTPS like every other call:
 *
 *   deno run -A --cached-only deploy/healthcheck.ts https://<service>:<port>/healthz
 *
 * exits 0 when the URL answers 200 with a certificate of the CA in `TICKETD_TLS_CA_FILE` that
 * names the service, 1 otherwise (a plain-HTTP or unverifiable answer is unhealthy).
 * @module
 */

/** Whether `url` answers 200, trusting exactly the CA in `caFile` (PEM). */
export async function healthy(url: string, caFile: string, timeoutMs = 4_000): Promise<boolean> {
  const client = Deno.createHttpClient({ caCerts: [await Deno.readTextFile(caFile)] });
  try {
    const response = await fetch(url, { client, signal: AbortSignal.timeout(timeoutMs) });
    await response.body?.cancel();
    return response.ok;
  } catch {
    return false;
  } finally {
    client.close();
  }
}

if (import.meta.main) {
  const [url] = Deno.args;
  const caFile = Deno.env.get("TICKETD_TLS_CA_FILE");
  if (!url?.startsWith("https://") || !caFile) {
    console.error("healthcheck: give an https:// URL and set TICKETD_TLS_CA_FILE");
    Deno.exit(64);
  }
  Deno.exit(await healthy(url, caFile) ? 0 : 1);
}
