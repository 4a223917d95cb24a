/**
 * A clamd client speaking INSTREAM: `zINSTREAM\0`, then chunks each prefixed with its length as
 * 4 big-endian bytes, then a zero length; clamd answers `stream: OK`, `stream: <name> FOUND` or
 * `<reason> ERROR`, NUL-terminated. One connection per scan, under one time limit.
 * @module
 */
import type { ClamavAddress, ClamavSettings } from "./clamav_settings.ts";

export type ScanResult =
  | { verdict: "clean" }
  | { verdict: "infected"; signature: string }
  | { verdict: "failed"; reason: string }
  | { verdict: "unscanned"; reason: "too_large" | "not_configured" };

/** Bytes per INSTREAM chunk (clamd reads chunks of any size up to StreamMaxLength). */
export const CHUNK_BYTES = 64 * 1024;
const MAX_REPLY_BYTES = 4096;
const encoder = new TextEncoder();

export class ClamavClient {
  constructor(private readonly settings: ClamavSettings) {}

  /**
   * Scans the bytes of `source`; `knownSize`, when given, spares the connection for a file
   * that is too large anyway. Never throws: a broken scan is `failed` with its reason.
   */
  async scanStream(source: AsyncIterable<Uint8Array>, knownSize?: number): Promise<ScanResult> {
    if (knownSize !== undefined && knownSize > this.settings.maxStreamBytes) {
      await cancel(source);
      return { verdict: "unscanned", reason: "too_large" };
    }
    return await this.#withConnection(async (conn) => {
      try {
        await writeAll(conn, encoder.encode("zINSTREAM\0"));
        if (!(await this.#send(conn, source))) return { verdict: "unscanned", reason: "too_large" };
        await writeAll(conn, new Uint8Array(4)); // a zero length ends the stream
      } catch (error) {
        // clamd answers early and hangs up on a stream over its own limit: read why
        const early = await readReply(conn).catch(() => "");
        if (early) return parseReply(early);
        throw error;
      }
      return parseReply(await readReply(conn));
    });
  }

  /** True when clamd answers PING with PONG in time. */
  async ping(): Promise<boolean> {
    const result = await this.#withConnection(async (conn) => {
      await writeAll(conn, encoder.encode("zPING\0"));
      const reply = await readReply(conn);
      return reply === "PONG" ? { verdict: "clean" } : { verdict: "failed", reason: reply };
    });
    return result.verdict === "clean";
  }

  /** Sends `source` as length-prefixed chunks; false once it outgrows the stream limit. */
  async #send(conn: Deno.Conn, source: AsyncIterable<Uint8Array>): Promise<boolean> {
    let sent = 0;
    for await (const chunk of source) { // leaving the loop early cancels the source
      for (let at = 0; at < chunk.length; at += CHUNK_BYTES) {
        const piece = chunk.subarray(at, at + CHUNK_BYTES);
        sent += piece.length;
        if (sent > this.settings.maxStreamBytes) return false;
        const prefix = new Uint8Array(4);
        new DataView(prefix.buffer).setUint32(0, piece.length);
        await writeAll(conn, prefix);
        await writeAll(conn, piece);
      }
    }
    return true;
  }

  async #withConnection(talk: (conn: Deno.Conn) => Promise<ScanResult>): Promise<ScanResult> {
    const { timeoutMs } = this.settings;
    let conn: Deno.Conn | undefined;
    let over = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const timeout = new Promise<ScanResult>((resolve) => {
      const reason = `clamd did not answer within ${timeoutMs} ms`;
      timer = setTimeout(() => resolve(failed(reason)), timeoutMs);
    });
    const work = (async (): Promise<ScanResult> => {
      conn = await connect(this.settings.address);
      if (over) closeQuietly(conn); // connected only after the time ran out
      return await talk(conn);
    })().catch((error) => failed(`clamd: ${error instanceof Error ? error.message : error}`));
    try {
      return await Promise.race([work, timeout]);
    } finally {
      over = true;
      clearTimeout(timer);
      closeQuietly(conn); // a talk still waiting fails at once (and is caught above)
    }
  }
}

function connect(address: ClamavAddress): Promise<Deno.Conn> {
  return address.transport === "unix"
    ? Deno.connect({ transport: "unix", path: address.path })
    : Deno.connect({ hostname: address.hostname, port: address.port });
}

/** The verdict in a reply. */
export function parseReply(reply: string): ScanResult {
  if (reply === "stream: OK") return { verdict: "clean" };
  const found = /^stream: (.+) FOUND$/.exec(reply);
  if (found) return { verdict: "infected", signature: found[1] };
  if (/size limit exceeded/i.test(reply)) return { verdict: "unscanned", reason: "too_large" };
  if (reply.endsWith("ERROR")) return failed(`clamd: ${reply}`);
  return failed(`clamd answered "${reply.slice(0, 200)}"`);
}

async function readReply(conn: Deno.Conn): Promise<string> {
  const buffer = new Uint8Array(MAX_REPLY_BYTES);
  let length = 0;
  while (length < buffer.length && !buffer.subarray(0, length).includes(0)) {
    const n = await conn.read(buffer.subarray(length));
    if (n === null) break;
    length += n;
  }
  const text = new TextDecoder().decode(buffer.subarray(0, length));
  return text.split("\0")[0].trim();
}

async function writeAll(conn: Deno.Conn, bytes: Uint8Array): Promise<void> {
  for (let written = 0; written < bytes.length;) {
    written += await conn.write(bytes.subarray(written));
  }
}

async function cancel(source: AsyncIterable<Uint8Array>): Promise<void> {
  if (source instanceof ReadableStream) await source.cancel();
}

function closeQuietly(conn: Deno.Conn | undefined): void {
  try {
    conn?.close();
  } catch {
    // already closed
  }
}

function failed(reason: string): ScanResult {
  return { verdict: "failed", reason };
}
