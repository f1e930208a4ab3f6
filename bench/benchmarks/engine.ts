/**
 * engine: the cost of quota accounting on a session KV `set`, and of the
 * arbiter on an incoming update, in process (see `bench/engine/`).
 */
import { runEngineBench } from "../engine/engineBench";
import { barOf, fmt, type BenchContext, type BenchResult, type Benchmark } from "../harness/benchResult";

export const engine: Benchmark = {
  name: "engine",
  async run(context: BenchContext): Promise<BenchResult> {
    context.log("engine: set and apply, plain vs quota-checked, interleaved");
    const rows = runEngineBench({ smoke: context.smoke });
    const range = (r: { median: number; min: number; max: number }): string => `${fmt(r.median, 2)} (${fmt(r.min, 2)}–${fmt(r.max, 2)})`;
    const pct = (n: number): string => `${n >= 0 ? "+" : ""}${n.toFixed(1)}%`;
    return {
      name: "engine",
      title: "Quota accounting on a set, the arbiter on an update",
      what: "µs per operation, plain Yjs vs taiku's quota-checked path, in chunks of 50 sets alternating A-B-B-A over 2,000 rounds; the overhead is the median of the per-round ratios, with its interquartile range. The synced row attaches an `update` listener, as every replica connected to the relay has.",
      ok: rows.every((row) => Number.isFinite(row.overheadPct)),
      headlines: rows.map((row) => `${row.case}: ${fmt(row.plainUs.median, 2)} → ${fmt(row.taikuUs.median, 2)} µs (${pct(row.overheadPct)})`),
      notes: [],
      tables: [
        {
          title: "µs per operation",
          columns: ["case", "plain µs", "taiku µs", "overhead"],
          rows: rows.map((row) => [row.case, range(row.plainUs), range(row.taikuUs), pct(row.overheadPct)]),
        },
      ],
      charts: [
        {
          title: "µs per operation, taiku (lower is better)",
          unit: "µs",
          bars: rows.map((row) => barOf(row.case, row.taikuUs)),
        },
      ],
      params: { smoke: context.smoke },
      data: rows,
    };
  },
};
