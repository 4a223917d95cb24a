/**
 * Read latency over HTTP: a fixed number of GETs per query from a few concurrent clients on
 * kept-alive connections, every answer checked (200 and a JSON page), bounded in time.
 * @module
 */

export interface LatencyResult {
  requests: number;
  seconds: number;
  perSecond: number;
  errors: number;
  firstError: string | null;
  ms: { p50: number; p95: number; p99: number; max: number };
  /** Tickets on the page, from the last answer. */
  pageSize: number;
}

export interface LatencyOptions {
  url: string;
  token: string;
  concurrency: number;
  requests: number;
  maxSeconds: number;
}

/** GETs `path` `requests` times (fewer if `maxSeconds` pass) at `concurrency`. */
export async function measureQuery(path: string, options: LatencyOptions): Promise<LatencyResult> {
  const headers = { authorization: `Bearer ${options.token}` };
  for (let i = 0; i < options.concurrency * 2; i++) {
    await (await fetch(options.url + path, { headers })).body?.cancel(); // warm-up
  }
  const times: number[] = [];
  let errors = 0, firstError: string | null = null, pageSize = 0, next = 0;
  const started = performance.now();
  const deadline = started + options.maxSeconds * 1000;
  const client = async () => {
    while (next < options.requests && performance.now() < deadline) {
      next++;
      const t = performance.now();
      const response = await fetch(options.url + path, { headers });
      const text = await response.text();
      times.push(performance.now() - t);
      if (response.status !== 200) {
        errors++;
        firstError ??= `${response.status} ${text.slice(0, 300)}`;
      } else pageSize = JSON.parse(text).tickets?.length ?? 0; // a count answers no page
    }
  };
  await Promise.all(Array.from({ length: options.concurrency }, client));
  const seconds = (performance.now() - started) / 1000;
  return {
    requests: times.length,
    seconds,
    perSecond: times.length / seconds,
    errors,
    firstError,
    ms: {
      p50: percentile(times, 50),
      p95: percentile(times, 95),
      p99: percentile(times, 99),
      max: Math.max(...times),
    },
    pageSize,
  };
}

/** The `p`th percentile (nearest rank) of `values`. */
export function percentile(values: number[], p: number): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}
