/**
 * The scanner the attachments service runs every finished upload through: clamd when
 * `TICKETD_CLAMAV_SOCKET` is set, otherwise one that leaves files `unscanned` (and says so once,
 * at start). A verdict maps to the attachment's scan status.
 * @module
 */
import type { Logger } from "@ticketd/shared/log/logger.ts";
import { ClamavClient, type ScanResult } from "./clamav.ts";
import type { ClamavSettings } from "./clamav_settings.ts";

export type ScanStatus = "clean" | "unscanned" | "quarantined" | "scan_failed";

export interface Scanner {
  /** Reads `source` through (or not at all when scanning is off); never throws. */
  scanStream(source: AsyncIterable<Uint8Array>, knownSize?: number): Promise<ScanResult>;
}

/** clamd at `settings`, or, without settings, no scanning with a clear log line. */
export function createScanner(settings: ClamavSettings | undefined, log: Logger): Scanner {
  if (settings) {
    log.info("malware scanning through clamd", {
      clamd: describe(settings),
      timeoutMs: settings.timeoutMs,
      maxStreamBytes: settings.maxStreamBytes,
    });
    return new ClamavClient(settings);
  }
  log.warn(
    "malware scanning is off: TICKETD_CLAMAV_SOCKET is not set, attachments are stored as unscanned",
  );
  return {
    async scanStream(source) {
      if (source instanceof ReadableStream) await source.cancel();
      return { verdict: "unscanned", reason: "not_configured" };
    },
  };
}

/** The status an attachment gets from a verdict: infected is quarantined, never served. */
export function scanStatusOf(result: ScanResult): ScanStatus {
  switch (result.verdict) {
    case "clean":
      return "clean";
    case "infected":
      return "quarantined";
    case "failed":
      return "scan_failed";
    case "unscanned":
      return "unscanned";
  }
}

function describe(settings: ClamavSettings): string {
  const a = settings.address;
  return a.transport === "unix" ? `unix:${a.path}` : `${a.hostname}:${a.port}`;
}
