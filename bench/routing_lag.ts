/**
 * Whether routing keeps up with ticket creation: `GET /v1/routing/status` sampled during a load
 * (ticket-stream messages not yet folded by routing, decisions in flight), then the lag when the
 * load ends, 5 s later, and how long the backlog takes to drain.
 * @module
 */

export interface RoutingLagSample {
  atMs: number;
  /** Ticket-stream messages routing has not folded yet. */
  lag: number;
  /** The last stream sequence routing folded. */
  position: number;
  inFlight: number;
}

export interface RoutingLagSummary {
  samples: number;
  maxLag: number;
  p95Lag: number;
  /** Least-squares slope of the lag over the load, messages per second: ~0 = not growing. */
  lagSlopePerSecond: number;
  maxInFlight: number;
  /** Lag and decisions in flight the moment the load ended, and 5 s later. */
  atEnd: { lag: number; inFlight: number };
  after5s: { lag: number; inFlight: number };
  /** Nothing left to fold or decide, and how long after the load that was. */
  drained: boolean;
  drainMs: number;
  /** Stream messages folded from the first sample until drained (creations and routing's own). */
  folded: number;
  /** Decisions made: one per ticket created by the load (routing decides every creation). */
  decisions: number;
  /** Decisions whose command was appended: folded messages beyond the load's creations. */
  commandsAppended: number;
  /** Decisions per second from the load's start until drained (bounded by the creation rate). */
  decisionsPerSecond: number;
}

const AFTER_MS = 5_000;

/** Samples `routingUrl`'s status every `everyMs` until `stop(created)`. */
export function sampleRoutingLag(routingUrl: string, token: string, everyMs = 250) {
  const samples: RoutingLagSample[] = [];
  const started = performance.now();
  const take = async (): Promise<RoutingLagSample> => {
    const status = await routingStatus(routingUrl, token);
    return {
      atMs: performance.now() - started,
      lag: status.lag,
      position: status.position,
      inFlight: status.decisionsInFlight,
    };
  };
  let running = true;
  const loop = (async () => {
    while (running) {
      const next = delay(everyMs);
      samples.push(await take());
      await next;
    }
  })();
  return {
    /** `created`: tickets the load created; waits (bounded) for routing to drain. */
    async stop(created: number, maxWaitMs = 60_000): Promise<RoutingLagSummary> {
      running = false;
      await loop;
      const ended = performance.now();
      const atEnd = await take();
      let after5s: RoutingLagSample | null = null;
      let drainedAt: RoutingLagSample | null = isDrained(atEnd) ? atEnd : null;
      while ((after5s === null || drainedAt === null) && performance.now() - ended < maxWaitMs) {
        await delay(everyMs);
        const sample = await take();
        if (drainedAt === null && isDrained(sample)) drainedAt = sample;
        if (after5s === null && performance.now() - ended >= AFTER_MS) after5s = sample;
      }
      const last = drainedAt ?? after5s ?? atEnd;
      return summarise(samples, { atEnd, after5s: after5s ?? last, drainedAt, last }, created);
    },
  };
}

/** The routing service's status; throws naming the status code when it does not answer 200. */
export async function routingStatus(routingUrl: string, token: string) {
  const response = await fetch(`${routingUrl}/v1/routing/status`, {
    headers: { authorization: `Bearer ${token}` },
  });
  if (!response.ok) {
    throw new Error(`GET /v1/routing/status: ${response.status} ${await response.text()}`);
  }
  return await response.json() as {
    live: boolean;
    position: number;
    lag: number;
    decisionsInFlight: number;
  };
}

/**
 * The URL routing wrote to `<dataDir>/routing.url`, once it answers its status live (routing
 * starts after the tickets service is ready, so `/readyz` alone does not mean routing is up).
 */
export async function waitForRouting(dataDir: string, token: string, maxMs = 60_000) {
  const deadline = performance.now() + maxMs;
  let lastError = "no routing.url yet";
  while (performance.now() < deadline) {
    const url = await Deno.readTextFile(`${dataDir}/routing.url`).catch(() => null);
    if (url) {
      const status = await routingStatus(url.trim(), token).catch((e) => (lastError = String(e)));
      if (typeof status === "object" && status.live) return url.trim();
    }
    await delay(100);
  }
  throw new Error(`Routing did not come up in ${maxMs / 1000} s: ${lastError}`);
}

function isDrained(sample: RoutingLagSample): boolean {
  return sample.lag === 0 && sample.inFlight === 0;
}

function summarise(
  during: RoutingLagSample[],
  after: {
    atEnd: RoutingLagSample;
    after5s: RoutingLagSample;
    drainedAt: RoutingLagSample | null;
    last: RoutingLagSample;
  },
  created: number,
): RoutingLagSummary {
  const lags = during.map((s) => s.lag).sort((a, b) => a - b);
  const first = during[0] ?? after.atEnd;
  const folded = after.last.position - first.position;
  const spanSeconds = Math.max(0.001, (after.last.atMs - first.atMs) / 1000);
  return {
    samples: during.length,
    maxLag: lags.at(-1) ?? 0,
    p95Lag: lags[Math.min(lags.length - 1, Math.floor(0.95 * lags.length))] ?? 0,
    lagSlopePerSecond: slope(during),
    maxInFlight: Math.max(0, ...during.map((s) => s.inFlight)),
    atEnd: { lag: after.atEnd.lag, inFlight: after.atEnd.inFlight },
    after5s: { lag: after.after5s.lag, inFlight: after.after5s.inFlight },
    drained: after.drainedAt !== null,
    drainMs: Math.round((after.drainedAt ?? after.last).atMs - after.atEnd.atMs),
    folded,
    decisions: created,
    commandsAppended: Math.max(0, folded - created),
    decisionsPerSecond: Math.round(created / spanSeconds),
  };
}

function slope(samples: RoutingLagSample[]): number {
  if (samples.length < 2) return 0;
  const n = samples.length;
  const mx = samples.reduce((a, s) => a + s.atMs / 1000, 0) / n;
  const my = samples.reduce((a, s) => a + s.lag, 0) / n;
  let num = 0, den = 0;
  for (const s of samples) {
    num += (s.atMs / 1000 - mx) * (s.lag - my);
    den += (s.atMs / 1000 - mx) ** 2;
  }
  return den === 0 ? 0 : Math.round(num / den);
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, Math.max(0, ms)));
}
