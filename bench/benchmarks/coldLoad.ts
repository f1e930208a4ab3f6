/**
 * cold-load: a session KV document with a long history (10,000 and 100,000
 * updates over 100 keys), written through each system's own relay and
 * persistence; then the server is stopped and restarted, and a new client
 * connects. Measures the time until that client holds the full state, and
 * whether its first sync reply already did; server RSS after the load; and
 * bytes on disk against the size of the encoded state.
 */
import { barOf, errorMessage, fmt, fmtSpread, ratio, type BenchContext, type BenchResult, type Benchmark, type Bar } from "../harness/benchResult";
import { connectContendClients } from "../harness/contendTrial";
import { withDeployment, type Deployment } from "../harness/deployment";
import { dirSize } from "../harness/dirSize";
import { writeHistory } from "../harness/kvWorkload";
import { connectReplica } from "../harness/replicaClient";
import { spread, waitFor, type Spread } from "../harness/stats";
import { PERSISTENT_SYSTEMS, type SystemName } from "../harness/systemProcess";
import * as Y from "yjs";

const WRITERS = 10;
const KEYS_PER_WRITER = 10;

interface Load {
  /** Connect until the client held the full state, ms. */
  readonly loadMs: number;
  /** Process spawn until it listened, ms. */
  readonly startMs: number;
  /** The first sync reply already carried the full state. */
  readonly firstReplyComplete: boolean;
  readonly rssMiB: number;
}

interface SizeOutcome {
  readonly updates: number;
  readonly written: boolean;
  readonly diskBytes: number;
  readonly stateBytes: number;
  readonly loads: Load[];
  readonly errors: string[];
}

async function loadOnce(deployment: Deployment, expected: string): Promise<Load> {
  await deployment.system.stop();
  const system = await deployment.restart();
  const started = performance.now();
  const client = connectReplica(deployment.target(0));
  try {
    if (!(await waitFor(() => client.provider.synced, 120_000))) throw new Error("new client did not sync within 120 s");
    const firstReplyComplete = client.canonical() === expected;
    if (!(await waitFor(() => client.canonical() === expected, 120_000))) throw new Error("new client never got the full state");
    const loadMs = performance.now() - started;
    return { loadMs, startMs: system.startMs, firstReplyComplete, rssMiB: system.memoryKb().rss / 1024 };
  } finally {
    client.destroy();
  }
}

/** Writes the history on each system, then restarts each `loads` times, interleaved. */
async function runSize(updates: number, loads: number, context: BenchContext): Promise<Map<SystemName, SizeOutcome>> {
  const outcomes = new Map<SystemName, SizeOutcome>();
  const deployments: Array<Promise<void>> = [];
  const ready = new Map<SystemName, { deployment: Deployment; expected: string }>();
  let release: () => void = () => undefined;
  const finished = new Promise<void>((resolve) => {
    release = resolve;
  });
  const prepared: Array<Promise<void>> = [];
  for (const system of PERSISTENT_SYSTEMS) {
    const outcome: SizeOutcome = { updates, written: false, diskBytes: Number.NaN, stateBytes: Number.NaN, loads: [], errors: [] };
    outcomes.set(system, outcome);
    let markPrepared: () => void = () => undefined;
    prepared.push(new Promise<void>((resolve) => (markPrepared = resolve)));
    // Each deployment stays up (in its own temp dir) until every load ran; history is written one system at a time.
    const previous = prepared.length > 1 ? prepared[prepared.length - 2] : Promise.resolve();
    deployments.push(
      withDeployment(system, 1, async (deployment) => {
        await previous;
        try {
          context.log(`cold-load: writing ${updates} updates on ${system}`);
          const clients = await connectContendClients(deployment, WRITERS, KEYS_PER_WRITER);
          try {
            const done = await writeHistory(clients.pool, clients.observer, updates, 100, 600_000);
            if (!done) throw new Error("history was not fully acknowledged in time");
            const expected = clients.replicas[0]?.canonical() ?? "";
            const stateBytes = Y.encodeStateAsUpdate(clients.replicas[0]?.doc ?? new Y.Doc()).byteLength;
            ready.set(system, { deployment, expected });
            Object.assign(outcome, { written: true, stateBytes });
          } finally {
            clients.close();
          }
          await deployment.system.stop();
          Object.assign(outcome, { diskBytes: dirSize(deployment.dataDir) });
          await deployment.restart();
        } catch (error) {
          outcome.errors.push(errorMessage(error));
        }
        markPrepared();
        await finished;
      }).catch((error: unknown) => {
        outcome.errors.push(errorMessage(error));
        markPrepared();
      }),
    );
  }
  await Promise.all(prepared);
  for (let round = 0; round < loads; round++) {
    for (const system of PERSISTENT_SYSTEMS) {
      const entry = ready.get(system);
      const outcome = outcomes.get(system);
      if (entry === undefined || outcome === undefined) continue;
      try {
        outcome.loads.push(await loadOnce(entry.deployment, entry.expected));
      } catch (error) {
        outcome.errors.push(errorMessage(error));
      }
    }
  }
  release();
  await Promise.all(deployments);
  return outcomes;
}

async function run(context: BenchContext): Promise<BenchResult> {
  const sizes = context.smoke ? [500] : [10_000, 100_000];
  const loads = context.smoke ? 1 : 3;
  const rows: string[][] = [];
  const headlines: string[] = [];
  const notes: string[] = [];
  const loadBars: Bar[] = [];
  const data: Record<string, unknown> = {};
  let ok = true;
  for (const updates of sizes) {
    const outcomes = await runSize(updates, loads, context);
    data[String(updates)] = Object.fromEntries(outcomes);
    const loadSpread = new Map<SystemName, Spread>();
    for (const system of PERSISTENT_SYSTEMS) {
      const outcome = outcomes.get(system);
      if (outcome === undefined) continue;
      if (outcome.errors.length > 0) {
        if (system === "taiku") ok = false;
        notes.push(`${system}, ${updates} updates: ${outcome.errors.join("; ")}`);
      }
      const load = spread(outcome.loads.map((l) => l.loadMs));
      loadSpread.set(system, load);
      loadBars.push(barOf(`${system} ${updates}`, load));
      const complete = outcome.loads.filter((l) => l.firstReplyComplete).length;
      if (system === "taiku" && complete < outcome.loads.length) ok = false;
      rows.push([
        system,
        updates.toLocaleString("en-US"),
        fmtSpread(load, 0),
        fmtSpread(spread(outcome.loads.map((l) => l.startMs)), 0),
        `${complete}/${outcome.loads.length}`,
        fmtSpread(spread(outcome.loads.map((l) => l.rssMiB))),
        fmt(outcome.diskBytes / 1024, 1),
        fmt(outcome.stateBytes / 1024, 1),
        ratio(outcome.diskBytes, outcome.stateBytes),
      ]);
    }
    const taiku = loadSpread.get("taiku");
    const baseline = loadSpread.get("baseline");
    if (taiku !== undefined && baseline !== undefined) {
      headlines.push(`${updates.toLocaleString("en-US")} updates: cold load taiku/baseline ${ratio(taiku.median, baseline.median)} (${fmt(taiku.median, 0)} vs ${fmt(baseline.median, 0)} ms; baseline/taiku ${ratio(baseline.median, taiku.median)}).`);
    }
  }
  return {
    name: "cold-load",
    title: "Loading a long history after a restart",
    what: `${WRITERS} writers write the history over ${WRITERS * KEYS_PER_WRITER} keys through the running system (its own persistence); the system is stopped with SIGTERM and restarted on the same data dir, and a new client connects. Load time runs from that connect until the client holds the full state; the process start (spawn until listening, which includes the TypeScript loader for taiku) is shown apart.`,
    ok,
    headlines,
    notes,
    tables: [{ title: "Cold load", columns: ["system", "history updates", "connect → full state ms", "process start ms", "first sync reply complete", "RSS after load MiB", "disk KiB", "encoded state KiB", "disk / state"], rows }],
    charts: [{ title: "Connect → full state after a restart (lower is better)", unit: "ms", bars: loadBars }],
    params: { sizes, loads, writers: WRITERS, keysPerWriter: KEYS_PER_WRITER },
    data,
  };
}

/** The cold-load benchmark. */
export const coldLoad: Benchmark = { name: "cold-load", run };
