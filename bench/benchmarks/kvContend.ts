/**
 * kv-contend: 8, 32 and 64 clients writing into one session KV document, at
 * a fixed offered rate and at saturation, on taiku, the baseline,
 * Hocuspocus (the second peer, driven in its own protocol) and the floor,
 * interleaved. Reports accepted updates/s, p50/p99/max propagation
 * latency, server CPU ms per 1,000 updates, server RSS and convergence.
 */
import { barOf, fmt, fmtSpread, ratio, type BarChart, type BenchContext, type BenchResult, type Benchmark, type ResultTable, type Bar } from "../harness/benchResult";
import { connectContendClients, convergenceOf, measurePhase, type ContendClients, type PhaseFigures } from "../harness/contendTrial";
import { withDeployment, type Deployment } from "../harness/deployment";
import { failures, interleave, successes } from "../harness/interleave";
import { offerFixedRate, offerSaturation, writeHistory } from "../harness/kvWorkload";
import { waitUntilQuiet } from "../harness/quiet";
import { percentile, sleep, spread, waitFor, type Spread } from "../harness/stats";
import { CONTEND_SYSTEMS, type SystemName } from "../harness/systemProcess";

const KEYS_PER_WRITER = 4;
const SATURATION_WINDOW = 2;

interface Trial {
  readonly warmUp: WarmUp;
  readonly fixed: PhaseFigures;
  /** Every latency sample of the fixed-rate phase (kept out of the results file). */
  readonly fixedLatenciesMs: readonly number[];
  readonly saturation: PhaseFigures;
  readonly converged: boolean;
  readonly rssMiB: number;
  readonly peakRssMiB: number;
}

interface Sizes {
  readonly clientCounts: readonly number[];
  readonly fixedRate: number;
  readonly phaseMs: number;
  /** Writes made at saturation, unmeasured, before the measured phases (the same count for every system). */
  readonly warmupWrites: number;
  /**
   * The measured phases start this long after the warm-up writes at the
   * earliest (longer only when the server is slower to go quiet).
   */
  readonly minPauseMs: number;
}

/** After the warm-up, the server counts as quiet once it uses less than this share of a core over {@link QUIET_WINDOW_MS}. */
const QUIET_CPU_SHARE = 0.1;
const QUIET_WINDOW_MS = 250;
const QUIET_TIMEOUT_MS = 10_000;
/** The warm-up's writes must be seen within this long. */
const WARMUP_TIMEOUT_MS = 60_000;

/**
 * Warms a fresh server up: `warmupWrites` writes at saturation, unmeasured,
 * then waits until the server is quiet (its compiler threads and write
 * backlog done), and in any case `minPauseMs` after the warm-up writes. A server measured straight after start-up spends its first
 * seconds compiling its hot paths on background threads, which on a small
 * machine take CPU from the very code being measured. The minimum pause
 * keeps the time between warm-up and measurement alike across systems:
 * measured sooner after the warm-up, the same system is slower, and servers
 * take from a fraction of a second to several seconds to go quiet. Every
 * system gets the same warm-up and at least the same pause; each run's
 * pause is recorded. The warm-up is a number of writes, not a time: a
 * faster system would otherwise enter the measured phases with a longer
 * history, in its own document and in every replica of the harness.
 */
async function warmUp(deployment: Deployment, clients: ContendClients, sizes: Sizes): Promise<WarmUp> {
  if (sizes.warmupWrites <= 0) return { drained: true, quiet: true, quietAfterMs: 0, pauseMs: 0 };
  const written = await writeHistory(clients.pool, clients.observer, clients.pool.total() + sizes.warmupWrites, SATURATION_WINDOW, WARMUP_TIMEOUT_MS);
  const started = performance.now();
  const drained = written && (await waitFor(() => clients.pool.allSeenBy(clients.observer), QUIET_TIMEOUT_MS));
  const quiet = drained && (await waitUntilQuiet([deployment.system], { cpuShare: QUIET_CPU_SHARE, windowMs: QUIET_WINDOW_MS, timeoutMs: started + QUIET_TIMEOUT_MS - performance.now() })).quiet;
  const quietAfterMs = performance.now() - started;
  // At least the same pause after the warm-up for every system, however soon its server went quiet.
  if (quietAfterMs < sizes.minPauseMs) await sleep(sizes.minPauseMs - quietAfterMs);
  return { drained, quiet, quietAfterMs, pauseMs: performance.now() - started };
}

/** How a warm-up ended. */
interface WarmUp {
  /** The observer saw every warm-up write. */
  readonly drained: boolean;
  /** The server went quiet before the measured phases (else they started after the timeout). */
  readonly quiet: boolean;
  /** From the end of the warm-up writes until the server was quiet (or the timeout), ms. */
  readonly quietAfterMs: number;
  /** From the end of the warm-up writes until the measured phases started, ms. */
  readonly pauseMs: number;
}

/** Summary per system for one client count. */
interface SystemSummary {
  readonly fixedUps: Spread;
  readonly fixedP50: Spread;
  readonly fixedP99: Spread;
  /** p99 over the fixed-rate samples of every repetition together. */
  readonly fixedP99Pooled: number;
  readonly fixedMax: Spread;
  readonly fixedCpu: Spread;
  readonly satUps: Spread;
  readonly satP99: Spread;
  readonly satCpu: Spread;
  readonly rss: Spread;
  /** Runs that converged and drained both phases. */
  readonly convergedRuns: number;
  /** Runs whose warm-up writes the observer did not all see in time. */
  readonly notDrained: number;
  /** Runs whose server did not go quiet after the warm-up. */
  readonly notQuiet: number;
  /** Runs made, failed ones included. */
  readonly runs: number;
  readonly failed: readonly string[];
}

function summarize(trials: readonly Trial[], failed: readonly string[]): SystemSummary {
  const of = (pick: (trial: Trial) => number): Spread => spread(trials.map(pick));
  return {
    fixedUps: of((t) => t.fixed.updatesPerSecond),
    fixedP50: of((t) => t.fixed.latencyMs.p50),
    fixedP99: of((t) => t.fixed.latencyMs.p99),
    fixedP99Pooled: percentile(
      trials.flatMap((t) => t.fixedLatenciesMs),
      99,
    ),
    fixedMax: of((t) => t.fixed.latencyMs.max),
    fixedCpu: of((t) => t.fixed.cpuMsPer1000),
    satUps: of((t) => t.saturation.updatesPerSecond),
    satP99: of((t) => t.saturation.latencyMs.p99),
    satCpu: of((t) => t.saturation.cpuMsPer1000),
    rss: of((t) => t.rssMiB),
    convergedRuns: trials.filter((t) => t.converged && t.fixed.drained && t.saturation.drained).length,
    notDrained: trials.filter((t) => !t.warmUp.drained).length,
    notQuiet: trials.filter((t) => t.warmUp.drained && !t.warmUp.quiet).length,
    runs: trials.length + failed.length,
    failed,
  };
}

async function runTrial(system: SystemName, clientCount: number, sizes: Sizes): Promise<Trial> {
  return withDeployment(system, 1, async (deployment) => {
    const clients = await connectContendClients(deployment, clientCount, KEYS_PER_WRITER);
    try {
      const warmedUp = await warmUp(deployment, clients, sizes);
      const fixed = await measurePhase(deployment, clients, () => offerFixedRate(clients.pool, sizes.fixedRate, sizes.phaseMs));
      const fixedLatenciesMs = clients.observer.latencies.slice();
      const saturation = await measurePhase(deployment, clients, () => offerSaturation(clients.pool, clients.observer, SATURATION_WINDOW, sizes.phaseMs));
      const convergence = await convergenceOf(clients);
      const memory = deployment.system.memoryKb();
      return { warmUp: warmedUp, fixed, fixedLatenciesMs, saturation, converged: convergence.converged, rssMiB: memory.rss / 1024, peakRssMiB: memory.peak / 1024 };
    } finally {
      clients.close();
    }
  });
}

async function run(context: BenchContext): Promise<BenchResult> {
  const sizes: Sizes = context.smoke
    ? { clientCounts: [8], fixedRate: 200, phaseMs: 1_000, warmupWrites: 500, minPauseMs: 0 }
    : { clientCounts: [8, 32, 64], fixedRate: 200, phaseMs: 5_000, warmupWrites: 20_000, minPauseMs: 6_000 };
  // Smoke runs only check that the benchmark works; real runs need at least three repetitions.
  const repetitions = context.smoke ? 1 : Math.max(3, context.repetitions);
  const tables: ResultTable[] = [];
  const charts: BarChart[] = [];
  const headlines: string[] = [];
  const notes: string[] = [];
  const data: Record<string, Record<string, unknown>> = {};
  const taikuCpuMsPer1000: Record<string, number> = {};
  let ok = true;
  const cpuBars: Bar[] = [];
  const satBars: Bar[] = [];
  /** Each repetition's p99 (bar = median, whisker = min–max); the headline pools the samples instead. */
  const p99Bars: Bar[] = [];
  for (const clientCount of sizes.clientCounts) {
    context.log(`kv-contend: ${clientCount} clients, ${repetitions} repetitions`);
    const outcomes = await interleave(CONTEND_SYSTEMS, repetitions, (system) => runTrial(system, clientCount, sizes), context.log);
    const summaries = new Map<SystemName, SystemSummary>();
    for (const system of CONTEND_SYSTEMS) {
      const summary = summarize(successes(outcomes.get(system)), failures(outcomes.get(system)));
      summaries.set(system, summary);
      if (summary.failed.length > 0) {
        ok = false;
        notes.push(`${system}, ${clientCount} clients: ${summary.failed.length} failed run(s): ${summary.failed[0]}`);
      }
      if (summary.convergedRuns !== summary.runs) {
        ok = false;
        notes.push(`${system}, ${clientCount} clients: converged and drained in only ${summary.convergedRuns}/${summary.runs} runs`);
      }
      if (summary.notDrained > 0) {
        notes.push(`${system}, ${clientCount} clients: in ${summary.notDrained} run(s) the warm-up's writes had not all arrived in time; those were measured anyway`);
      }
      if (summary.notQuiet > 0) {
        notes.push(`${system}, ${clientCount} clients: in ${summary.notQuiet} run(s) the server was still busy ${QUIET_TIMEOUT_MS / 1000} s after the warm-up; those were measured anyway`);
      }
      cpuBars.push(barOf(`${system} ${clientCount}c`, summary.fixedCpu));
      satBars.push(barOf(`${system} ${clientCount}c`, summary.satUps));
      p99Bars.push(barOf(`${system} ${clientCount}c`, summary.fixedP99));
    }
    data[String(clientCount)] = Object.fromEntries(
      [...outcomes].map(([system, trials]) => [system, trials.map((trial) => (trial.ok ? { ok: true, value: { ...trial.value, fixedLatenciesMs: undefined } } : trial))]),
    );
    tables.push({
      title: `${clientCount} clients (fixed rate ${sizes.fixedRate}/s, then saturation with ${SATURATION_WINDOW} unseen writes per client; ${sizes.phaseMs / 1000} s each)`,
      columns: ["system", "updates/s (fixed)", "p50 ms", "p99 ms", "p99 ms, all reps", "max ms", "CPU ms/1k (fixed)", "updates/s (saturation)", "p99 ms (sat.)", "CPU ms/1k (sat.)", "RSS MiB", "converged"],
      rows: CONTEND_SYSTEMS.map((system) => {
        const s = summaries.get(system);
        if (s === undefined) return [system];
        return [system, fmtSpread(s.fixedUps, 0), fmtSpread(s.fixedP50), fmtSpread(s.fixedP99), fmt(s.fixedP99Pooled), fmtSpread(s.fixedMax), fmtSpread(s.fixedCpu), fmtSpread(s.satUps, 0), fmtSpread(s.satP99), fmtSpread(s.satCpu), fmtSpread(s.rss), `${s.convergedRuns}/${s.runs}`];
      }),
    });
    const taiku = summaries.get("taiku");
    const baseline = summaries.get("baseline");
    if (taiku !== undefined) taikuCpuMsPer1000[String(clientCount)] = taiku.fixedCpu.median;
    const floor = summaries.get("floor");
    if (taiku !== undefined && baseline !== undefined && floor !== undefined) {
      headlines.push(
        `${clientCount} clients: server CPU per update taiku/baseline ${ratio(taiku.fixedCpu.median, baseline.fixedCpu.median)} at ${sizes.fixedRate}/s and ${ratio(taiku.satCpu.median, baseline.satCpu.median)} at saturation; taiku/floor ${ratio(taiku.fixedCpu.median, floor.fixedCpu.median)}; p99 taiku/baseline at equal load ${ratio(taiku.fixedP99Pooled, baseline.fixedP99Pooled)} (${fmt(taiku.fixedP99Pooled)} vs ${fmt(baseline.fixedP99Pooled)} ms over all repetitions' samples; median of the repetitions' p99 ${fmt(taiku.fixedP99.median)} vs ${fmt(baseline.fixedP99.median)} ms); saturation throughput taiku/baseline ${ratio(taiku.satUps.median, baseline.satUps.median)}.`,
      );
    }
    const hocuspocus = summaries.get("hocuspocus");
    if (taiku !== undefined && hocuspocus !== undefined) {
      headlines.push(
        `${clientCount} clients: server CPU per update taiku/hocuspocus ${ratio(taiku.fixedCpu.median, hocuspocus.fixedCpu.median)} at ${sizes.fixedRate}/s and ${ratio(taiku.satCpu.median, hocuspocus.satCpu.median)} at saturation; p99 taiku/hocuspocus at equal load ${ratio(taiku.fixedP99Pooled, hocuspocus.fixedP99Pooled)} (${fmt(taiku.fixedP99Pooled)} vs ${fmt(hocuspocus.fixedP99Pooled)} ms over all repetitions' samples); saturation throughput taiku/hocuspocus ${ratio(taiku.satUps.median, hocuspocus.satUps.median)}.`,
      );
    }
  }
  charts.push({ title: "Server CPU per 1,000 updates at the fixed rate (lower is better)", unit: "ms", bars: cpuBars });
  charts.push({ title: "p99 propagation latency at the fixed rate, per repetition (lower is better)", unit: "ms", bars: p99Bars });
  charts.push({ title: "Accepted updates/s at saturation (higher is better)", unit: "updates/s", bars: satBars });
  notes.push("At saturation the client harness (one Node process on the same machine) may be the bottleneck; CPU per update is the figure that holds.");
  return {
    name: "kv-contend",
    title: "Contended writes into one session KV",
    what: `Hocuspocus is driven in its own protocol (its provider for the replicas, writers framing its messages), the others by the stock y-websocket client and raw y-websocket writers. Writers put ~50-byte JSON values under ${KEYS_PER_WRITER} keys each of one session KV document; an observer replica timestamps every arrival on the writers' clock. Each system runs in a fresh process and data dir per repetition, interleaved, and is first warmed up: ${sizes.warmupWrites.toLocaleString("en-US")} writes at saturation, unmeasured (the same count for every system, so all enter the measured phases with the same history), then a wait until the server is quiet and at least ${sizes.minPauseMs / 1000} s have passed, so that every system is measured in its steady state rather than while compiling its hot paths, with the harness equally settled for all. Server CPU is read from /proc for the measured phases only. The headline p99 is taken over the fixed-rate samples of all repetitions together (a p99 of one 5-second phase rests on its ten slowest samples); the table also gives each repetition's.`,
    ok,
    headlines,
    notes,
    tables,
    charts,
    params: { ...sizes, taikuCpuMsPer1000, repetitions, keysPerWriter: KEYS_PER_WRITER, saturationWindow: SATURATION_WINDOW },
    data,
  };
}

/** The kv-contend benchmark. */
export const kvContend: Benchmark = { name: "kv-contend", run };
