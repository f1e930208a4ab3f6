/**
 * Waiting for servers to go quiet: a measurement that starts while some
 * server on the machine is still busy (compiling its hot paths after a
 * start, compacting its database after a load) measures that work too, and
 * on a small machine it takes CPU from whichever system is measured next.
 */
import { sleep } from "./stats";

/** What {@link waitUntilQuiet} watches: a process's CPU time so far, ms. */
export interface CpuSource {
  cpuMs(): number;
}

/** When a set of processes counts as quiet. */
export interface QuietOptions {
  /** Together they use less than this share of one core over a window (default 0.1). */
  readonly cpuShare?: number;
  /** The window, ms (default 250). */
  readonly windowMs?: number;
  /** Give up after this long, ms (default 10,000). */
  readonly timeoutMs?: number;
}

/** How a wait for quiet ended. */
export interface QuietOutcome {
  /** The processes went quiet (else the wait timed out). */
  readonly quiet: boolean;
  /** How long the wait took, ms. */
  readonly waitedMs: number;
}

/** Waits until `sources` together use less than `cpuShare` of a core over one window, or until the timeout. */
export async function waitUntilQuiet(sources: readonly CpuSource[], options: QuietOptions = {}): Promise<QuietOutcome> {
  const cpuShare = options.cpuShare ?? 0.1;
  const windowMs = options.windowMs ?? 250;
  const timeoutMs = options.timeoutMs ?? 10_000;
  const started = performance.now();
  const total = (): number => sources.reduce((sum, source) => sum + cpuOf(source), 0);
  for (let before = total(); performance.now() - started < timeoutMs; ) {
    await sleep(windowMs);
    const now = total();
    if (now - before < windowMs * cpuShare) return { quiet: true, waitedMs: performance.now() - started };
    before = now;
  }
  return { quiet: false, waitedMs: performance.now() - started };
}

/** A source's CPU time; one that cannot be read (its process has exited) uses none. */
function cpuOf(source: CpuSource): number {
  try {
    return source.cpuMs();
  } catch {
    return 0;
  }
}
