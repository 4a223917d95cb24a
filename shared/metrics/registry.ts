/**
 * A tiny Prometheus registry: counters, gauges and histograms with fixed label names, and
 * collectors that read values at scrape time (consumer lag, positions). A collector that fails or
 * is slower than the scrape's bound leaves its samples out and counts
 * `ticketd_metrics_collect_errors_total{collector}`: a scrape never fails because of one.
 * @module
 */
import { type Family, familyText, type Sample } from "./exposition.ts";

export type Labels<L extends string> = Record<L, string>;

/** A value read at scrape time, for a family declared with {@link MetricsRegistry.collected}. */
export interface CollectedSample {
  family: CollectedFamily<string>;
  labels: Record<string, string>;
  value: number;
}

/** A gauge or counter whose samples only collectors give (one scrape's values, never kept). */
export interface CollectedFamily<L extends string> {
  readonly name: string;
  sample(labels: Labels<L>, value: number): CollectedSample;
}

export interface FamilySpec<L extends string> {
  name: string;
  help: string;
  labels?: readonly L[];
}

/** Latency buckets in seconds, from 5 ms to 10 s. */
export const DEFAULT_SECONDS_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

type Collector = { name: string; collect: () => Promise<CollectedSample[]> };

/** The metrics of one service, in registration order. */
export class MetricsRegistry {
  #families: Family[] = [];
  #collectors: Collector[] = [];
  #collectErrors: Counter<"collector">;

  constructor() {
    this.#collectErrors = this.counter({
      name: "ticketd_metrics_collect_errors_total",
      help: "Scrape-time reads that failed or timed out (their samples were left out).",
      labels: ["collector"],
    });
  }

  counter<L extends string = never>(spec: FamilySpec<L>): Counter<L> {
    return new Counter(this.#add(spec, "counter"));
  }

  gauge<L extends string = never>(spec: FamilySpec<L>): Gauge<L> {
    return new Gauge(this.#add(spec, "gauge"));
  }

  histogram<L extends string = never>(
    spec: FamilySpec<L> & { buckets?: readonly number[] },
  ): Histogram<L> {
    const buckets = [...(spec.buckets ?? DEFAULT_SECONDS_BUCKETS)].sort((a, b) => a - b);
    return new Histogram(this.#add({ ...spec, buckets }, "histogram"), buckets);
  }

  /** A family filled at scrape time by collectors ({@link MetricsRegistry.collector}). */
  collected<L extends string = never>(
    spec: FamilySpec<L>,
    type: "gauge" | "counter",
  ): CollectedFamily<L> {
    this.#add(spec, type);
    const family: CollectedFamily<L> = {
      name: spec.name,
      sample: (labels, value) => ({ family, labels, value }),
    };
    return family;
  }

  /** Runs `collect` at each scrape; `name` labels its failures. */
  collector(name: string, collect: () => Promise<CollectedSample[]>): void {
    this.#collectors.push({ name, collect });
    this.#collectErrors.inc({ collector: name }, 0); // a 0 from the first scrape, not no series
  }

  /**
   * Runs `read` for each of `items()` at each scrape: one failed read leaves out that item's
   * samples only, and counts one error of `name`.
   */
  collectorEach<T>(
    name: string,
    items: () => T[],
    read: (item: T) => Promise<CollectedSample[]>,
  ): void {
    this.collector(name, async () => {
      const settled = await Promise.allSettled(items().map(read));
      for (const s of settled) {
        if (s.status === "rejected") this.#collectErrors.inc({ collector: name });
      }
      return settled.flatMap((s) => s.status === "fulfilled" ? s.value : []);
    });
  }

  /** The text exposition (format 0.0.4); each collector is given at most `timeoutMs`. */
  async text(timeoutMs: number): Promise<string> {
    const results = await Promise.all(this.#collectors.map((c) => this.#run(c, timeoutMs)));
    const collected = new Map<string, Sample[]>();
    for (const sample of results.flat()) {
      const samples = collected.get(sample.family.name) ?? [];
      samples.push({ labels: sample.labels, value: sample.value });
      collected.set(sample.family.name, samples);
    }
    return this.#families
      .map((family) => familyText(family, collected.get(family.name) ?? []))
      .join("");
  }

  async #run(collector: Collector, timeoutMs: number): Promise<CollectedSample[]> {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const late = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error("timed out")), timeoutMs);
    });
    try {
      return await Promise.race([collector.collect(), late]);
    } catch {
      this.#collectErrors.inc({ collector: collector.name });
      return [];
    } finally {
      clearTimeout(timer);
    }
  }

  #add(spec: FamilySpec<string> & { buckets?: number[] }, type: Family["type"]): Family {
    if (this.#families.some((f) => f.name === spec.name)) {
      throw new Error(`Metric "${spec.name}" is registered twice`);
    }
    const family: Family = {
      name: spec.name,
      help: spec.help,
      type,
      labelNames: spec.labels ?? [],
      samples: new Map(),
    };
    this.#families.push(family);
    return family;
  }
}

function key(labels: Record<string, string>, names: readonly string[]): string {
  return JSON.stringify(names.map((n) => labels[n]));
}

function entry(family: Family, labels: Record<string, string>): Sample {
  const k = key(labels, family.labelNames);
  let sample = family.samples.get(k);
  if (!sample) {
    sample = { labels: { ...labels }, value: 0 };
    family.samples.set(k, sample);
  }
  return sample;
}

export class Counter<L extends string> {
  constructor(private readonly family: Family) {}

  inc(labels: Labels<L>, by = 1): void {
    if (by < 0) throw new Error(`Counter "${this.family.name}" cannot go down`);
    entry(this.family, labels).value += by;
  }
}

export class Gauge<L extends string> {
  constructor(private readonly family: Family) {}

  set(labels: Labels<L>, value: number): void {
    entry(this.family, labels).value = value;
  }
}

export class Histogram<L extends string> {
  constructor(private readonly family: Family, private readonly buckets: readonly number[]) {}

  observe(labels: Labels<L>, value: number): void {
    const sample = entry(this.family, labels);
    sample.histogram ??= {
      counts: this.buckets.map(() => 0),
      sum: 0,
      count: 0,
      bounds: this.buckets,
    };
    const index = this.buckets.findIndex((bound) => value <= bound);
    if (index >= 0) sample.histogram.counts[index]++;
    sample.histogram.sum += value;
    sample.histogram.count++;
  }
}
