/**
 * The one entry point of the benchmarks: `npm run bench` runs every
 * benchmark at real size, `npm run bench -- <name> …` the named ones, and
 * `--smoke` (or `TAIKU_BENCH_SMOKE=1`) tiny sizes for CI, and
 * `--repetitions=N` more repetitions than the default (and least) 3 for
 * the benchmarks that interleave repetitions (ignored with `--smoke`). Each result goes to
 * `bench/results/<name>.json` with its SVG charts, and the report to
 * `bench/results/report.md` (results of benchmarks not run this time are
 * kept from the previous run). Exits non-zero when a benchmark failed or one
 * of taiku's checks did not hold. A watchdog ends the run, and every system
 * process it started, if it overruns its time budget.
 */
import path from "node:path";
import { fileURLToPath } from "node:url";
import { writeFileSync } from "node:fs";
import { bridge } from "./benchmarks/bridge";
import { coldLoad } from "./benchmarks/coldLoad";
import { coldOpen } from "./benchmarks/coldOpen";
import { durability } from "./benchmarks/durability";
import { engine } from "./benchmarks/engine";
import { idleMemory } from "./benchmarks/idleMemory";
import { kvContend } from "./benchmarks/kvContend";
import { offlineMerge } from "./benchmarks/offlineMerge";
import { quota } from "./benchmarks/quota";
import { reconnectStorm } from "./benchmarks/reconnectStorm";
import { retention } from "./benchmarks/retention";
import { errorMessage, type BenchResult, type Benchmark } from "./harness/benchResult";
import { readEarlierResult, renderReport, writeResult } from "./harness/report";
import { stopAllSystems } from "./harness/systemProcess";

const BENCHMARKS: readonly Benchmark[] = [engine, kvContend, quota, durability, coldLoad, coldOpen, reconnectStorm, idleMemory, offlineMerge, bridge, retention];
const RESULTS_DIR = path.join(path.dirname(fileURLToPath(import.meta.url)), "results");
const SMOKE_BUDGET_MS = 10 * 60_000;
const FULL_BUDGET_MS = 90 * 60_000;

function failedResult(benchmark: Benchmark, error: unknown): BenchResult {
  return {
    name: benchmark.name,
    title: "did not complete",
    what: "The benchmark threw before it produced a result.",
    ok: false,
    headlines: [],
    notes: [errorMessage(error)],
    tables: [],
    charts: [],
    params: {},
    data: { error: errorMessage(error), stack: error instanceof Error ? error.stack : undefined },
  };
}

async function main(): Promise<number> {
  // Every stock provider registers a process exit handler; benchmarks open many.
  process.setMaxListeners(0);
  const args = process.argv.slice(2);
  const smoke = args.includes("--smoke") || process.env.TAIKU_BENCH_SMOKE === "1";
  const repetitionsArg = args.find((arg) => arg.startsWith("--repetitions="));
  const repetitions = repetitionsArg === undefined ? 3 : Number(repetitionsArg.slice("--repetitions=".length));
  // Three is the fewest that gives a median and a spread.
  if (!Number.isInteger(repetitions) || repetitions < 3 || repetitions > 50) {
    process.stderr.write(`--repetitions takes a whole number from 3 to 50, not ${JSON.stringify(repetitionsArg?.slice("--repetitions=".length))}\n`);
    return 2;
  }
  const unknownFlags = args.filter((arg) => arg.startsWith("--") && arg !== "--smoke" && arg !== repetitionsArg);
  if (unknownFlags.length > 0) {
    process.stderr.write(`unknown option(s): ${unknownFlags.join(", ")}; known: --smoke, --repetitions=N\n`);
    return 2;
  }
  const names = args.filter((arg) => !arg.startsWith("--"));
  const unknown = names.filter((name) => !BENCHMARKS.some((benchmark) => benchmark.name === name));
  if (unknown.length > 0) {
    process.stderr.write(`unknown benchmark(s): ${unknown.join(", ")}; known: ${BENCHMARKS.map((b) => b.name).join(", ")}\n`);
    return 2;
  }
  const selected = names.length === 0 ? BENCHMARKS : BENCHMARKS.filter((benchmark) => names.includes(benchmark.name));
  const budget = smoke ? SMOKE_BUDGET_MS : FULL_BUDGET_MS;
  const watchdog = setTimeout(() => {
    process.stderr.write(`bench: over the ${budget / 60_000} min budget, stopping\n`);
    stopAllSystems();
    process.exit(3);
  }, budget);
  watchdog.unref();
  const started = performance.now();
  const log = (message: string): void => {
    process.stdout.write(`[${((performance.now() - started) / 1000).toFixed(1)}s] ${message}\n`);
  };
  const context = { smoke, repetitions: smoke ? 1 : repetitions, log };
  let allOk = true;
  const fresh = new Map<string, BenchResult>();
  for (const benchmark of selected) {
    log(`${benchmark.name}: start${smoke ? " (smoke)" : ""}`);
    let result: BenchResult;
    try {
      result = await benchmark.run(context);
    } catch (error) {
      result = failedResult(benchmark, error);
    }
    stopAllSystems();
    allOk &&= result.ok;
    fresh.set(benchmark.name, result);
    writeResult(RESULTS_DIR, result);
    log(`${benchmark.name}: ${result.ok ? "ok" : "CHECK FAILED"}`);
    for (const line of [...result.headlines, ...result.notes]) log(`  ${line}`);
  }
  const all = BENCHMARKS.flatMap((benchmark) => {
    const result = fresh.get(benchmark.name) ?? readEarlierResult(RESULTS_DIR, benchmark.name, log);
    return result === undefined ? [] : [result];
  });
  writeFileSync(path.join(RESULTS_DIR, "report.md"), renderReport(all, smoke));
  log(`report: ${path.relative(process.cwd(), path.join(RESULTS_DIR, "report.md"))}`);
  return allOk ? 0 : 1;
}

main().then(
  (code) => {
    stopAllSystems();
    process.exit(code);
  },
  (error: unknown) => {
    stopAllSystems();
    process.stderr.write(`bench: ${errorMessage(error)}\n`);
    process.exit(1);
  },
);
