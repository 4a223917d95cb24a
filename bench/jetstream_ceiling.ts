/**
 * The raw JetStream publish ceiling from a Deno process with the service's client library:
 * ~700-byte messages, each with `Nats-Msg-Id` and expected-last-subject-sequence 0 on a subject
 * of its own, to a file-storage stream configured like TICKETS, with a window of publishes in
 * flight. The stream is deleted afterwards.
 * @module
 */
import { jetstream, jetstreamManager, RetentionPolicy, StorageType } from "@nats-io/jetstream";
import { connect } from "@nats-io/transport-node";
import { cpuSnapshot, cpuUsage, type ProcessCpu } from "./cpu.ts";

export interface CeilingRun {
  window: number;
  /** The client option that skips an Error (stack trace) per request; the service's default is off. */
  noAsyncTraces: boolean;
  messages: number;
  seconds: number;
  msgsPerSecond: number;
  cpu: ProcessCpu[];
}

export interface CeilingOptions {
  natsUrl: string;
  natsPid: number | null;
  runs: { window: number; noAsyncTraces: boolean }[];
  maxMessages: number;
  maxSeconds: number;
  messageBytes: number;
  duplicateWindowMs: number;
}

const STREAM = "BENCH_RAW";

/** Each run on a connection of its own, bounded by `maxMessages` and `maxSeconds`. */
export async function measureCeiling(options: CeilingOptions): Promise<CeilingRun[]> {
  const runs: CeilingRun[] = [];
  for (const [i, run] of options.runs.entries()) {
    runs.push(await measureRun(options, i, run.window, run.noAsyncTraces));
  }
  return runs;
}

async function measureRun(
  options: CeilingOptions,
  i: number,
  window: number,
  noAsyncTraces: boolean,
): Promise<CeilingRun> {
  const nc = await connect({ servers: options.natsUrl, name: "ticketd-bench", noAsyncTraces });
  const jsm = await jetstreamManager(nc);
  const js = jetstream(nc);
  try {
    await jsm.streams.add({
      name: STREAM,
      subjects: ["bench.raw.>"],
      storage: StorageType.File,
      retention: RetentionPolicy.Limits,
      duplicate_window: options.duplicateWindowMs * 1_000_000,
      allow_direct: true,
    });
    const payload = new Uint8Array(options.messageBytes).fill(0x61);
    const publish = (n: number) =>
      js.publish(`bench.raw.r${i}.${n}`, payload, {
        msgID: `r${i}-${n}`,
        expect: { lastSubjectSequence: 0 }, // 0 = "subject must be empty"
      });
    await inWindow(1_000, window, Infinity, (n) => publish(-n - 1)); // warm-up
    const pids = { bench: Deno.pid, "nats-server": options.natsPid };
    const before = await cpuSnapshot(pids);
    const started = performance.now();
    const messages = await inWindow(options.maxMessages, window, options.maxSeconds, publish);
    const seconds = (performance.now() - started) / 1000;
    const cpu = cpuUsage(before, await cpuSnapshot(pids));
    await jsm.streams.delete(STREAM);
    return { window, noAsyncTraces, messages, seconds, msgsPerSecond: messages / seconds, cpu };
  } finally {
    await nc.drain();
  }
}

/** Runs `task(0..count-1)` with `window` in flight until done or `maxSeconds` pass. */
async function inWindow(
  count: number,
  window: number,
  maxSeconds: number,
  task: (n: number) => Promise<unknown>,
): Promise<number> {
  const deadline = performance.now() + maxSeconds * 1000;
  let next = 0;
  let done = 0;
  const worker = async () => {
    while (next < count && performance.now() < deadline) {
      await task(next++);
      done++;
    }
  };
  await Promise.all(Array.from({ length: window }, worker));
  return done;
}
