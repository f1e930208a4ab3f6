/**
 * retention: what the retention window saves on disk and what it costs.
 *
 * One document takes 1,000,000 overwrites of 100 keys (one Yjs transaction
 * and one event each) through the LevelDB event store, in groups of 1,000
 * appends per tick, with a snapshot every 1,000 events as the relay writes
 * them; once without retention and once pruned to a window of the last
 * 10,000 events (age 0, so only the count keeps events). Reported: bytes on
 * disk per live byte (the document's live KV data) after the run and after
 * a LevelDB compaction, and appends per second for both.
 *
 * A side measurement compares the store's own event journal with LevelDB's
 * write-ahead log, both fsyncing (`sync: true`): 16 writers each append one
 * event at a time; appends per second and p99 append latency.
 *
 * Checks: the pruned document loads to the same state as the writer's, and
 * the log kept no more than the window plus one snapshot interval.
 */
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import * as Y from "yjs";
import { foldEvents, withRetention, type DocName, type EventStore, type NewDocEvent } from "@taiku/engine";
import { createLevelEventStore, openLevel, type ServerLevel } from "../../server/src/store/index";
import { fmt, ratio, type BenchContext, type BenchResult, type Benchmark } from "../harness/benchResult";
import { dirSize } from "../harness/dirSize";
import { summarizeLatency, type LatencySummary } from "../harness/stats";

const DOC = "sessions/bench/kv/retention" as DocName;
const KEYS = 100;
const IN_FLIGHT = 1_000;
const SNAPSHOT_EVERY = 1_000;
const KEEP_EVENTS = 10_000;
const DURABLE_WRITERS = 16;

/** The workload, generated once: every update back to back, and the state at every snapshot point. */
interface Workload {
  readonly bytes: Uint8Array;
  readonly offsets: Uint32Array;
  readonly snapshots: ReadonlyMap<number, Uint8Array>;
  readonly finalKv: unknown;
  readonly liveBytes: number;
}

function generate(writes: number): Workload {
  const doc = new Y.Doc();
  const kv = doc.getMap<unknown>("kv");
  const chunks: Uint8Array[] = [];
  const offsets = new Uint32Array(writes + 1);
  const snapshots = new Map<number, Uint8Array>();
  let total = 0;
  doc.on("update", (update: Uint8Array) => {
    chunks.push(update);
    total += update.byteLength;
  });
  for (let i = 0; i < writes; i++) {
    kv.set(`key-${i % KEYS}`, { n: i, by: "writer" });
    offsets[i + 1] = total;
    if ((i + 1) % SNAPSHOT_EVERY === 0) snapshots.set(i + 1, Y.encodeStateAsUpdate(doc));
  }
  const bytes = new Uint8Array(total);
  let at = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, at);
    at += chunk.byteLength;
  }
  let liveBytes = 0;
  for (const [key, value] of kv.entries()) liveBytes += Buffer.byteLength(key) + Buffer.byteLength(JSON.stringify(value));
  const finalKv = kv.toJSON();
  doc.destroy();
  return { bytes, offsets, snapshots, finalKv, liveBytes };
}

function eventAt(workload: Workload, i: number): NewDocEvent {
  const update = workload.bytes.subarray(workload.offsets[i]!, workload.offsets[i + 1]!);
  return { doc: DOC, update, origin: { userId: null, connection: "bench" }, ts: 1, kind: "update" };
}

interface RunFigures {
  readonly appendsPerSecond: number;
  readonly seconds: number;
  readonly diskBytes: number;
  readonly compactedBytes: number;
  readonly keptEvents: number;
  readonly stateMatches: boolean;
}

async function runWorkload(workload: Workload, retention: boolean, log: (message: string) => void): Promise<RunFigures> {
  const writes = workload.offsets.length - 1;
  const dir = mkdtempSync(path.join(os.tmpdir(), "taiku-retention-"));
  let db: ServerLevel | undefined;
  try {
    db = await openLevel(path.join(dir, "db"));
    const level = createLevelEventStore(db.sublevel("events"));
    const failures: unknown[] = [];
    const store: EventStore = retention
      ? withRetention(level, { keepEvents: KEEP_EVENTS, keepAgeMs: 0 }, { now: () => 2, onError: (error) => failures.push(error) })
      : level;
    let snapshotting: Promise<void> = Promise.resolve();
    const started = performance.now();
    for (let i = 0; i < writes; i += IN_FLIGHT) {
      const group: Promise<unknown>[] = [];
      for (let j = i; j < Math.min(i + IN_FLIGHT, writes); j++) group.push(store.append(DOC, [eventAt(workload, j)]));
      await Promise.all(group);
      const seq = Math.min(i + IN_FLIGHT, writes);
      const state = seq % SNAPSHOT_EVERY === 0 ? workload.snapshots.get(seq) : undefined;
      // Beside the appends, one after another, as the relay writes them.
      if (state !== undefined) snapshotting = snapshotting.then(() => store.writeSnapshot(DOC, { seq, state }));
      if (seq % 200_000 === 0) log(`retention: ${retention ? "with" : "without"} retention, ${seq} appends`);
    }
    await snapshotting;
    const seconds = (performance.now() - started) / 1000;
    if (failures.length > 0) throw failures[0];
    const { snapshot, tail } = await store.load(DOC);
    const stateMatches = JSON.stringify(foldEvents(snapshot, tail).getMap("kv").toJSON()) === JSON.stringify(workload.finalKv);
    const keptEvents = (await store.read(DOC)).length;
    await store.close();
    await db.close();
    const diskBytes = dirSize(dir);
    db = await openLevel(path.join(dir, "db"));
    // The deleted events' space comes back when LevelDB compacts; the `level` typings leave the method out.
    await (db as unknown as { compactRange(start: string, end: string): Promise<void> }).compactRange("\u0000", "\uffff");
    await db.close();
    db = undefined;
    const compactedBytes = dirSize(dir);
    return { appendsPerSecond: writes / seconds, seconds, diskBytes, compactedBytes, keptEvents, stateMatches };
  } finally {
    if (db !== undefined) await db.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

interface DurableFigures {
  readonly appendsPerSecond: number;
  readonly latency: LatencySummary;
}

/** `appends` single-event appends from {@link DURABLE_WRITERS} writers, each waiting for its last, with fsync. */
async function runDurable(workload: Workload, appends: number, journal: boolean): Promise<DurableFigures> {
  const dir = mkdtempSync(path.join(os.tmpdir(), "taiku-durable-"));
  const db = await openLevel(path.join(dir, "db"));
  try {
    const store = createLevelEventStore(db.sublevel("events"), journal ? { sync: true } : { sync: true, journal: null });
    const latencies: number[] = [];
    let next = 0;
    const started = performance.now();
    await Promise.all(
      Array.from({ length: DURABLE_WRITERS }, async () => {
        while (next < appends) {
          const i = next++;
          const sent = performance.now();
          await store.append(DOC, [eventAt(workload, i)]);
          latencies.push(performance.now() - sent);
        }
      }),
    );
    const seconds = (performance.now() - started) / 1000;
    await store.close();
    return { appendsPerSecond: appends / seconds, latency: summarizeLatency(latencies) };
  } finally {
    await db.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

async function run(context: BenchContext): Promise<BenchResult> {
  const writes = context.smoke ? 20_000 : 1_000_000;
  const durableAppends = context.smoke ? 1_000 : 10_000;
  context.log(`retention: generating ${writes} overwrites of ${KEYS} keys`);
  const workload = generate(writes);
  const without = await runWorkload(workload, false, context.log);
  const withWindow = await runWorkload(workload, true, context.log);
  context.log(`retention: ${durableAppends} fsynced appends through the journal, then through LevelDB's log`);
  const journaled = await runDurable(workload, durableAppends, true);
  const walOnly = await runDurable(workload, durableAppends, false);
  const perLive = (bytes: number) => bytes / workload.liveBytes;
  const bounded = withWindow.keptEvents <= KEEP_EVENTS + SNAPSHOT_EVERY + IN_FLIGHT;
  const ok = without.stateMatches && withWindow.stateMatches && bounded && without.keptEvents === writes;
  const notes = [
    "Figures taken on a shared 2-core machine under load from other work; compare the rows with each other, not with other runs.",
    `Live data: ${fmt(workload.liveBytes, 0)} bytes (${KEYS} keys).`,
  ];
  if (!withWindow.stateMatches || !without.stateMatches) notes.push("The loaded state differs from the writer's.");
  if (!bounded) notes.push(`The pruned log kept ${withWindow.keptEvents} events, more than the window allows.`);
  const row = (label: string, figures: RunFigures): string[] => [
    label,
    fmt(figures.appendsPerSecond, 0),
    fmt(figures.keptEvents, 0),
    fmt(figures.diskBytes / 1e6, 1),
    fmt(perLive(figures.diskBytes), 0),
    fmt(figures.compactedBytes / 1e6, 1),
    fmt(perLive(figures.compactedBytes), 0),
  ];
  const durableRow = (label: string, figures: DurableFigures): string[] => [
    label,
    fmt(figures.appendsPerSecond, 0),
    fmt(figures.latency.p50, 2),
    fmt(figures.latency.p99, 2),
    fmt(figures.latency.max, 1),
  ];
  return {
    name: "retention",
    title: "Retention: disk per live byte, and its cost",
    what: `${writes} overwrites of ${KEYS} keys in one document through the LevelDB event store (${IN_FLIGHT} appends per tick, a snapshot every ${SNAPSHOT_EVERY} events), without retention and with a window of the last ${KEEP_EVENTS} events. Side measurement: ${durableAppends} single-event appends from ${DURABLE_WRITERS} writers with fsync, through the store's journal and through LevelDB's own write-ahead log.`,
    ok,
    headlines: [
      `Disk per live byte after compaction: ${fmt(perLive(withWindow.compactedBytes), 0)} with retention vs ${fmt(perLive(without.compactedBytes), 0)} without (${ratio(without.compactedBytes, withWindow.compactedBytes)} less).`,
      `Appends/s with retention ${fmt(withWindow.appendsPerSecond, 0)} vs ${fmt(without.appendsPerSecond, 0)} without (${ratio(withWindow.appendsPerSecond, without.appendsPerSecond)}).`,
      `Fsynced appends: journal ${fmt(journaled.appendsPerSecond, 0)}/s (p99 ${fmt(journaled.latency.p99, 2)} ms) vs LevelDB's log ${fmt(walOnly.appendsPerSecond, 0)}/s (p99 ${fmt(walOnly.latency.p99, 2)} ms).`,
    ],
    notes,
    tables: [
      {
        title: "Retention",
        columns: ["run", "appends/s", "events kept", "disk MB", "disk / live byte", "compacted MB", "compacted / live byte"],
        rows: [row("no retention", without), row(`last ${KEEP_EVENTS} events`, withWindow)],
      },
      {
        title: "Durable appends (sync: true)",
        columns: ["path", "appends/s", "p50 ms", "p99 ms", "max ms"],
        rows: [durableRow("event journal, then LevelDB", journaled), durableRow("LevelDB write-ahead log only", walOnly)],
      },
    ],
    charts: [
      {
        title: "Disk per live byte after compaction (lower is better)",
        unit: "bytes",
        bars: [
          { label: "no retention", value: perLive(without.compactedBytes) },
          { label: "retention", value: perLive(withWindow.compactedBytes) },
        ],
      },
    ],
    params: { writes, keys: KEYS, inFlight: IN_FLIGHT, snapshotEvery: SNAPSHOT_EVERY, keepEvents: KEEP_EVENTS, durableAppends, durableWriters: DURABLE_WRITERS },
    data: { liveBytes: workload.liveBytes, without, withRetention: withWindow, journaled, walOnly },
  };
}

/** The retention benchmark. */
export const retention: Benchmark = { name: "retention", run };
