/**
 * The attachments service's speed and memory (issue 6): upload and download throughput through
 * the service for a 1 MB and a 100 MB file, each as a ratio to writing (`putObject`) and reading
 * (`getObject`) the same bytes straight to the same s3rver with the `minio` client in the same
 * run; and the service's RSS sampled every second while a 1 GB file, generated on the fly and
 * never held whole, is uploaded and then downloaded.
 *
 * Three processes besides this one: s3rver (this file with `--serve-s3`, on a temporary folder),
 * a nats-server, and the service as `deno task start` runs it (services/main.ts: tickets for the
 * ticket and the access query, attachments against that s3rver), with its own database. The
 * clients (`tus-js-client` 4.3.1 for uploads, `fetch` for downloads, `minio` for the direct
 * figures) run here, so their memory is not the service's. Sizes are decimal: 1 MB = 10^6 bytes.
 *
 *   deno run -A --unstable-net bench/attachments_bench.ts [--quick] [--big-mb N] [--large-mb N]
 *   (prints one JSON line; progress on stderr)
 * @module
 */
import { Buffer } from "node:buffer";
import { Readable } from "node:stream";
import { parseArgs } from "node:util";
import * as Minio from "minio";
import S3rver from "s3rver";
import * as tus from "tus-js-client";
import { loadOrCreateDevKeys, mintDevToken } from "@ticketd/shared/http/dev_keys.ts";
import { Cleanup, stopChild } from "./cleanup.ts";
import { type CpuSnapshot, cpuSnapshot, cpuUsage, waitForQuiet } from "./cpu.ts";
import { createDatabase, startNats, startService } from "./environment.ts";
import { runBenchChild } from "./bench_child.ts";

export interface AttachmentsBenchOptions {
  /** File sizes (bytes) for the throughput figures, each sent and fetched `repeats` times. */
  sizes: { bytes: number; repeats: number }[];
  /** The streamed file whose upload and download the service's RSS is sampled during. */
  bigBytes: number;
  /** tus-js-client's `chunkSize` for the streamed file: bytes per PATCH, held by the client. */
  chunkBytes: number;
}

const MB = 1_000_000;
const MiB = 1_048_576;
export const FULL: AttachmentsBenchOptions = {
  sizes: [{ bytes: 1 * MB, repeats: 5 }, { bytes: 100 * MB, repeats: 3 }],
  bigBytes: 1_000 * MB,
  chunkBytes: 32 * MiB,
};
export const QUICK: AttachmentsBenchOptions = {
  sizes: [{ bytes: 1 * MB, repeats: 3 }, { bytes: 100 * MB, repeats: 1 }],
  bigBytes: 200 * MB,
  chunkBytes: 32 * MiB,
};

/** The service's S3 part (TICKETD_ATTACHMENTS_PART_MB=8 rounded up to whole sealed segments). */
const PART_BYTES = 8_390_656;
/** RSS growth over the streamed upload that still counts as flat: a few parts in flight. */
export const FLAT_PARTS = 8;
const TENANT = "files";
const REGION = "us-east-1";
const S3_KEY = "S3RVER";
const DIRECT_BUCKET = "bench-direct";
const DIRECT_PART_BYTES = 1024 * MiB;
const SAMPLE_EVERY_MS = 1_000;
const REPO = new URL("../", import.meta.url);

interface Context {
  attachmentsUrl: string;
  ticketsUrl: string;
  token: string;
  s3: Minio.Client;
}

/** Runs every part against processes started in `tmp`; what it starts is undone by `cleanup`. */
export async function runAttachmentsBench(
  o: AttachmentsBenchOptions,
  tmp: string,
  cleanup: Cleanup,
) {
  const s3rver = await startS3rverChild(`${tmp}/s3`, cleanup);
  const nats = await startNats(tmp, cleanup);
  const databaseUrl = await createDatabase(cleanup);
  const service = await startService({
    natsUrl: nats.url,
    databaseUrl,
    dataDir: `${tmp}/service`,
    extra: {
      TICKETD_S3_ENDPOINT: `http://127.0.0.1:${s3rver.port}`,
      TICKETD_S3_ACCESS_KEY: S3_KEY,
      TICKETD_S3_SECRET_KEY: S3_KEY,
      TICKETD_SESSIONS_BOT: "", // nothing of sessions is measured: no bot worker
    },
  }, cleanup);
  const keys = await loadOrCreateDevKeys(service.dataDir);
  const ctx: Context = {
    attachmentsUrl: await waitForFile(`${service.dataDir}/attachments.url`),
    ticketsUrl: service.url,
    token: await mintDevToken(keys, { sub: "bench-customer", tenant: TENANT, role: "customer" }),
    s3: new Minio.Client({
      endPoint: "127.0.0.1",
      port: s3rver.port,
      useSSL: false,
      accessKey: S3_KEY,
      secretKey: S3_KEY,
      region: REGION,
      // One PUT for every size here: minio's multipart putObject starts with
      // ListMultipartUploads, which s3rver does not have.
      partSize: DIRECT_PART_BYTES,
    }),
  };
  await ctx.s3.makeBucket(DIRECT_BUCKET, REGION);
  const pids = {
    service: service.pid,
    s3rver: s3rver.pid,
    "nats-server": nats.pid,
    "bench (clients)": Deno.pid,
  };
  const background: Record<string, number> = {};
  let seed = 1;

  progress("warm-up: a 1 MB file each way, direct and through the service (not reported) …");
  await measureSize(ctx, { bytes: MB, repeats: 2 }, () => seed++, pids);
  const throughput = [];
  for (const size of o.sizes) {
    background[`${size.bytes / MB} MB`] = await waitForQuiet(`the ${size.bytes / MB} MB files`);
    progress(`${size.bytes / MB} MB files, ${size.repeats} times each way …`);
    throughput.push(await measureSize(ctx, size, () => seed++, pids));
  }
  background.big = await waitForQuiet("the streamed upload");
  progress(`${o.bigBytes / MB} MB streamed up and down, service RSS every second …`);
  const big = await measureBig(ctx, o, seed++, service.pid, pids);
  return {
    options: o,
    method: "service as deno task start (services/main.ts, own nats-server and database) on " +
      "an s3rver of its own process; tus-js-client uploads (Buffer input, one PATCH, for the " +
      `throughput files; a Node Readable over a generated stream in ${o.chunkBytes / MiB} MiB ` +
      "PATCHes for the big one), fetch downloads, minio putObject (one PUT) and getObject " +
      "direct, all in the bench process; every download compared byte for byte as it arrives",
    partBytes: PART_BYTES,
    background,
    throughput,
    big,
  };
}

export type AttachmentsFigures = Awaited<ReturnType<typeof runAttachmentsBench>>;

/** Runs this file in a child process and returns its figures. */
export async function runAttachmentsBenchChild(
  o: AttachmentsBenchOptions,
): Promise<AttachmentsFigures> {
  return await runBenchChild(import.meta.url, [
    `--options=${JSON.stringify(o)}`,
  ], ["--unstable-net"]);
}

// ---------------------------------------------------------------------------------------------
// Throughput

/** MB/s of each way (median of the repeats) and the service's ratio to the direct figure. */
async function measureSize(
  ctx: Context,
  size: { bytes: number; repeats: number },
  nextSeed: () => number,
  pids: Record<string, number | null>,
) {
  const ticketId = await createTicket(ctx, `${size.bytes / MB} MB files`);
  const seconds = { directPut: [], directGet: [], upload: [], download: [] } as Record<
    "directPut" | "directGet" | "upload" | "download",
    number[]
  >;
  const cpuBefore = await cpuSnapshot(pids);
  for (let i = 0; i < size.repeats; i++) {
    const file = new PseudoRandomFile(size.bytes, nextSeed());
    const bytes = await file.bytes();
    const key = `direct/${file.seed}.pdf`;
    seconds.directPut.push(await timed(() => ctx.s3.putObject(DIRECT_BUCKET, key, bytes)));
    seconds.directGet.push(
      await timed(async () => compareBytes(await ctx.s3.getObject(DIRECT_BUCKET, key), file)),
    );
    let attachmentId = "";
    seconds.upload.push(
      await timed(async () => attachmentId = await tusUpload(ctx, ticketId, bytes, file)),
    );
    seconds.download.push(await timed(() => download(ctx, attachmentId, file)));
  }
  const cpu = await cpuSince(cpuBefore, pids);
  const rate = (list: number[]) => round1(size.bytes / MB / median(list));
  const mbPerSecond = {
    upload: rate(seconds.upload),
    directPut: rate(seconds.directPut),
    download: rate(seconds.download),
    directGet: rate(seconds.directGet),
  };
  return {
    bytes: size.bytes,
    repeats: size.repeats,
    mbPerSecond,
    uploadRatio: round2(mbPerSecond.upload / mbPerSecond.directPut),
    downloadRatio: round2(mbPerSecond.download / mbPerSecond.directGet),
    seconds: Object.fromEntries(
      Object.entries(seconds).map(([k, v]) => [k, v.map((s) => Math.round(s * 1000) / 1000)]),
    ),
    cpu,
  };
}

/** The big file streamed up (never whole in memory) and down, with the service's RSS. */
async function measureBig(
  ctx: Context,
  o: AttachmentsBenchOptions,
  seed: number,
  servicePid: number,
  pids: Record<string, number | null>,
) {
  const ticketId = await createTicket(ctx, "a big file");
  const file = new PseudoRandomFile(o.bigBytes, seed);
  const input = Readable.fromWeb(file.stream() as never);
  let sampler = new RssSampler(servicePid);
  let cpuBefore = await cpuSnapshot(pids);
  let attachmentId = "";
  const upSeconds = await timed(async () => {
    attachmentId = await tusUpload(ctx, ticketId, input, file, o.chunkBytes);
  });
  const upload = {
    mbPerSecond: round1(o.bigBytes / MB / upSeconds),
    seconds: round1(upSeconds),
    patches: Math.ceil(o.bigBytes / o.chunkBytes),
    rssMiB: sampler.stop(),
    cpu: await cpuSince(cpuBefore, pids),
  };
  sampler = new RssSampler(servicePid);
  cpuBefore = await cpuSnapshot(pids);
  const downSeconds = await timed(() => download(ctx, attachmentId, file));
  const downloaded = {
    mbPerSecond: round1(o.bigBytes / MB / downSeconds),
    seconds: round1(downSeconds),
    rssMiB: sampler.stop(),
    cpu: await cpuSince(cpuBefore, pids),
  };
  return { bytes: o.bigBytes, chunkBytes: o.chunkBytes, upload, download: downloaded };
}

/** Uploads `input` with tus-js-client to a new attachment of `ticketId`; its id. */
function tusUpload(
  ctx: Context,
  ticketId: string,
  input: Buffer | Readable,
  file: PseudoRandomFile,
  chunkSize = Infinity,
): Promise<string> {
  return new Promise((resolve, reject) => {
    const upload = new tus.Upload(input as Buffer, {
      endpoint: `${ctx.attachmentsUrl}/v1/attachments/uploads`,
      headers: { authorization: `Bearer ${ctx.token}` },
      metadata: { ticketId, filename: `file-${file.seed}.pdf`, filetype: "application/pdf" },
      uploadSize: file.size,
      chunkSize,
      retryDelays: [], // a failure is a result, not something to hide behind retries
      onSuccess: () => resolve(upload.url!.split("/").at(-1)!), // the upload id is the attachment's
      onError: reject,
    });
    upload.start();
  });
}

/** Downloads an attachment, comparing it with `file` as it arrives. */
async function download(ctx: Context, attachmentId: string, file: PseudoRandomFile) {
  const response = await fetch(`${ctx.attachmentsUrl}/v1/attachments/${attachmentId}`, {
    headers: { authorization: `Bearer ${ctx.token}` },
  });
  if (response.status !== 200 || !response.body) {
    throw new Error(`download of ${attachmentId}: ${response.status} ${await response.text()}`);
  }
  await compareBytes(response.body, file);
}

/** A ticket of the bench customer's; its id. */
async function createTicket(ctx: Context, subject: string): Promise<string> {
  const response = await fetch(`${ctx.ticketsUrl}/v1/tickets`, {
    method: "POST",
    headers: { authorization: `Bearer ${ctx.token}`, "content-type": "application/json" },
    body: JSON.stringify({ subject, body: "Files for the benchmark." }),
  });
  const json = await response.json();
  if (response.status !== 201) {
    throw new Error(`ticket: ${response.status} ${JSON.stringify(json)}`);
  }
  return json.id;
}

// ---------------------------------------------------------------------------------------------
// Bytes

const PDF_HEAD = new TextEncoder().encode("%PDF-1.7\n"); // the service checks types by the bytes
const CHUNK = MiB;
const ZEROS = new Uint8Array(CHUNK);
let aesKey: Promise<CryptoKey> | undefined;

/**
 * A file of pseudo-random bytes made on demand, the same every time for the same seed: AES-CTR
 * over zeros (native speed, so the generator costs the client little), counter block = seed and
 * MiB index. It starts as a PDF so the service's type check lets it in.
 */
class PseudoRandomFile {
  constructor(readonly size: number, readonly seed: number) {}

  /** The bytes, one MiB at a time. */
  stream(): ReadableStream<Uint8Array> {
    let index = 0;
    return new ReadableStream({
      pull: async (controller) => {
        const start = index * CHUNK;
        if (start >= this.size) return controller.close();
        controller.enqueue(await this.#chunk(index++, Math.min(CHUNK, this.size - start)));
      },
    });
  }

  /** The whole file (only for the sizes whose direct figures need a Buffer). */
  async bytes(): Promise<Buffer> {
    const all = Buffer.allocUnsafe(this.size);
    let at = 0;
    for await (const chunk of this.stream()) all.set(chunk, (at += chunk.length) - chunk.length);
    return all;
  }

  async #chunk(index: number, length: number): Promise<Uint8Array> {
    aesKey ??= crypto.subtle.importKey("raw", new Uint8Array(16), "AES-CTR", false, ["encrypt"]);
    const counter = new Uint8Array(16);
    new DataView(counter.buffer).setUint32(0, this.seed);
    new DataView(counter.buffer).setUint32(4, index);
    const bytes = new Uint8Array(
      await crypto.subtle.encrypt(
        { name: "AES-CTR", counter, length: 64 },
        await aesKey,
        ZEROS.subarray(0, length),
      ),
    );
    if (index === 0) bytes.set(PDF_HEAD.subarray(0, length));
    return bytes;
  }
}

/** Reads `actual` to its end, comparing it with `file` as it goes; throws on any difference. */
async function compareBytes(
  actual: AsyncIterable<Uint8Array>,
  file: PseudoRandomFile,
): Promise<void> {
  const expected = file.stream().getReader();
  let pending: Uint8Array = new Uint8Array(0), offset = 0;
  for await (const chunk of actual) {
    for (let at = 0; at < chunk.length;) {
      if (pending.length === 0) {
        const next = await expected.read();
        if (next.done) throw new Error(`file ${file.seed}: more than ${file.size} bytes`);
        pending = next.value;
      }
      const n = Math.min(pending.length, chunk.length - at);
      if (Buffer.compare(chunk.subarray(at, at + n), pending.subarray(0, n)) !== 0) {
        throw new Error(
          `file ${file.seed}: bytes differ within ${offset + at}..${offset + at + n}`,
        );
      }
      at += n;
      pending = pending.subarray(n);
    }
    offset += chunk.length;
  }
  if (offset !== file.size) throw new Error(`file ${file.seed}: ${offset} of ${file.size} bytes`);
}

// ---------------------------------------------------------------------------------------------
// Memory and processes

/** A process's RSS from /proc every second, from construction until `stop()`. */
class RssSampler {
  readonly #samples: number[] = [];
  readonly #timer: ReturnType<typeof setInterval>;

  constructor(readonly pid: number) {
    this.#sample();
    this.#timer = setInterval(() => this.#sample(), SAMPLE_EVERY_MS);
  }

  /** First, max, last and every sample (MiB), and the growth over the first sample. */
  stop() {
    clearInterval(this.#timer);
    this.#sample();
    const s = this.#samples;
    const max = Math.max(...s);
    return {
      first: round1(s[0]),
      max: round1(max),
      last: round1(s.at(-1)!),
      growth: round1(max - s[0]),
      samples: s.map(round1),
    };
  }

  #sample() {
    // Synchronous on purpose: a tiny /proc file, and no two readings can overlap.
    const status = Deno.readTextFileSync(`/proc/${this.pid}/status`);
    this.#samples.push(Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0) / 1024);
  }
}

/** s3rver in a process of its own (this file, `--serve-s3`), stopped by `cleanup`. */
async function startS3rverChild(directory: string, cleanup: Cleanup) {
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", new URL(import.meta.url).pathname, `--serve-s3=${directory}`],
    cwd: REPO,
    stdin: "null",
    stdout: "piped",
    stderr: "inherit",
  }).spawn();
  cleanup.add("s3rver", () => stopChild(child, "SIGTERM", 5_000));
  const lines = child.stdout.pipeThrough(new TextDecoderStream()).getReader();
  let text = "";
  while (!text.includes("\n")) {
    const { value, done } = await lines.read();
    if (done) throw new Error("s3rver exited before it listened");
    text += value;
  }
  await lines.cancel();
  return { port: JSON.parse(text).port as number, pid: child.pid };
}

/** The `--serve-s3` mode: s3rver on a free port of 127.0.0.1 until SIGTERM. */
async function serveS3(directory: string): Promise<void> {
  await Deno.mkdir(directory, { recursive: true });
  const server = new S3rver({ port: 0, address: "127.0.0.1", silent: true, directory });
  const { port } = await server.run();
  Deno.addSignalListener("SIGTERM", () => void server.close().finally(() => Deno.exit(0)));
  console.log(JSON.stringify({ port }));
}

async function waitForFile(path: string, ms = 60_000): Promise<string> {
  const deadline = performance.now() + ms;
  while (performance.now() < deadline) {
    const text = await Deno.readTextFile(path).catch(() => "");
    if (text.trim()) return text.trim();
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`${path} did not appear in ${ms / 1000} s`);
}

/** CPU by process over an interval (100 % = one core), rounded for the JSON. */
async function cpuSince(before: CpuSnapshot, pids: Record<string, number | null>) {
  const used = cpuUsage(before, await cpuSnapshot(pids));
  return used.map((u) => ({ name: u.name, percent: round1(u.percent) }));
}

async function timed(task: () => Promise<unknown>): Promise<number> {
  const started = performance.now();
  await task();
  return (performance.now() - started) / 1000;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

function progress(message: string): void {
  console.error(`attachments: ${message}`);
}

function round1(n: number): number {
  return Math.round(n * 10) / 10;
}

function round2(n: number): number {
  return Math.round(n * 100) / 100;
}

if (import.meta.main) {
  const { values } = parseArgs({
    options: {
      quick: { type: "boolean", default: false },
      "big-mb": { type: "string" },
      "large-mb": { type: "string" },
      options: { type: "string" },
      "serve-s3": { type: "string" },
    },
  });
  if (values["serve-s3"]) {
    await serveS3(values["serve-s3"]);
  } else {
    const o: AttachmentsBenchOptions = values.options
      ? JSON.parse(values.options)
      : { ...(values.quick ? QUICK : FULL) };
    if (values["big-mb"]) o.bigBytes = wholeMb("big-mb", values["big-mb"]);
    if (values["large-mb"]) {
      o.sizes = [o.sizes[0], { ...o.sizes[1], bytes: wholeMb("large-mb", values["large-mb"]) }];
    }
    const cleanup = new Cleanup();
    const tmp = await Deno.makeTempDir({ prefix: "ticketd_attachments_bench_" });
    cleanup.add("temp dir", () => Deno.remove(tmp, { recursive: true }));
    try {
      console.log(JSON.stringify(await runAttachmentsBench(o, tmp, cleanup)));
    } finally {
      await cleanup.run();
    }
  }
}

function wholeMb(name: string, raw: string): number {
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1) throw new Error(`--${name} must be a whole number >= 1`);
  return n * MB;
}
