/**
 * engine: the cost of quota accounting on a session KV `set`, and of the
 * arbiter on an incoming update, in fresh processes (see `bench/engine/`).
 */
import { ENGINE_PROCESSES, runEngineBenchProcesses } from "../engine/engineBench";
import { barOf, fmt, type BenchContext, type BenchResult, type Benchmark } from "../harness/benchResult";

export const engine: Benchmark = {
  name: "engine",
  async run(context: BenchContext): Promise<BenchResult> {
    const processes = context.smoke ? 1 : ENGINE_PROCESSES;
    context.log(`engine: set and apply, plain vs quota-checked, interleaved, in ${processes} fresh process(es)`);
    const result = await runEngineBenchProcesses({ smoke: context.smoke, processes });
    const rows = result.summary;
    const range = (r: { median: number; min: number; max: number }): string => `${fmt(r.median, 2)} (${fmt(r.min, 2)}–${fmt(r.max, 2)})`;
    const pct = (n: number): string => `${n >= 0 ? "+" : ""}${n.toFixed(1)}%`;
    return {
      name: "engine",
      title: "Quota accounting on a set, the arbiter on an update",
      what: `µs per operation, plain Yjs vs taiku's quota-checked path, in chunks of 50 sets alternating A-B-B-A over 2,000 rounds; a process's overhead is the median of its per-round ratios. The whole benchmark runs in ${processes} fresh processes one after the other, and each figure is the median over them (min–max over processes), since the ratio moves more from one process to the next than inside one. The synced row attaches an \`update\` listener, as every replica connected to the relay has; the last set row uses values whose strings differ from the previous value's (a pool of 64 values parsed from JSON, in turn), so no weighed string can be reused.`,
      ok: rows.every((row) => Number.isFinite(row.overheadPct)),
      headlines: rows.map((row) => `${row.case}: ${fmt(row.plainUs.median, 2)} → ${fmt(row.taikuUs.median, 2)} µs (${pct(row.overheadPct)}, ${pct(row.overheadRangePct[0])} … ${pct(row.overheadRangePct[1])})`),
      notes: [],
      tables: [
        {
          title: "µs per operation",
          columns: ["case", "plain µs", "taiku µs", "overhead (min–max over processes)"],
          rows: rows.map((row) => [row.case, range(row.plainUs), range(row.taikuUs), `${pct(row.overheadPct)} (${pct(row.overheadRangePct[0])} … ${pct(row.overheadRangePct[1])})`]),
        },
      ],
      charts: [
        {
          title: "µs per operation, taiku (lower is better)",
          unit: "µs",
          bars: rows.map((row) => barOf(row.case, row.taikuUs)),
        },
      ],
      params: { smoke: context.smoke, processes },
      data: result,
    };
  },
};
