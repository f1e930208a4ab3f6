/**
 * durability: kill -9 the server at random points while 8 clients write into
 * one session KV, restart it on the same data dir, and count updates that
 * some peer had received from the relay but that are missing after the
 * restart. Writers' updates form one causal chain per writer, so the loss
 * is, per writer, the highest sequence number any replica had seen minus the
 * highest one a fresh client finds after the restart. Clients are destroyed
 * before the restart, so nothing is re-sent from their copies.
 */
import { fmt, type BenchContext, type BenchResult, type Benchmark } from "../harness/benchResult";
import { connectContendClients } from "../harness/contendTrial";
import { withDeployment } from "../harness/deployment";
import { failures, interleave, successes } from "../harness/interleave";
import { offerFixedRate } from "../harness/kvWorkload";
import { connectReplica } from "../harness/replicaClient";
import { lossAgainst, mergeMax, sequencesIn } from "../harness/sequences";
import { sleep, spread, waitFor } from "../harness/stats";
import { PERSISTENT_SYSTEMS } from "../harness/systemProcess";

const WRITERS = 8;
const KEYS_PER_WRITER = 4;
const RATE = 400;

interface KillPoint {
  readonly killAfterMs: number;
  /** Updates some replica had received from the relay before the kill. */
  readonly seen: number;
  /** Of those, missing after the restart. */
  readonly lost: number;
  /** Keys whose value after the restart is older than what a peer had seen. */
  readonly keysBehind: number;
  /** Restart until the fresh client's state stopped changing, ms. */
  readonly recoverMs: number;
}

async function runKillPoint(system: (typeof PERSISTENT_SYSTEMS)[number], killAfterMs: number): Promise<KillPoint> {
  return withDeployment(system, 1, async (deployment) => {
    const clients = await connectContendClients(deployment, WRITERS, KEYS_PER_WRITER);
    const seenByWriter = new Map<number, number>();
    const seenByKey = new Map<string, number>();
    try {
      let killed = false;
      const writing = offerFixedRate(clients.pool, RATE, killAfterMs + 10_000, () => killed);
      await sleep(killAfterMs);
      await deployment.system.kill9();
      killed = true;
      await writing;
      // Frames the server wrote before it died may still be in the client's socket buffers.
      await sleep(200);
      for (const replica of clients.replicas) {
        const found = sequencesIn(replica.kv);
        mergeMax(seenByWriter, found.byWriter);
        mergeMax(seenByKey, found.byKey);
      }
    } finally {
      clients.close();
    }
    const restarted = performance.now();
    await deployment.restart();
    const fresh = connectReplica(deployment.target(0));
    try {
      if (!(await waitFor(() => fresh.provider.synced, 30_000))) throw new Error("fresh client did not sync after the restart");
      // A relay may answer before it loaded the document; give the state time to arrive.
      let last = fresh.canonical();
      let stableSince = performance.now();
      await waitFor(() => {
        const current = fresh.canonical();
        if (current !== last) {
          last = current;
          stableSince = performance.now();
        }
        return performance.now() - stableSince > 500;
      }, 10_000);
      const recoverMs = stableSince - restarted;
      const { seen, lost, keysBehind } = lossAgainst({ byWriter: seenByWriter, byKey: seenByKey }, sequencesIn(fresh.kv));
      return { killAfterMs, seen, lost, keysBehind, recoverMs };
    } finally {
      fresh.destroy();
    }
  });
}

async function run(context: BenchContext): Promise<BenchResult> {
  const killPoints = context.smoke ? 2 : 20;
  const maxDelayMs = context.smoke ? 1_000 : 3_000;
  const delays = Array.from({ length: killPoints }, () => 300 + Math.round(Math.random() * (maxDelayMs - 300)));
  context.log(`durability: ${killPoints} kill points per system`);
  const outcomes = await interleave(PERSISTENT_SYSTEMS, killPoints, (system, index) => runKillPoint(system, delays[index] ?? 500), context.log);
  const rows: string[][] = [];
  const headlines: string[] = [];
  const notes: string[] = [];
  let ok = true;
  const totals = new Map<string, { lost: number; seen: number; withLoss: number; points: number }>();
  for (const system of PERSISTENT_SYSTEMS) {
    const points = successes(outcomes.get(system));
    const failed = failures(outcomes.get(system));
    const lost = points.reduce((sum, point) => sum + point.lost, 0);
    const seen = points.reduce((sum, point) => sum + point.seen, 0);
    const withLoss = points.filter((point) => point.lost > 0).length;
    totals.set(system, { lost, seen, withLoss, points: points.length });
    if (failed.length > 0) {
      if (system === "taiku") ok = false;
      notes.push(`${system}: ${failed.length} kill point(s) failed to run: ${failed[0]}`);
    }
    if (system === "taiku" && lost > 0) ok = false;
    rows.push([
      system,
      String(points.length),
      fmt(spread(points.map((point) => point.seen)).median, 0),
      String(lost),
      `${withLoss}/${points.length}`,
      String(points.reduce((sum, point) => sum + point.keysBehind, 0)),
      fmt(spread(points.map((point) => point.recoverMs)).median, 0),
    ]);
  }
  for (const [system, total] of totals) {
    headlines.push(`${system}: ${total.lost} of ${total.seen} updates seen by a peer were lost after kill -9 (${total.withLoss} of ${total.points} kill points lost something).`);
  }
  return {
    name: "durability",
    title: "kill -9 during contended writes",
    what: `${WRITERS} writers at ${RATE} updates/s in total into one session KV; the server is killed with SIGKILL after a random 0.3–${maxDelayMs / 1000} s, restarted on the same data dir, and a fresh client compares what it finds with what any replica had received before the kill. The floor keeps nothing and is not run.`,
    ok,
    headlines,
    notes,
    tables: [{ title: "Updates lost after kill -9 and restart", columns: ["system", "kill points", "updates seen per point (median)", "updates lost (total)", "points with loss", "keys behind (total)", "restart to stable state ms (median)"], rows }],
    charts: [
      {
        title: "Updates seen by a peer and lost after kill -9 (total over all kill points)",
        unit: "updates",
        bars: PERSISTENT_SYSTEMS.map((system) => ({ label: system, value: totals.get(system)?.lost ?? Number.NaN })),
      },
    ],
    params: { killPoints, writers: WRITERS, keysPerWriter: KEYS_PER_WRITER, rate: RATE, delays },
    data: Object.fromEntries(outcomes),
  };
}

/** The durability benchmark. */
export const durability: Benchmark = { name: "durability", run };
