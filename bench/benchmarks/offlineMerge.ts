/**
 * offline-merge: a client makes 2,000 writes while disconnected (200 keys,
 * each its own transaction) while another client keeps writing online; then
 * the first reconnects. Measures the time until both replicas are equal and
 * hold every last value either of them wrote, the server CPU the merge took,
 * and counts lost writes (a final value of one client missing from the
 * other). The floor keeps no state to merge against and is not run.
 */
import { barOf, fmt, fmtSpread, ratio, type BenchContext, type BenchResult, type Benchmark, type Bar } from "../harness/benchResult";
import { withDeployment } from "../harness/deployment";
import { failures, interleave, successes } from "../harness/interleave";
import { connectReplica, type ReplicaClient } from "../harness/replicaClient";
import { sleep, spread, waitFor } from "../harness/stats";
import { PERSISTENT_SYSTEMS } from "../harness/systemProcess";

const OFFLINE_KEYS = 200;
const ONLINE_KEYS = 20;

interface Trial {
  readonly convergeMs: number;
  readonly serverCpuMs: number;
  readonly lost: number;
}

/** Final values the writer put, as JSON, by key. */
function finalValues(client: ReplicaClient, prefix: string): Map<string, string> {
  const values = new Map<string, string>();
  for (const [key, value] of client.kv.entries()) if (key.startsWith(prefix)) values.set(key, JSON.stringify(value));
  return values;
}

function missingIn(client: ReplicaClient, expected: Map<string, string>): number {
  let missing = 0;
  for (const [key, value] of expected) if (JSON.stringify(client.kv.get(key)) !== value) missing++;
  return missing;
}

async function runTrial(system: (typeof PERSISTENT_SYSTEMS)[number], offlineWrites: number): Promise<Trial> {
  return withDeployment(system, 1, async (deployment) => {
    const target = deployment.target(0);
    const offline = connectReplica(target);
    const online = connectReplica(target);
    try {
      if (!(await waitFor(() => offline.provider.synced && online.provider.synced, 30_000))) throw new Error("clients did not sync");
      offline.provider.disconnect();
      for (let seq = 0; seq < offlineWrites; seq++) {
        offline.kv.set(`a${seq % OFFLINE_KEYS}`, { s: seq, p: "offline-value-padding-xx" });
        if (seq % 10 === 0) online.kv.set(`b${(seq / 10) % ONLINE_KEYS}`, { s: seq, p: "online-value-padding-xxx" });
        if (seq % 100 === 0) await sleep(0);
      }
      const offlineFinal = finalValues(offline, "a");
      const onlineFinal = finalValues(online, "b");
      await sleep(200);
      const cpuBefore = deployment.system.cpuMs();
      const started = performance.now();
      offline.provider.connect();
      const converged = await waitFor(
        () => offline.canonical() === online.canonical() && missingIn(online, offlineFinal) === 0 && missingIn(offline, onlineFinal) === 0,
        60_000,
      );
      const convergeMs = performance.now() - started;
      const serverCpuMs = deployment.system.cpuMs() - cpuBefore;
      const lost = missingIn(online, offlineFinal) + missingIn(offline, onlineFinal);
      if (!converged && lost === 0) throw new Error("replicas did not become equal within 60 s");
      return { convergeMs, serverCpuMs, lost };
    } finally {
      offline.destroy();
      online.destroy();
    }
  });
}

async function run(context: BenchContext): Promise<BenchResult> {
  const offlineWrites = context.smoke ? 200 : 2_000;
  context.log(`offline-merge: ${offlineWrites} offline writes, ${context.repetitions} repetition(s)`);
  const outcomes = await interleave(PERSISTENT_SYSTEMS, context.repetitions, (system) => runTrial(system, offlineWrites), context.log);
  const rows: string[][] = [];
  const notes: string[] = [];
  const bars: Bar[] = [];
  const medians = new Map<string, number>();
  let ok = true;
  for (const system of PERSISTENT_SYSTEMS) {
    const trials = successes(outcomes.get(system));
    const failed = failures(outcomes.get(system));
    const lost = trials.reduce((sum, t) => sum + t.lost, 0);
    if (system === "taiku" && (failed.length > 0 || lost > 0)) ok = false;
    if (failed.length > 0) notes.push(`${system}: ${failed.length} run(s) failed: ${failed[0]}`);
    const converge = spread(trials.map((t) => t.convergeMs));
    medians.set(system, converge.median);
    bars.push(barOf(system, converge));
    rows.push([system, fmtSpread(converge, 0), fmtSpread(spread(trials.map((t) => t.serverCpuMs)), 0), String(lost)]);
  }
  const taiku = medians.get("taiku") ?? Number.NaN;
  const baseline = medians.get("baseline") ?? Number.NaN;
  return {
    name: "offline-merge",
    title: "Merging offline writes on reconnect",
    what: `A stock client disconnects, makes ${offlineWrites} writes over ${OFFLINE_KEYS} keys (one transaction each) while a second client writes online, then reconnects. Time runs from the reconnect until both replicas are equal and hold every final value.`,
    ok,
    headlines: [`${offlineWrites} offline writes: converge taiku/baseline ${ratio(taiku, baseline)} (${fmt(taiku, 0)} vs ${fmt(baseline, 0)} ms).`],
    notes,
    tables: [{ title: "Offline merge", columns: ["system", "reconnect → converged ms", "server CPU ms", "writes lost"], rows }],
    charts: [{ title: "Reconnect until converged (lower is better)", unit: "ms", bars }],
    params: { offlineWrites, offlineKeys: OFFLINE_KEYS, onlineKeys: ONLINE_KEYS, repetitions: context.repetitions },
    data: Object.fromEntries(outcomes),
  };
}

/** The offline-merge benchmark. */
export const offlineMerge: Benchmark = { name: "offline-merge", run };
