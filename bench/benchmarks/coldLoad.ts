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
import { withDeployments, type Deployment } from "../harness/deployment";
import { dirSize } from "../harness/dirSize";
import { writeHistory } from "../harness/kvWorkload";
import { waitUntilQuiet } from "../harness/quiet";
import { connectReplica } from "../harness/replicaClient";
import { spread, waitFor, type Spread } from "../harness/stats";
import { PERSISTENT_SYSTEMS, type SystemName } from "../harness/systemProcess";
import { MESSAGE_SYNC } from "@taiku/engine";
import * as Y from "yjs";

const WRITERS = 10;
const STOP_AFTER_HISTORY_MS = 180_000;
const KEYS_PER_WRITER = 10;

interface Load {
  /** Connect until the client held the full state, ms. */
  readonly loadMs: number;
  /** Connect until the client held the full state, less the time it spent applying what arrived, ms. */
  readonly deliveredMs: number;
  /** Process spawn until it listened, ms. */
  readonly startMs: number;
  /** The first sync reply already carried the full state. */
  readonly firstReplyComplete: boolean;
  /** Every server was quiet when the client connected (else the wait for that timed out). */
  readonly quiet: boolean;
  /** How long the wait for quiet took after the restart, ms (not part of the load time). */
  readonly quietWaitMs: number;
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

async function loadOnce(deployment: Deployment, expected: string, others: readonly Deployment[]): Promise<Load> {
  await deployment.system.stop();
  const system = await deployment.restart();
  // The other system may still be busy after its own load (compacting its database); neither load should pay for that.
  const { quiet, waitedMs: quietWaitMs } = await waitUntilQuiet([deployment, ...others].map((each) => each.system));
  const started = performance.now();
  const client = connectReplica(deployment.target(0), { connect: false });
  let loadMs = Number.NaN;
  /** Time the client spent in its sync handler (applying what arrived) until it held the full state. */
  let applyMs = 0;
  const handlers = client.provider.messageHandlers;
  const applySync = handlers[MESSAGE_SYNC];
  if (applySync === undefined) throw new Error("the provider has no sync message handler");
  // Taken in the client's own handler, not by polling (a poll would add up to its period to every load). A
  // system may send the state in several frames: the apply time is every frame's, up to the one that completed it.
  handlers[MESSAGE_SYNC] = (...args) => {
    const arrived = performance.now();
    applySync(...args);
    const applied = performance.now();
    if (!Number.isNaN(loadMs)) return;
    applyMs += applied - arrived;
    if (client.canonical() === expected) loadMs = applied - started;
  };
  client.provider.connect();
  try {
    if (!(await waitFor(() => client.provider.synced, 120_000))) throw new Error("new client did not sync within 120 s");
    const firstReplyComplete = client.canonical() === expected;
    if (!(await waitFor(() => !Number.isNaN(loadMs), 120_000))) throw new Error("new client never got the full state");
    return { loadMs, deliveredMs: loadMs - applyMs, startMs: system.startMs, firstReplyComplete, quiet, quietWaitMs, rssMiB: system.memoryKb().rss / 1024 };
  } finally {
    client.destroy();
  }
}

/** Writes `updates` updates through `deployment`, stops it to measure the disk, restarts it; returns the expected state. */
async function writeAndRestart(deployment: Deployment, updates: number, outcome: SizeOutcome, context: BenchContext): Promise<string> {
  context.log(`cold-load: writing ${updates} updates on ${deployment.name}`);
  const clients = await connectContendClients(deployment, WRITERS, KEYS_PER_WRITER);
  let expected: string;
  try {
    if (!(await writeHistory(clients.pool, clients.observer, updates, 100, 600_000))) throw new Error("history was not fully acknowledged in time");
    const replica = clients.replicas[0];
    if (replica === undefined) throw new Error("no replica to read the expected state from");
    expected = replica.canonical();
    Object.assign(outcome, { written: true, stateBytes: Y.encodeStateAsUpdate(replica.doc).byteLength });
  } finally {
    clients.close();
  }
  // A system that persists behind its broadcasts may still be writing the history: give it time to finish.
  await deployment.system.stop(STOP_AFTER_HISTORY_MS);
  Object.assign(outcome, { diskBytes: dirSize(deployment.dataDir) });
  await deployment.restart();
  return expected;
}

/** Writes the history on each system (one at a time), then restarts each `loads` times, interleaved. */
async function runSize(updates: number, loads: number, context: BenchContext): Promise<Map<SystemName, SizeOutcome>> {
  const outcomes = new Map<SystemName, SizeOutcome>(
    PERSISTENT_SYSTEMS.map((system) => [system, { updates, written: false, diskBytes: Number.NaN, stateBytes: Number.NaN, loads: [], errors: [] }]),
  );
  const outcomeOf = (system: SystemName): SizeOutcome => outcomes.get(system) ?? unexpectedSystem(system);
  try {
    await withDeployments(PERSISTENT_SYSTEMS, 1, async (deployments) => {
      const expected = new Map<SystemName, string>();
      for (const [system, deployment] of deployments) {
        try {
          expected.set(system, await writeAndRestart(deployment, updates, outcomeOf(system), context));
        } catch (error) {
          outcomeOf(system).errors.push(errorMessage(error));
        }
      }
      for (let round = 0; round < loads; round++) {
        for (const [system, state] of expected) {
          const deployment = deployments.get(system);
          if (deployment === undefined) continue;
          try {
            outcomeOf(system).loads.push(await loadOnce(deployment, state, [...deployments.values()].filter((other) => other !== deployment)));
          } catch (error) {
            outcomeOf(system).errors.push(errorMessage(error));
          }
        }
      }
    });
  } catch (error) {
    for (const outcome of outcomes.values()) outcome.errors.push(errorMessage(error));
  }
  return outcomes;
}

function unexpectedSystem(system: SystemName): never {
  throw new Error(`no outcome for ${system}`);
}

async function run(context: BenchContext): Promise<BenchResult> {
  const sizes = context.smoke ? [500] : [10_000, 100_000];
  const loads = context.smoke ? 1 : 7;
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
    const deliveredSpread = new Map<SystemName, Spread>();
    /** The client's own part of each load: from the frame's arrival until it was applied. */
    const applySpread = new Map<SystemName, Spread>();
    for (const system of PERSISTENT_SYSTEMS) {
      const outcome = outcomes.get(system);
      if (outcome === undefined) continue;
      if (outcome.errors.length > 0) {
        if (system === "taiku") ok = false;
        notes.push(`${system}, ${updates} updates: ${outcome.errors.join("; ")}`);
      }
      const load = spread(outcome.loads.map((l) => l.loadMs));
      loadSpread.set(system, load);
      const delivered = spread(outcome.loads.map((l) => l.deliveredMs));
      deliveredSpread.set(system, delivered);
      const applied = spread(outcome.loads.map((l) => l.loadMs - l.deliveredMs));
      applySpread.set(system, applied);
      loadBars.push(barOf(`${system} ${updates}`, load));
      const complete = outcome.loads.filter((l) => l.firstReplyComplete).length;
      const busy = outcome.loads.filter((l) => !l.quiet).length;
      if (busy > 0) notes.push(`${system}, ${updates} updates: in ${busy} load(s) a server was still busy when the client connected; those were measured anyway`);
      if (system === "taiku" && complete < outcome.loads.length) ok = false;
      rows.push([
        system,
        updates.toLocaleString("en-US"),
        fmtSpread(load, 0),
        fmtSpread(delivered, 0),
        fmtSpread(applied, 0),
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
    const taikuDelivered = deliveredSpread.get("taiku");
    const baselineDelivered = deliveredSpread.get("baseline");
    const taikuApply = applySpread.get("taiku");
    const baselineApply = applySpread.get("baseline");
    if (taiku !== undefined && baseline !== undefined && taikuDelivered !== undefined && baselineDelivered !== undefined && taikuApply !== undefined && baselineApply !== undefined) {
      // The same stock client applies the same state for both systems: its apply time bounds any relay's speed-up.
      const clientApply = Math.min(taikuApply.median, baselineApply.median);
      headlines.push(
        `${updates.toLocaleString("en-US")} updates: cold load taiku/baseline ${ratio(taiku.median, baseline.median)} (${fmt(taiku.median, 0)} vs ${fmt(baseline.median, 0)} ms; baseline/taiku ${ratio(baseline.median, taiku.median)}); ` +
          `state delivered ${fmt(taikuDelivered.median, 0)} vs ${fmt(baselineDelivered.median, 0)} ms (baseline/taiku ${ratio(baselineDelivered.median, taikuDelivered.median)}); ` +
          `the client applying it took ${fmt(taikuApply.median, 0)} vs ${fmt(baselineApply.median, 0)} ms, so even a relay that delivered at once would load at most ${ratio(baseline.median, clientApply)} faster than the baseline.`,
      );
    }
  }
  return {
    name: "cold-load",
    title: "Loading a long history after a restart",
    what: `${WRITERS} writers write the history over ${WRITERS * KEYS_PER_WRITER} keys through the running system (its own persistence); the system is stopped with SIGTERM and restarted on the same data dir, and once every server is quiet (under a tenth of a core), a new client connects. Load time runs from that connect until the client has applied the full state, taken in its own message handler; “client apply” is the time the client (the same stock client for both systems) spent in its sync handler on the frames that brought the state, and “state delivered” is the load time less that. The wait for quiet is not part of the load time; each load records it. The process start (spawn until listening, which includes the TypeScript loader for taiku) is shown apart.`,
    ok,
    headlines,
    notes,
    tables: [{ title: "Cold load", columns: ["system", "history updates", "connect → full state ms", "connect → state delivered ms", "client apply ms", "process start ms", "first sync reply complete", "RSS after load MiB", "disk KiB", "encoded state KiB", "disk / state"], rows }],
    charts: [{ title: "Connect → full state after a restart (lower is better)", unit: "ms", bars: loadBars }],
    params: { sizes, loads, writers: WRITERS, keysPerWriter: KEYS_PER_WRITER },
    data,
  };
}

/** The cold-load benchmark. */
export const coldLoad: Benchmark = { name: "cold-load", run };
