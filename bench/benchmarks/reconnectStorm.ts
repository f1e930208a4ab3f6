/**
 * reconnect-storm: 256 clients of one 60 KiB session KV document drop and
 * reconnect at once with empty documents (as after a reload), while a probe
 * writes at 20 Hz into a KV document of another session. Reports the
 * probe's p50/p99 before and during the storm and the time until all 256
 * hold the full state again. The storm clients live in a child process, so
 * only the server's behaviour shows in the probe's latency.
 */
import { fork, type ChildProcess } from "node:child_process";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { barOf, fmt, fmtSpread, ratio, type BenchContext, type BenchResult, type Benchmark, type Bar } from "../harness/benchResult";
import { withDeployment } from "../harness/deployment";
import { failures, interleave, successes } from "../harness/interleave";
import { LatencyObserver, WriterPool } from "../harness/kvWorkload";
import { connectReplica } from "../harness/replicaClient";
import { sleep, spread, summarizeLatency, waitFor, type LatencySummary } from "../harness/stats";
import type { StormCommand, StormReport } from "../harness/stormClients";
import { ALL_SYSTEMS } from "../harness/systemProcess";
import { connectWriter } from "../harness/writerClient";

const KEYS = 120;
const VALUE_PADDING = 490;
const PROBE_HZ = 20;
const STORM_CHILD = path.join(path.dirname(fileURLToPath(import.meta.url)), "..", "harness", "stormClients.ts");

interface Trial {
  readonly before: LatencySummary;
  readonly during: LatencySummary;
  readonly allSyncedMs: number;
  readonly complete: boolean;
}

function nextReport(child: ChildProcess, timeoutMs: number): Promise<StormReport> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error("storm clients did not answer in time")), timeoutMs);
    child.once("message", (report: StormReport) => {
      clearTimeout(timer);
      resolve(report);
    });
    child.once("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`storm clients exited with ${code}`));
    });
  });
}

async function runTrial(system: (typeof ALL_SYSTEMS)[number], clients: number, beforeMs: number): Promise<Trial> {
  return withDeployment(system, 2, async (deployment) => {
    const stormTarget = deployment.target(0);
    const seeder = connectReplica(stormTarget);
    const probeWriter = connectWriter(deployment.target(1));
    const probeReplica = connectReplica(deployment.target(1));
    const child = fork(STORM_CHILD, [], { execArgv: ["--import", "tsx"], stdio: ["ignore", "inherit", "inherit", "ipc"] });
    try {
      if (!(await waitFor(() => seeder.provider.synced && probeWriter.synced() && probeReplica.provider.synced, 30_000))) throw new Error("seeder or probe did not sync");
      seeder.doc.transact(() => {
        for (let key = 0; key < KEYS; key++) seeder.kv.set(`k${key}`, { p: "x".repeat(VALUE_PADDING) });
      });
      // The floor forwards to connected peers only, so its storm clients see no state: they just count sync replies.
      const expectKeys = system === "floor" ? 0 : KEYS;
      const command: StormCommand = { type: "connect", target: stormTarget, count: clients, expectKeys, timeoutMs: 120_000 };
      child.send(command);
      const ready = await nextReport(child, 130_000);
      if (!ready.complete) throw new Error("storm clients did not get the state before the storm");
      const observer = new LatencyObserver(probeReplica.kv);
      const pool = new WriterPool([probeWriter], 4);
      let probing = true;
      const probe = (async () => {
        while (probing) {
          pool.write(0);
          await sleep(1000 / PROBE_HZ);
        }
      })();
      observer.recording = true;
      await sleep(beforeMs);
      const before = observer.latencies;
      observer.latencies = [];
      child.send({ type: "storm" } satisfies StormCommand);
      const stormStart = performance.now();
      const synced = await nextReport(child, 130_000);
      const minimum = stormStart + 1_000 - performance.now();
      if (minimum > 0) await sleep(minimum);
      const during = observer.latencies;
      probing = false;
      await probe;
      return { before: summarizeLatency(before), during: summarizeLatency(during), allSyncedMs: synced.ms, complete: synced.complete };
    } finally {
      child.kill("SIGKILL");
      seeder.destroy();
      probeWriter.close();
      probeReplica.destroy();
    }
  });
}

async function run(context: BenchContext): Promise<BenchResult> {
  const clients = context.smoke ? 16 : 256;
  const beforeMs = context.smoke ? 1_000 : 3_000;
  context.log(`reconnect-storm: ${clients} clients, ${context.repetitions} repetition(s)`);
  const outcomes = await interleave(ALL_SYSTEMS, context.repetitions, (system) => runTrial(system, clients, beforeMs), context.log);
  const rows: string[][] = [];
  const notes: string[] = [];
  const headlines: string[] = [];
  const syncBars: Bar[] = [];
  const p99Bars: Bar[] = [];
  const medians = new Map<string, { sync: number; p99During: number }>();
  let ok = true;
  for (const system of ALL_SYSTEMS) {
    const trials = successes(outcomes.get(system));
    const failed = failures(outcomes.get(system));
    if (failed.length > 0) {
      if (system === "taiku") ok = false;
      notes.push(`${system}: ${failed.length} run(s) failed: ${failed[0]}`);
    }
    const incomplete = trials.filter((trial) => !trial.complete).length;
    if (incomplete > 0) {
      if (system === "taiku") ok = false;
      notes.push(`${system}: in ${incomplete} run(s) not every client got the full state in time`);
    }
    const sync = spread(trials.map((t) => t.allSyncedMs));
    const p99During = spread(trials.map((t) => t.during.p99));
    medians.set(system, { sync: sync.median, p99During: p99During.median });
    syncBars.push(barOf(system, sync));
    p99Bars.push(barOf(`${system} before`, spread(trials.map((t) => t.before.p99))), barOf(`${system} during`, p99During));
    rows.push([
      system,
      fmtSpread(spread(trials.map((t) => t.before.p50))),
      fmtSpread(spread(trials.map((t) => t.before.p99))),
      fmtSpread(spread(trials.map((t) => t.during.p50))),
      fmtSpread(p99During),
      fmtSpread(sync, 0),
    ]);
  }
  const taiku = medians.get("taiku");
  const baseline = medians.get("baseline");
  if (taiku !== undefined && baseline !== undefined) {
    headlines.push(`${clients} clients: all synced taiku/baseline ${ratio(taiku.sync, baseline.sync)} (${fmt(taiku.sync, 0)} vs ${fmt(baseline.sync, 0)} ms); probe p99 during the storm taiku/baseline ${ratio(taiku.p99During, baseline.p99During)} (${fmt(taiku.p99During)} vs ${fmt(baseline.p99During)} ms).`);
  }
  notes.push("The floor holds no state: its clients count as synced on its empty sync reply, so its time is the handshake cost only.");
  return {
    name: "reconnect-storm",
    title: "Reconnect storm next to a live session",
    what: `${clients} stock clients of a ${Math.round((KEYS * (VALUE_PADDING + 12)) / 1024)} KiB session KV document reconnect at once with empty documents; meanwhile a probe writes at ${PROBE_HZ} Hz into another session's KV document and an observer measures its propagation latency, before the storm (${beforeMs / 1000} s) and during it.`,
    ok,
    headlines,
    notes,
    tables: [{ title: `Probe latency and storm recovery (${clients} clients)`, columns: ["system", "probe p50 before ms", "probe p99 before ms", "probe p50 during ms", "probe p99 during ms", "all clients synced ms"], rows }],
    charts: [
      { title: "Time until every client holds the state again (lower is better)", unit: "ms", bars: syncBars },
      { title: "Probe p99 latency before and during the storm (lower is better)", unit: "ms", bars: p99Bars },
    ],
    params: { clients, keys: KEYS, valuePadding: VALUE_PADDING, probeHz: PROBE_HZ, beforeMs, repetitions: context.repetitions },
    data: Object.fromEntries(outcomes),
  };
}

/** The reconnect-storm benchmark. */
export const reconnectStorm: Benchmark = { name: "reconnect-storm", run };
