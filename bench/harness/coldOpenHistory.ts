/**
 * The history of one cold-open cell on one system: writers write it through
 * the running system (its own relay and persistence), then the run ends by
 * a clean stop (SIGTERM once every write was seen) or by SIGKILL during the
 * burst (once peers had seen the count, while every writer still has writes
 * in flight). The data directory the ending left is copied aside untouched,
 * so every later open starts from the very same bytes on disk, however the
 * open itself changes the directory (a relay may write a snapshot as it
 * loads). The state a complete open must deliver is fixed here: after a
 * clean stop, what peers saw; after a kill, what one reference open of the
 * copy finds once it stops changing — and what that lacks against what
 * peers had seen is the loss.
 */
import { cpSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import * as Y from "yjs";
import { withDeployment, type Deployment } from "./deployment";
import type { Access } from "./docTarget";
import { docTarget } from "./docTarget";
import { LatencyObserver, WriterPool, writeHistory } from "./kvWorkload";
import { connectPeerReplica, connectPeerWriter } from "./peerClients";
import { lossAgainst, sequencesIn, type Loss } from "./sequences";
import { sleep, waitFor } from "./stats";
import { startSystem, type SystemName } from "./systemProcess";

/** How the writing run ended. */
export type Ending = "clean" | "kill";

/** What one cell asks for. */
export interface HistorySpec {
  /** Updates peers must have seen before the ending. */
  readonly updates: number;
  /** Concurrent writers, each on its own connection. */
  readonly writers: number;
  /** Keys each writer owns and writes in turn. */
  readonly keysPerWriter: number;
  /** Unseen writes each writer keeps in flight. */
  readonly window: number;
  readonly ending: Ending;
}

/** A history on disk, ready to be opened any number of times. */
export interface PreparedHistory {
  readonly system: SystemName;
  readonly access: Access;
  /** The data directory as the ending left it (never opened in place). */
  readonly pristineDir: string;
  /** The `kv` map a complete open delivers, canonical JSON. */
  readonly expected: string;
  /** That state encoded as one Yjs update (what the floor serves). */
  readonly state: Uint8Array;
  /** Updates peers had seen before the ending. */
  readonly seen: number;
  /** After a kill: what the restarted system lacks against what peers had seen (undefined after a clean stop). */
  readonly loss: Loss | undefined;
  /** Writing the history took this long, ms (not part of any open). */
  readonly writeMs: number;
}

const WRITE_TIMEOUT_MS = 300_000;
/**
 * Writes a second each writer makes at most: under the 2,000 frames a
 * second taiku's relay lets one socket send (a faster socket is closed),
 * and above what a writer reaches when 16 or more share the relay.
 */
const WRITER_PACE_PER_SECOND = 1_500;
const STOP_AFTER_HISTORY_MS = 180_000;
/** A reference open counts as complete once its state has not changed for this long. */
const STABLE_MS = 1_000;
const REFERENCE_TIMEOUT_MS = 180_000;

/** Writers at saturation until peers have seen `updates`, then SIGKILL while they still write. */
async function burstThenKill(deployment: Deployment, pool: WriterPool, observer: LatencyObserver, spec: HistorySpec): Promise<void> {
  let writing = true;
  const fill = (writer: number): void => {
    while (writing && (pool.written[writer] ?? 0) - (observer.maxSeen.get(writer) ?? 0) < spec.window && pool.mayWrite(writer)) pool.write(writer);
  };
  const unsubscribe = observer.onSeen(fill);
  // A paced writer that ran out of its pace resumes here (acks alone would not wake it).
  const pacer = setInterval(() => {
    for (let index = 0; index < pool.writers.length; index++) fill(index);
  }, 5);
  try {
    for (let index = 0; index < pool.writers.length; index++) fill(index);
    const reached = await waitFor(() => observer.accepted() >= spec.updates, WRITE_TIMEOUT_MS);
    await deployment.system.kill9();
    if (!reached) throw new Error(`peers saw only ${observer.accepted()} of ${spec.updates} updates before the kill`);
  } finally {
    writing = false;
    clearInterval(pacer);
    unsubscribe();
  }
  // Frames the server wrote before it died may still be in the client's socket buffers.
  await sleep(200);
}

/** Opens a copy of `pristineDir` once and waits until its state stops changing: what the system holds after the kill. */
async function referenceOpen(system: SystemName, access: Access, pristineDir: string): Promise<{ replica: Y.Doc; expected: string; held: ReturnType<typeof sequencesIn> }> {
  const dir = copyOf(pristineDir);
  const running = await startSystem(system, dir);
  try {
    const client = connectPeerReplica(docTarget(running, access, 0));
    try {
      if (!(await waitFor(() => client.synced(), REFERENCE_TIMEOUT_MS))) throw new Error("reference client did not sync after the kill");
      let last = client.canonical();
      let stableSince = performance.now();
      const stable = await waitFor(() => {
        const current = client.canonical();
        if (current !== last) {
          last = current;
          stableSince = performance.now();
        }
        return performance.now() - stableSince > STABLE_MS;
      }, REFERENCE_TIMEOUT_MS);
      if (!stable) throw new Error("the state after the kill did not stop changing");
      const replica = new Y.Doc();
      Y.applyUpdate(replica, Y.encodeStateAsUpdate(client.doc));
      return { replica, expected: last, held: sequencesIn(client.kv) };
    } finally {
      client.destroy();
    }
  } finally {
    await running.kill9();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** A fresh temp copy of `dir`. */
export function copyOf(dir: string): string {
  const copy = mkdtempSync(path.join(tmpdir(), "taiku-bench-open-"));
  cpSync(dir, copy, { recursive: true });
  return copy;
}

/** Writes the history of `spec` on `system`, ends it as asked, and keeps the data directory it left. */
export async function prepareHistory(system: SystemName, spec: HistorySpec): Promise<PreparedHistory> {
  const pristineDir = mkdtempSync(path.join(tmpdir(), `taiku-bench-pristine-${system}-`));
  try {
    return await withDeployment(system, 1, async (deployment) => {
      const target = deployment.target(0);
      const observerReplica = connectPeerReplica(target);
      const writers = Array.from({ length: spec.writers }, () => connectPeerWriter(target));
      const close = (): void => {
        for (const writer of writers) writer.close();
        observerReplica.destroy();
      };
      const started = performance.now();
      let expected: string;
      let state: Uint8Array;
      let seen: ReturnType<typeof sequencesIn>;
      try {
        if (!(await waitFor(() => observerReplica.synced() && writers.every((writer) => writer.synced()), 30_000))) throw new Error("writers did not sync");
        const observer = new LatencyObserver(observerReplica.kv);
        const pool = new WriterPool(writers, spec.keysPerWriter, WRITER_PACE_PER_SECOND);
        if (spec.ending === "clean") {
          if (!(await writeHistory(pool, observer, spec.updates, spec.window, WRITE_TIMEOUT_MS))) throw new Error("history was not fully seen in time");
        } else {
          await burstThenKill(deployment, pool, observer, spec);
        }
        expected = observerReplica.canonical();
        state = Y.encodeStateAsUpdate(observerReplica.doc);
        seen = sequencesIn(observerReplica.kv);
      } finally {
        close();
      }
      const writeMs = performance.now() - started;
      // A system that persists behind its broadcasts may still be writing the history: give it time to finish.
      if (spec.ending === "clean") await deployment.system.stop(STOP_AFTER_HISTORY_MS);
      cpSync(deployment.dataDir, pristineDir, { recursive: true });
      const seenCount = [...seen.byWriter.values()].reduce((sum, seq) => sum + seq, 0);
      if (spec.ending === "clean") return { system, access: deployment.access, pristineDir, expected, state, seen: seenCount, loss: undefined, writeMs };
      const reference = await referenceOpen(system, deployment.access, pristineDir);
      return {
        system,
        access: deployment.access,
        pristineDir,
        expected: reference.expected,
        state: Y.encodeStateAsUpdate(reference.replica),
        seen: seenCount,
        loss: lossAgainst(seen, reference.held),
        writeMs,
      };
    });
  } catch (error) {
    rmSync(pristineDir, { recursive: true, force: true });
    throw error;
  }
}
