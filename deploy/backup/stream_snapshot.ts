/**
 * JetStream's own stream snapshot and restore, spoken over raw NATS requests (the JS client has
 * no helper for them). A snapshot is the server's S2-compressed tar of the stream's store, so a
 * restore brings back every message at its original sequence, the per-subject sequences our
 * ticket versions are, and the consumers with their positions. Wire protocol as nats-server
 * `jsStreamSnapshotRequest` / `jsStreamRestoreRequest` (server/jetstream_api.go).
 * @module
 */
import { createInbox, type Msg, type NatsConnection } from "@nats-io/nats-core";

/** The stream's configuration and state as the server reported them when the snapshot began. */
export interface StreamSnapshotMeta {
  config: Record<string, unknown> & { name: string };
  state: { messages: number; bytes: number; first_seq: number; last_seq: number };
}

/** How far a snapshot or restore has got, for progress lines. */
export type Progress = (bytes: number) => void;

export interface SnapshotOptions {
  chunkBytes: number;
  /** How long the server may stay silent (the first answer, between chunks) before giving up. */
  timeoutMs: number;
  /** How long a restore may take to unpack and check the store after the last chunk. */
  finishTimeoutMs: number;
  progress?: Progress;
}

/** The server refused or broke off a snapshot or restore; the message names the stream. */
export class SnapshotError extends Error {
  override name = "SnapshotError";
}

/**
 * Writes the snapshot of `stream` (consumers included) to `file`; returns the configuration and
 * state it was taken at. Each chunk is acknowledged after it is written: that is the server's
 * flow control, which holds back when too many bytes are unacknowledged.
 */
export async function snapshotStream(
  nc: NatsConnection,
  stream: string,
  file: string,
  options: SnapshotOptions,
): Promise<StreamSnapshotMeta> {
  const deliver = createInbox();
  // Subscribed before asking: the server waits only briefly for interest in the deliver subject.
  const sub = nc.subscribe(deliver);
  const out = await Deno.open(file, { write: true, createNew: true });
  try {
    const request = {
      deliver_subject: deliver,
      no_consumers: false,
      chunk_size: options.chunkBytes,
    };
    const meta = answer<StreamSnapshotMeta>(
      stream,
      await nc.request(`$JS.API.STREAM.SNAPSHOT.${stream}`, JSON.stringify(request), {
        timeout: options.timeoutMs,
      }),
    );
    let bytes = 0;
    for await (const msg of withIdleTimeout(sub, options.timeoutMs, stream)) {
      if (msg.data.length === 0) {
        if (msg.headers?.hasError) {
          throw new SnapshotError(`snapshot of ${stream} failed: ${msg.headers.description}`);
        }
        return meta; // the empty message is the end of the snapshot
      }
      await writeAll(out, msg.data);
      bytes += msg.data.length;
      options.progress?.(bytes);
      if (msg.reply) msg.respond();
    }
    throw new SnapshotError(`snapshot of ${stream} ended before its last chunk`);
  } finally {
    sub.unsubscribe();
    out.close();
  }
}

/**
 * Restores `stream` from a snapshot `file` and its `meta`; the stream must not exist. Each chunk
 * is a request the server acknowledges; the final empty one answers with the stream's info once
 * the server has rebuilt the store. Returns the restored state.
 */
export async function restoreStream(
  nc: NatsConnection,
  meta: StreamSnapshotMeta,
  file: string,
  options: SnapshotOptions,
): Promise<StreamSnapshotMeta["state"]> {
  const stream = meta.config.name;
  const { deliver_subject } = answer<{ deliver_subject: string }>(
    stream,
    await nc.request(`$JS.API.STREAM.RESTORE.${stream}`, JSON.stringify(meta), {
      timeout: options.timeoutMs,
    }),
  );
  const input = await Deno.open(file, { read: true });
  try {
    const chunk = new Uint8Array(options.chunkBytes);
    let bytes = 0;
    for (let n = await input.read(chunk); n !== null; n = await input.read(chunk)) {
      if (n === 0) continue;
      const ack = await nc.request(deliver_subject, chunk.subarray(0, n), {
        timeout: options.timeoutMs,
      });
      if (ack.data.length > 0 || ack.headers?.hasError) {
        throw new SnapshotError(`restore of ${stream} refused a chunk: ${describe(ack)}`);
      }
      bytes += n;
      options.progress?.(bytes);
    }
  } finally {
    input.close();
  }
  // The server now unpacks and checks the whole store: allow it far longer than a chunk.
  const done = await nc.request(deliver_subject, new Uint8Array(0), {
    timeout: options.finishTimeoutMs,
  });
  return answer<{ state: StreamSnapshotMeta["state"] }>(stream, done).state;
}

/** The JSON of a JetStream API answer, or its error as a {@link SnapshotError}. */
function answer<T>(stream: string, msg: Msg): T {
  const body = msg.json<T & { error?: { code: number; err_code?: number; description: string } }>();
  if (body.error) {
    throw new SnapshotError(
      `${stream}: ${body.error.description} (${body.error.code}/${body.error.err_code ?? "-"})`,
    );
  }
  return body;
}

function describe(msg: Msg): string {
  return msg.data.length > 0 ? msg.string() : String(msg.headers?.description ?? "error");
}

/** The subscription's messages; throws if none arrives for `timeoutMs`. */
async function* withIdleTimeout(
  sub: AsyncIterable<Msg> & { unsubscribe(): void },
  timeoutMs: number,
  stream: string,
): AsyncGenerator<Msg> {
  let idle = false;
  const arm = () =>
    setTimeout(() => {
      idle = true;
      sub.unsubscribe();
    }, timeoutMs);
  let timer = arm();
  try {
    for await (const msg of sub) {
      clearTimeout(timer);
      yield msg;
      timer = arm();
    }
  } finally {
    clearTimeout(timer);
  }
  if (idle) throw new SnapshotError(`snapshot of ${stream}: no chunk for ${timeoutMs} ms`);
}

async function writeAll(file: Deno.FsFile, data: Uint8Array): Promise<void> {
  for (let written = 0; written < data.length;) {
    written += await file.write(data.subarray(written));
  }
}
