/**
 * For tests: a tiny clamd speaking the real wire protocol (zPING, zINSTREAM with length-prefixed
 * chunks and a StreamMaxLength) over TCP or a unix socket, finding only the EICAR test string.
 * A real clamd needs its signature databases, which cannot be downloaded here.
 * @module
 */
import { ExactReader } from "../downloads/exact_reader.ts";

/** The EICAR anti-virus test file: harmless, and flagged by every scanner. */
export const EICAR = "X5O!P%@AP[4\\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*";
/** The name a current clamd database gives it. */
export const EICAR_SIGNATURE = "Win.Test.EICAR_HDB-1";

export interface FakeClamdOptions {
  transport?: "tcp" | "unix";
  maxStreamBytes?: number;
  /** Accept and read, but never answer (to test time limits). */
  silent?: boolean;
}

export interface FakeClamd {
  /** `127.0.0.1:<port>` or the socket path: a value for TICKETD_CLAMAV_SOCKET. */
  socket: string;
  connections: number;
  /** The length of every INSTREAM chunk received, in order. */
  chunkLengths: number[];
  stop(): Promise<void>;
}

/** Starts the fake on a free port or in a fresh temporary socket path. */
export async function startFakeClamd(options: FakeClamdOptions = {}): Promise<FakeClamd> {
  const directory = options.transport === "unix" ? await Deno.makeTempDir() : undefined;
  const listener = directory
    ? Deno.listen({ transport: "unix", path: `${directory}/clamd.sock` })
    : Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const addr = listener.addr;
  const fake: FakeClamd = {
    socket: addr.transport === "unix" ? addr.path : `127.0.0.1:${(addr as Deno.NetAddr).port}`,
    connections: 0,
    chunkLengths: [],
    stop: async () => {
      listener.close();
      for (const conn of open) closeQuietly(conn);
      await serving;
      await Promise.allSettled(talks);
      if (directory) await Deno.remove(directory, { recursive: true });
    },
  };
  const open = new Set<Deno.Conn>();
  const talks: Promise<void>[] = [];
  const serving = (async () => {
    for await (const conn of listener) {
      fake.connections++;
      open.add(conn);
      talks.push(
        talk(conn, fake, options).catch(() => {}).finally(() => {
          open.delete(conn);
          closeQuietly(conn);
        }),
      );
    }
  })().catch(() => {});
  return fake;
}

async function talk(conn: Deno.Conn, fake: FakeClamd, options: FakeClamdOptions): Promise<void> {
  const reader = new ExactReader(conn.readable);
  const command = await readCommand(reader);
  if (command === "zPING") return await reply(conn, "PONG");
  if (command !== "zINSTREAM") return await reply(conn, "UNKNOWN COMMAND");
  const max = options.maxStreamBytes ?? 25 * 1024 * 1024;
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const length = new DataView((await reader.read(4)).buffer).getUint32(0);
    if (length === 0) break;
    fake.chunkLengths.push(length);
    total += length;
    if (total > max) return await reply(conn, "INSTREAM size limit exceeded. ERROR");
    chunks.push(await reader.read(length));
  }
  if (options.silent) return void await reader.read(1).catch(() => {}); // until either side closes
  const text = new TextDecoder("latin1").decode(await new Blob(chunks as BlobPart[]).arrayBuffer());
  await reply(conn, text.includes(EICAR) ? `stream: ${EICAR_SIGNATURE} FOUND` : "stream: OK");
}

async function readCommand(reader: ExactReader): Promise<string> {
  let command = "";
  while (command.length < 32) {
    const [byte] = await reader.read(1);
    if (byte === 0) return command;
    command += String.fromCharCode(byte);
  }
  return command;
}

async function reply(conn: Deno.Conn, text: string): Promise<void> {
  await conn.write(new TextEncoder().encode(`${text}\0`));
}

function closeQuietly(conn: Deno.Conn): void {
  try {
    conn.close();
  } catch {
    // already closed
  }
}
