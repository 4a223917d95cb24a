/**
 * What the figures were measured on: CPU, memory, kernel, tool versions and the PostgreSQL
 * settings that matter for these loads.
 * @module
 */
import postgres from "postgres";
import { natsServerVersion } from "@ticketd/shared/runtime/private_nats.ts";

export interface MachineInfo {
  cpu: string;
  cores: number;
  memoryGiB: number;
  kernel: string;
  deno: string;
  natsServer: string;
  postgres: string;
  postgresSettings: Record<string, string>;
  wrk: string;
}

export interface SourceInfo {
  commit: string;
  /** Files outside bench/ with uncommitted changes: the run measured those too. */
  uncommitted: string[];
}

/** Which code was measured: `$TICKETD_BENCH_REV` (see at_commit.ts), else git's HEAD. */
export async function sourceInfo(): Promise<SourceInfo> {
  const rev = Deno.env.get("TICKETD_BENCH_REV");
  if (rev) return { commit: rev, uncommitted: [] };
  const git = async (...args: string[]) => {
    const out = await new Deno.Command("git", { args, cwd: REPO }).output().catch(() => null);
    return out?.success ? new TextDecoder().decode(out.stdout) : "";
  };
  const status = await git("status", "--porcelain", "--untracked-files=no");
  return {
    commit: (await git("rev-parse", "--short", "HEAD")).trim() || "unknown",
    uncommitted: status.split("\n").map((l) => l.slice(3)).filter((f) =>
      f && !f.startsWith("bench/")
    ),
  };
}

const REPO = new URL("../", import.meta.url);
const PG_SETTINGS = [
  "shared_buffers",
  "work_mem",
  "effective_cache_size",
  "synchronous_commit",
  "max_parallel_workers_per_gather",
  "jit",
];

/** Facts about this machine and the servers the benchmark uses. */
export async function machineInfo(adminUrl: string): Promise<MachineInfo> {
  const cpuinfo = await Deno.readTextFile("/proc/cpuinfo");
  const meminfo = await Deno.readTextFile("/proc/meminfo");
  const sql = postgres(adminUrl, { max: 1, onnotice: () => {} });
  try {
    const [{ version }] = await sql<{ version: string }[]>`select version()`;
    const settings = await sql<{ name: string; setting: string }[]>`
      select name, current_setting(name) as setting from pg_settings
      where name = any(${PG_SETTINGS})`;
    return {
      cpu: /model name\s*:\s*(.+)/.exec(cpuinfo)?.[1] ?? "unknown",
      cores: navigator.hardwareConcurrency,
      memoryGiB: Math.round(Number(/MemTotal:\s+(\d+)/.exec(meminfo)?.[1] ?? 0) / 1048576),
      kernel: Deno.osRelease(),
      deno: Deno.version.deno,
      natsServer: await natsServerVersion(),
      postgres: version.split(" on ")[0],
      postgresSettings: Object.fromEntries(settings.map((s) => [s.name, s.setting])),
      wrk: await wrkVersion(),
    };
  } finally {
    await sql.end();
  }
}

async function wrkVersion(): Promise<string> {
  const out = await new Deno.Command("wrk", { args: ["-v"] }).output().catch(() => null);
  if (!out) return "missing (apt-get install -y wrk)";
  const text = new TextDecoder().decode(out.stdout) + new TextDecoder().decode(out.stderr);
  return /wrk ([\w.-]+)/.exec(text)?.[1] ?? "unknown";
}
