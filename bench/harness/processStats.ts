/**
 * Reads a child process's resource use from `/proc`: CPU time (user plus
 * system, in milliseconds) and resident memory. The benchmarks sample these
 * before and after a workload and report the difference, so the figures are
 * the server's own cost, not the client harness's.
 */
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";

let clockTicks: number | undefined;

/** Kernel clock ticks per second (`getconf CLK_TCK`, 100 when unavailable). */
export function clockTicksPerSecond(): number {
  if (clockTicks !== undefined) return clockTicks;
  let ticks = 100;
  try {
    const parsed = Number(execFileSync("getconf", ["CLK_TCK"], { encoding: "utf8" }).trim());
    if (Number.isInteger(parsed) && parsed > 0) ticks = parsed;
  } catch (error) {
    process.stderr.write(`bench: getconf CLK_TCK failed, assuming 100 (${String(error)})\n`);
  }
  clockTicks = ticks;
  return ticks;
}

/** CPU time (utime + stime) `pid` has used so far, in milliseconds. */
export function readCpuMs(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
  // The command name (field 2) may contain spaces; fields after it are fixed.
  const rest = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  const utime = Number(rest[11]);
  const stime = Number(rest[12]);
  return ((utime + stime) * 1000) / clockTicksPerSecond();
}

/** Memory figures of `pid` from `/proc/<pid>/status`, in KiB. */
export interface MemoryKb {
  /** Resident set size now. */
  readonly rss: number;
  /** Peak resident set size so far. */
  readonly peak: number;
}

/** Reads `VmRSS` and `VmHWM` of `pid`. */
export function readMemoryKb(pid: number): MemoryKb {
  const status = readFileSync(`/proc/${pid}/status`, "utf8");
  const field = (name: string): number => {
    const match = new RegExp(`^${name}:\\s+(\\d+)`, "m").exec(status);
    return match?.[1] === undefined ? 0 : Number(match[1]);
  };
  return { rss: field("VmRSS"), peak: field("VmHWM") };
}
