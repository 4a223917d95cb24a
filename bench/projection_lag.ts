/**
 * Projection lag: how far the read model's position (`GET /readyz` → `projectedVersion`) is
 * behind the stream's last sequence (`streams.info`), sampled during a load, and how long it
 * takes to catch up once the load stops.
 * @module
 */
import type { JetStreamManager } from "@nats-io/jetstream";

export interface LagSample {
  atMs: number;
  lastSeq: number;
  projected: number;
}

export interface LagSummary {
  samples: number;
  maxLagMessages: number;
  /** The oldest unprojected message's age at the worst sample, estimated from the stream rate. */
  maxLagSecondsEstimate: number;
  catchUpMs: number;
  caughtUp: boolean;
  finalSeq: number;
}

/** Samples every `everyMs` until `stop()`; then waits (bounded) for the read model to catch up. */
export function sampleLag(
  serviceUrl: string,
  jsm: JetStreamManager,
  stream: string,
  everyMs = 250,
) {
  const samples: LagSample[] = [];
  const started = performance.now();
  const take = async (): Promise<LagSample> => {
    const [info, ready] = await Promise.all([
      jsm.streams.info(stream),
      fetch(`${serviceUrl}/readyz`).then((r) => r.json()),
    ]);
    return {
      atMs: performance.now() - started,
      lastSeq: info.state.last_seq,
      projected: Number(ready.projectedVersion ?? 0),
    };
  };
  let running = true;
  const loop = (async () => {
    while (running) {
      const next = new Promise((resolve) => setTimeout(resolve, everyMs));
      samples.push(await take());
      await next;
    }
  })();
  return {
    async stop(maxWaitMs = 120_000): Promise<LagSummary> {
      running = false;
      await loop;
      const stopped = performance.now();
      let last = await take();
      while (last.projected < last.lastSeq && performance.now() - stopped < maxWaitMs) {
        await new Promise((resolve) => setTimeout(resolve, 50));
        last = await take();
      }
      return summarise(samples, last, performance.now() - stopped);
    },
  };
}

function summarise(samples: LagSample[], last: LagSample, catchUpMs: number): LagSummary {
  let worst = samples[0] ?? last;
  for (const s of samples) if (s.lastSeq - s.projected > worst.lastSeq - worst.projected) worst = s;
  const first = samples[0] ?? last;
  const rate = (last.lastSeq - first.lastSeq) / Math.max(0.001, (last.atMs - first.atMs) / 1000);
  const maxLag = worst.lastSeq - worst.projected;
  return {
    samples: samples.length,
    maxLagMessages: maxLag,
    maxLagSecondsEstimate: rate > 0 ? maxLag / rate : 0,
    catchUpMs: Math.round(catchUpMs),
    caughtUp: last.projected >= last.lastSeq,
    finalSeq: last.lastSeq,
  };
}
