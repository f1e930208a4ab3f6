/**
 * retention: what the retention window saves on disk and what it costs.
 *
 * One document takes 1,000,000 overwrites of 100 keys (one Yjs transaction
 * and one event each) through the LevelDB event store, in groups of 100
 * appends per tick, with snapshots as the relay's policy writes them (at
 * least 1,000 events apart, weighing half the last snapshot, or after
 * 10,000); once without retention and once pruned to a window of the last
 * 10,000 events (age 0, so only the count keeps events). Reported: bytes on
 * disk per live byte (the document's live KV data) after the run and after
 * a LevelDB compaction, and appends per second for both.
 *
 * A side measurement compares the store's own event journal with LevelDB's
 * write-ahead log, both fsyncing (`sync: true`): 16 writers each append one
 * event at a time; appends per second and p99 append latency.
 *
 * Checks: the pruned document loads to the same state as the writer's, and
 * the log kept no more than the window plus the events no snapshot covers.
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
/**
 * Appends per tick. The writer shares the store's event loop: larger groups make each synchronous slice of
 * Yjs writes long enough to starve the store's reads (a prune reads the events it folds), which a relay,
 * applying one update at a time, does not do.
 */
const IN_FLIGHT = 100;
const SNAPSHOT_EVERY = 1_000;
const KEEP_EVENTS = 10_000;
const DURABLE_WRITERS = 16;

/** The writer: one Yjs document whose every transaction is the next event. */
interface Writer {
  readonly doc: Y.Doc;
  /** Makes the `i`-th overwrite and returns its event. */
  next(i: number): NewDocEvent;
  /** Live bytes of the document's `kv` map: key plus value JSON, per entry. */
  liveBytes(): number;
}

function createWriter(): Writer {
  const doc = new Y.Doc();
  const kv = doc.getMap<unknown>("kv");
  let last: Uint8Array | null = null;
  doc.on("update", (update: Uint8Array) => (last = update));
  return {
    doc,
    next(i) {
      kv.set(`key-${i % KEYS}`, { n: i, by: "writer" });
      if (last === null) throw new Error("the write produced no update");
      const update: Uint8Array = last;
      last = null;
      return { doc: DOC, update, origin: { userId: null, connection: "bench" }, ts: 1, kind: "update" };
    },
    liveBytes() {
      let bytes = 0;
      for (const [key, value] of kv.entries()) bytes += Buffer.byteLength(key) + Buffer.byteLength(JSON.stringify(value));
      return bytes;
    },
  };
}

interface RunFigures {
  readonly appendsPerSecond: number;
  readonly seconds: number;
  readonly snapshots: number;
  readonly lastSnapshotBytes: number;
  readonly liveBytes: number;
  readonly diskBytes: number;
  readonly compactedBytes: number;
  readonly keptEvents: number;
  readonly stateMatches: boolean;
}

/**
 * `writes` overwrites, {@link IN_FLIGHT} appends per tick, with snapshots as the relay's policy writes them:
 * once {@link SNAPSHOT_EVERY} events weigh half the last snapshot, or after ten times as many, one at a time.
 */
async function runWorkload(writes: number, retention: boolean, log: (message: string) => void): Promise<RunFigures> {
  const dir = mkdtempSync(path.join(os.tmpdir(), "taiku-retention-"));
  const writer = createWriter();
  let db: ServerLevel | undefined;
  try {
    db = await openLevel(path.join(dir, "db"));
    const level = createLevelEventStore(db.sublevel("events"));
    const failures: unknown[] = [];
    const retaining = retention
      ? withRetention(level, { keepEvents: KEEP_EVENTS, keepAgeMs: 0 }, { now: () => 2, onError: (error) => failures.push(error) })
      : null;
    const store: EventStore = retaining ?? level;
    let snapshotting: Promise<void> | null = null;
    let snapshots = 0;
    let lastSnapshotBytes = 0;
    let snapshotSeq = 0;
    let appendedSince = 0;
    const started = performance.now();
    for (let i = 0; i < writes; i += IN_FLIGHT) {
      const group: Promise<unknown>[] = [];
      for (let j = i; j < Math.min(i + IN_FLIGHT, writes); j++) {
        const event = writer.next(j);
        appendedSince += event.update.byteLength;
        group.push(store.append(DOC, [event]));
      }
      await Promise.all(group);
      const seq = Math.min(i + IN_FLIGHT, writes);
      const since = seq - snapshotSeq;
      const due = since >= SNAPSHOT_EVERY && (appendedSince * 2 >= lastSnapshotBytes || since >= SNAPSHOT_EVERY * 10);
      if (snapshotting === null && due) {
        const state = Y.encodeStateAsUpdate(writer.doc);
        snapshots++;
        lastSnapshotBytes = state.byteLength;
        snapshotSeq = seq;
        appendedSince = 0;
        // Beside the appends, as the relay writes them.
        snapshotting = store.writeSnapshot(DOC, { seq, state }).then(() => void (snapshotting = null));
      }
      if (seq % 200_000 === 0) log(`retention: ${retention ? "with" : "without"} retention, ${seq} appends`);
    }
    await snapshotting;
    const seconds = (performance.now() - started) / 1000;
    // Kept events are counted once the prunes have caught up; the time above does not wait for them.
    await retaining?.pruned(DOC);
    if (failures.length > 0) throw failures[0];
    const { snapshot, tail } = await store.load(DOC);
    const stateMatches = JSON.stringify(foldEvents(snapshot, tail).getMap("kv").toJSON()) === JSON.stringify(writer.doc.getMap("kv").toJSON());
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
    const liveBytes = writer.liveBytes();
    return { appendsPerSecond: writes / seconds, seconds, snapshots, lastSnapshotBytes, liveBytes, diskBytes, compactedBytes, keptEvents, stateMatches };
  } finally {
    writer.doc.destroy();
    if (db !== undefined) await db.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

interface DurableFigures {
  readonly appendsPerSecond: number;
  readonly latency: LatencySummary;
}

/** `appends` single-event appends from {@link DURABLE_WRITERS} writers, each waiting for its last, with fsync. */
async function runDurable(appends: number, journal: boolean): Promise<DurableFigures> {
  const writer = createWriter();
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
          const event = writer.next(next++);
          const sent = performance.now();
          await store.append(DOC, [event]);
          latencies.push(performance.now() - sent);
        }
      }),
    );
    const seconds = (performance.now() - started) / 1000;
    await store.close();
    return { appendsPerSecond: appends / seconds, latency: summarizeLatency(latencies) };
  } finally {
    writer.doc.destroy();
    await db.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

async function run(context: BenchContext): Promise<BenchResult> {
  const writes = context.smoke ? 20_000 : 1_000_000;
  const durableAppends = context.smoke ? 1_000 : 10_000;
  context.log(`retention: ${writes} overwrites of ${KEYS} keys, without and with retention`);
  const without = await runWorkload(writes, false, context.log);
  const withWindow = await runWorkload(writes, true, context.log);
  context.log(`retention: ${durableAppends} fsynced appends through the journal, then through LevelDB's log`);
  const journaled = await runDurable(durableAppends, true);
  const walOnly = await runDurable(durableAppends, false);
  const liveBytes = withWindow.liveBytes;
  const perLive = (bytes: number) => bytes / liveBytes;
  // The window, plus the events no snapshot covers yet (at most ten intervals and a group in flight).
  const bounded = withWindow.keptEvents <= KEEP_EVENTS + 10 * SNAPSHOT_EVERY + 2 * IN_FLIGHT;
  const ok = without.stateMatches && withWindow.stateMatches && bounded && without.keptEvents === writes;
  const notes = [
    "Figures taken on a shared 2-core machine under load from other work; compare the rows with each other, not with other runs.",
    `Live data: ${fmt(liveBytes, 0)} bytes (${KEYS} keys); the last snapshot (the Yjs state, its tombstones included) was ${fmt(withWindow.lastSnapshotBytes, 0)} bytes, and counts in both runs.`,
  ];
  if (!withWindow.stateMatches || !without.stateMatches) notes.push("The loaded state differs from the writer's.");
  if (!bounded) notes.push(`The pruned log kept ${withWindow.keptEvents} events, more than the window allows.`);
  const row = (label: string, figures: RunFigures): string[] => [
    label,
    fmt(figures.appendsPerSecond, 0),
    fmt(figures.snapshots, 0),
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
        columns: ["run", "appends/s", "snapshots", "events kept", "disk MB", "disk / live byte", "compacted MB", "compacted / live byte"],
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
    data: { liveBytes, without, withRetention: withWindow, journaled, walOnly },
  };
}

/** The retention benchmark. */
export const retention: Benchmark = { name: "retention", run };
