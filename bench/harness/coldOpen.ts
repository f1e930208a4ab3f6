/**
 * One cold open: a fresh process on a fresh copy of a history's data
 * directory, a wait until it is quiet (its start-up compiling done), then a
 * fresh client of that system — the stock y-websocket provider, or
 * Hocuspocus's own — connects and the time until its document holds the
 * whole expected state is taken in the document's own update handler (no
 * polling period in the figure; only a state that brings no update at all
 * is taken when the client counts itself synced, by a 5 ms poll). The floor opens the same way, with the
 * expected state handed to it in a file and served from memory.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { copyOf } from "./coldOpenHistory";
import { docTarget, type Access } from "./docTarget";
import { connectPeerReplica } from "./peerClients";
import { waitUntilQuiet } from "./quiet";
import { waitFor } from "./stats";
import { startSystem, type SystemName } from "./systemProcess";

/** What one open measured. */
export interface OpenFigures {
  /** Connect until the client held the whole expected state, ms. */
  readonly fullMs: number;
  /** Server RSS just after the client held it, MiB. */
  readonly rssMiB: number;
  /** The server's peak RSS up to then, MiB. */
  readonly peakRssMiB: number;
  /** Process spawn until it listened, ms (not part of the open). */
  readonly startMs: number;
  /** The server was quiet when the client connected (else the wait timed out). */
  readonly quiet: boolean;
}

/** Where an open starts from: a system's data directory, or the floor's state in memory. */
export type OpenSource =
  | { readonly system: Exclude<SystemName, "floor">; readonly access: Access; readonly pristineDir: string }
  | { readonly system: "floor"; readonly state: Uint8Array };

/** An open that does not hold the full state by then has failed. */
export const OPEN_TIMEOUT_MS = 120_000;

/** Opens `source` once in a fresh process and measures connect → `expected` state. */
export async function openOnce(source: OpenSource, expected: string): Promise<OpenFigures> {
  const dir = source.system === "floor" ? mkdtempSync(path.join(tmpdir(), "taiku-bench-floor-")) : copyOf(source.pristineDir);
  const env: Record<string, string> = {};
  if (source.system === "floor") {
    const stateFile = path.join(dir, "state.bin");
    writeFileSync(stateFile, source.state);
    env.BENCH_FLOOR_STATE = stateFile;
  }
  const system = await startSystem(source.system, dir, env);
  try {
    const { quiet } = await waitUntilQuiet([system]);
    const access: Access = source.system === "floor" ? { token: undefined, sessionIds: ["floor"] } : source.access;
    const started = performance.now();
    const client = connectPeerReplica(docTarget(system, access, 0));
    let fullMs = Number.NaN;
    client.doc.on("update", () => {
      if (Number.isNaN(fullMs) && client.canonical() === expected) fullMs = performance.now() - started;
    });
    try {
      // A state that brings no update (an empty one) is complete once the client counts itself synced.
      const complete = await waitFor(() => {
        if (Number.isNaN(fullMs) && client.synced() && client.canonical() === expected) fullMs = performance.now() - started;
        return !Number.isNaN(fullMs);
      }, OPEN_TIMEOUT_MS);
      if (!complete) throw new Error(`the client did not hold the full state within ${OPEN_TIMEOUT_MS / 1000} s`);
      const memory = system.memoryKb();
      return { fullMs, rssMiB: memory.rss / 1024, peakRssMiB: memory.peak / 1024, startMs: system.startMs, quiet };
    } finally {
      client.destroy();
    }
  } finally {
    await system.kill9();
    rmSync(dir, { recursive: true, force: true });
  }
}
