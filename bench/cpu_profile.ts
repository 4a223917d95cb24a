/**
 * A summary of the tickets service's V8 CPU profile (`deno run --cpu-prof`): the share of
 * samples spent inside each stage of a creation (inclusive), and the top functions by self time.
 * @module
 */

export interface ProfileSummary {
  file: string;
  /** "main thread", or the worker's name from the file name (e.g. "worker-1"). */
  thread: string;
  sampledMs: number;
  idlePercent: number;
  stages: { stage: string; percent: number }[];
  selfTime: { name: string; where: string; percent: number }[];
}

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}

interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

/** Stages of the write path: a sample counts for a stage when the function is on its stack. */
const STAGES: [stage: string, fn: RegExp, url: RegExp][] = [
  ["HTTP request handling (Hono dispatch, all of it)", /^dispatch$/, /hono/],
  ["bearer token verification (jose jwtVerify, EdDSA)", /^jwtVerify$/, /jose/],
  ["request body: JSON + zod", /^readJson$/, /shared\/http\/json_body/],
  ["command handler create()", /^create$/, /command_handler/],
  ["Envelope.seal (subject + body)", /^seal$/, /shared\/crypto\/envelope/],
  ["request fingerprint HMAC (keyedHash)", /^keyedHash$/, /append_commit/],
  ["JetStream append (publish)", /^append$/, /shared\/eventstore\/jetstream/],
  ["projector: decrypt + tokenise (#project)", /project$/, /projections\/projector/],
  ["Envelope.open (projector; list pages)", /^open$/, /shared\/crypto\/envelope/],
  ["base64 decode (decodeBase64)", /^decodeBase64$/, /shared\/crypto\/base64/],
  ["base64 encode (encodeBase64)", /^encodeBase64/, /shared\/crypto\/base64/],
  ["list page: listTickets (SQL)", /^listTickets$/, /projections\/ticket_queries/],
  ["list page: ticketView (opens each subject)", /^ticketView$/, /http\/views/],
  ["projector: documentTokens", /^documentTokens$/, /shared\/search/],
  ["projector: hashTokens (per token)", /^hashTokens$/, /shared\/search/],
  ["projector: writeBatch (SQL)", /^writeBatch$/, /projections\/ticket_writer/],
  ["postgres.js (all)", /./, /npm:postgres|registry\.npmjs\.org\/postgres/],
  ["nats.js (all)", /./, /@nats-io/],
  ["garbage collector", /^\(garbage collector\)$/, /^$/],
];
const IDLE = "(idle)";

/**
 * Summarises every `.cpuprofile` in `dir` (one per JS thread: the main thread, and a worker if
 * the projector runs in one), busiest first; each is kept as `keepIn/<name>-<n>.cpuprofile`.
 * Deno writes a thread's profile when it ends normally: a process killed after its stop grace
 * period leaves no main-thread profile (the report then says so).
 */
export async function summariseProfiles(
  dir: string,
  keepIn?: URL,
  name = "service",
): Promise<ProfileSummary[]> {
  const files: string[] = [];
  for await (const e of Deno.readDir(dir)) if (e.name.endsWith(".cpuprofile")) files.push(e.name);
  const summaries: ProfileSummary[] = [];
  for (const file of files) {
    const profile: CpuProfile = JSON.parse(await Deno.readTextFile(`${dir}/${file}`));
    const worker = /\.(worker-\d+)\.cpuprofile$/.exec(file)?.[1];
    summaries.push({ ...summarise(profile, `${dir}/${file}`), thread: worker ?? "main thread" });
  }
  summaries.sort((a, b) =>
    b.sampledMs * (100 - b.idlePercent) - a.sampledMs * (100 - a.idlePercent)
  );
  if (keepIn) {
    await Deno.mkdir(keepIn, { recursive: true });
    for (const [i, summary] of summaries.entries()) {
      const kept = new URL(`${name}-${i + 1}.cpuprofile`, keepIn).pathname;
      await Deno.copyFile(summary.file, kept);
      summary.file = kept;
    }
  }
  return summaries;
}

function summarise(profile: CpuProfile, file: string): Omit<ProfileSummary, "thread"> {
  const total = profile.timeDeltas.reduce((a, b) => a + b, 0);
  const self = selfTimes(profile);
  const idle = self.find(([key]) => key.startsWith(IDLE))?.[1] ?? 0;
  const busy = Math.max(1, total - idle);
  return {
    file,
    sampledMs: total / 1000,
    idlePercent: (100 * idle) / total,
    stages: stageTimes(profile).map(([stage, us]) => ({ stage, percent: (100 * us) / busy })),
    selfTime: self.filter(([key]) => !key.startsWith(IDLE)).slice(0, 15).map(([key, us]) => {
      const [fn, where] = key.split("\t");
      return { name: fn, where, percent: (100 * us) / busy };
    }),
  };
}

function stageTimes(profile: CpuProfile): [string, number][] {
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const nodes = new Map(profile.nodes.map((n) => [n.id, n]));
  const stageOf = new Map<number, number[]>();
  for (const n of profile.nodes) {
    const { functionName, url } = n.callFrame;
    stageOf.set(
      n.id,
      STAGES.flatMap(([, fn, u], i) => fn.test(functionName) && u.test(url) ? [i] : []),
    );
  }
  const times = STAGES.map(() => 0);
  profile.samples.forEach((id, i) => {
    const hit = new Set<number>();
    for (let n: number | undefined = id; n !== undefined && nodes.has(n); n = parent.get(n)) {
      for (const s of stageOf.get(n)!) hit.add(s);
    }
    for (const s of hit) times[s] += profile.timeDeltas[i];
  });
  return STAGES.map(([stage], i) => [stage, times[i]]);
}

function selfTimes(profile: CpuProfile): [string, number][] {
  const nodes = new Map(profile.nodes.map((n) => [n.id, n]));
  const self = new Map<string, number>();
  profile.samples.forEach((id, i) => {
    const { functionName, url, lineNumber } = nodes.get(id)!.callFrame;
    const key = `${functionName || "(anonymous)"}\t${short(url)}:${lineNumber + 1}`;
    self.set(key, (self.get(key) ?? 0) + profile.timeDeltas[i]);
  });
  return [...self].sort((a, b) => b[1] - a[1]);
}

function short(url: string): string {
  return url.replace(/^file:\/\/.*?\/(services|shared|bench)\//, "$1/")
    .replace(/^.*registry\.npmjs\.org\//, "npm:");
}
