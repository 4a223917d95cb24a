/**
 * Where the CPU goes during a load: user+system time of named processes from /proc/<pid>/stat,
 * of every `postgres` process together, and of the whole machine from /proc/stat.
 * @module
 */

/** CPU time used over an interval; 100 % is one core fully busy. */
export interface ProcessCpu {
  name: string;
  percent: number;
}

export interface CpuSnapshot {
  at: number;
  ticks: Map<string, number>;
}

const CLOCK_TICKS_PER_SECOND = 100; // USER_HZ on Linux
export const MACHINE = "machine (all cores)";
export const POSTGRES = "postgres (all processes)";
export const STEAL = "steal (taken by the hypervisor)";
export const OTHERS = "unattributed (other processes, kernel)";

/** Ticks used so far by each named pid, by all postgres processes, and by the machine. */
export async function cpuSnapshot(pids: Record<string, number | null>): Promise<CpuSnapshot> {
  const ticks = new Map<string, number>();
  for (const [name, pid] of Object.entries(pids)) {
    if (pid !== null) ticks.set(name, await processTicks(pid) ?? 0);
  }
  ticks.set(POSTGRES, await postgresTicks());
  const machine = await machineTicks();
  ticks.set(MACHINE, machine.busy);
  ticks.set(STEAL, machine.steal);
  return { at: performance.now(), ticks };
}

/** Each entry's CPU between two snapshots, and what the machine spent beyond them. */
export function cpuUsage(before: CpuSnapshot, after: CpuSnapshot): ProcessCpu[] {
  const seconds = (after.at - before.at) / 1000;
  const usage = [...after.ticks].map(([name, ticks]) => ({
    name,
    percent: ((ticks - (before.ticks.get(name) ?? 0)) / CLOCK_TICKS_PER_SECOND / seconds) * 100,
  }));
  const ours = usage.filter((u) => u.name !== MACHINE && u.name !== STEAL);
  const machine = usage.find((u) => u.name === MACHINE)!.percent;
  const others = Math.max(0, machine - ours.reduce((sum, u) => sum + u.percent, 0));
  return [...usage, { name: OTHERS, percent: others }];
}

/** One `top -b -n 1` listing (first lines), for the report's notes. */
export async function topSnapshot(lines = 18): Promise<string> {
  try {
    const out = await new Deno.Command("top", { args: ["-b", "-n", "1", "-w", "160"] }).output();
    return new TextDecoder().decode(out.stdout).split("\n").slice(0, lines).join("\n");
  } catch {
    return "(top not available)";
  }
}

async function processTicks(pid: number): Promise<number | null> {
  const stat = await Deno.readTextFile(`/proc/${pid}/stat`).catch(() => null);
  if (stat === null) return null;
  // Fields after the parenthesised command name; utime and stime are fields 14 and 15.
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return Number(fields[11]) + Number(fields[12]);
}

async function postgresTicks(): Promise<number> {
  let total = 0;
  for await (const entry of Deno.readDir("/proc")) {
    if (!/^\d+$/.test(entry.name)) continue;
    const comm = await Deno.readTextFile(`/proc/${entry.name}/comm`).catch(() => "");
    if (comm.trim() === "postgres") total += await processTicks(Number(entry.name)) ?? 0;
  }
  return total;
}

async function machineTicks(): Promise<{ busy: number; steal: number }> {
  const [cpu] = (await Deno.readTextFile("/proc/stat")).split("\n");
  const [user, nice, system, _idle, _iowait, irq, softirq, steal] = cpu.split(/\s+/).slice(1)
    .map(Number);
  return { busy: user + nice + system + irq + softirq, steal };
}

/**
 * Waits (at most `maxWaitS`) until the machine is quiet: under `threshold` % busy over a
 * second. Returns the last figure, so a run on a busy machine says so in its report.
 */
export async function waitForQuiet(label: string, threshold = 30, maxWaitS = 60): Promise<number> {
  const started = performance.now();
  for (;;) {
    const before = (await machineTicks()).busy;
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    const busy = (await machineTicks()).busy - before; // ticks in one second = percent
    if (busy < threshold || performance.now() - started > maxWaitS * 1000) {
      if (busy >= threshold) console.error(`warning: machine ${busy} % busy before ${label}`);
      return busy;
    }
  }
}
