/**
 * A stored state and the log of updates after it, folded into one update
 * without building a document: the cold open of a document whose tail a
 * crash left long.
 *
 * Each client's structs are one contiguous run of clocks in a state, and
 * every update of the log continues a client's run where the state or an
 * earlier update left it (or repeats a part already held, when a snapshot
 * caught changes that were still being made durable). Folding is then a
 * matter of bytes: per client, the state's run followed by what each
 * update adds, copied as it is; the delete sets joined and merged. Nothing
 * is decoded into objects, so the cost is linear in the bytes — where
 * `Y.mergeUpdates` over thousands of small updates costs far more than its
 * input, and replaying them into a `Y.Doc` pays for every struct object.
 *
 * The result holds exactly the structs and deletions a replay of the same
 * parts in order would hold, so a peer that applies it has the same
 * document. It is not garbage-collected: content that a later update
 * deleted is still carried (the peer's own collection drops it).
 *
 * A part that repeats structs already held (a reconnect's sync step 2
 * sent against an older state vector) adds only what follows them; a
 * struct that straddles the point where the run ends is re-encoded from
 * that point on, as Yjs writes a struct from an offset.
 *
 * Invariant: any part that does not fit this shape — not a v1 update, a
 * Skip struct (a gap), a run that would not be contiguous, a client twice
 * in one update — makes the fold answer `null`, and the caller replays with Yjs instead. It never returns
 * a state that differs from the replay's.
 */
import * as encoding from "lib0/encoding";
import { cutBlockAt, readUpdateLayout } from "./updateLayout";

/** The folded state, with its state vector (known for free from the runs). */
export interface AppendedState {
  /** The whole state as one v1 update. */
  readonly update: Uint8Array;
  /** Its state vector, as `Y.encodeStateVector` writes it. */
  readonly stateVector: Uint8Array;
}

/**
 * One client's deleted ranges so far, flat `[clock, length, …]`: those that
 * came in clock order (a state's whole delete set) and the others (an
 * update deleting older structs), so that only the few others are sorted.
 */
interface DeletedRanges {
  /** Owned by the fold (a part's own array may be taken over): appended to, never shared. */
  readonly ordered: number[];
  readonly others: number[];
}

/** One client's structs so far: pieces of the parts' bytes, back to back in clock order. */
interface Run {
  readonly clock: number;
  endClock: number;
  count: number;
  readonly pieces: Uint8Array[];
}

/**
 * Folds `updates` (in log order) onto `state` (or onto nothing), or answers
 * `null` when a part does not fit (see the module header).
 */
export function appendUpdates(state: Uint8Array | null, updates: readonly Uint8Array[]): AppendedState | null {
  const runs = new Map<number, Run>();
  const deletes = new Map<number, DeletedRanges>();
  const parts = state === null ? updates : [state, ...updates];
  for (const part of parts) {
    const layout = readUpdateLayout(part);
    if (layout === null) return null;
    const seen = new Set<number>();
    for (const block of layout.blocks) {
      if (seen.has(block.client)) return null;
      seen.add(block.client);
      if (block.count === 0) continue;
      const run = runs.get(block.client);
      if (run === undefined) {
        if (block.clock !== 0) return null;
        runs.set(block.client, { clock: block.clock, endClock: block.endClock, count: block.count, pieces: [part.subarray(block.start, block.end)] });
        continue;
      }
      if (block.clock < run.clock || block.clock > run.endClock) return null;
      if (block.endClock <= run.endClock) continue;
      let start = block.start;
      let count = block.count;
      if (block.clock < run.endClock) {
        const cut = cutBlockAt(layout, block, run.endClock);
        if (cut === null) return null;
        start = cut.offset;
        count -= cut.skipped;
        if (cut.head !== null) run.pieces.push(cut.head);
      }
      run.pieces.push(part.subarray(start, block.end));
      run.count += count;
      run.endClock = block.endClock;
    }
    for (const [client, ranges] of layout.deletes) {
      const joined = deletes.get(client);
      // A state's delete set comes sorted: its ranges are taken as they are, not copied.
      if (joined === undefined) deletes.set(client, ascending(ranges) ? { ordered: ranges, others: [] } : addRanges({ ordered: [], others: [] }, ranges));
      else addRanges(joined, ranges);
    }
  }
  return { update: encodeUpdate(runs, deletes), stateVector: encodeStateVector(runs) };
}

/** Clients in the order Yjs writes them (highest first). */
function clientsOf(map: ReadonlyMap<number, unknown>): number[] {
  return [...map.keys()].sort((a, b) => b - a);
}

/** True when the flat ranges have no empty one and run in clock order. */
function ascending(flat: readonly number[]): boolean {
  for (let i = 0; i < flat.length; i += 2) {
    if ((flat[i + 1] as number) <= 0 || (i > 0 && (flat[i] as number) < (flat[i - 2] as number))) return false;
  }
  return true;
}

function addRanges(into: DeletedRanges, flat: readonly number[]): DeletedRanges {
  const { ordered, others } = into;
  for (let i = 0; i < flat.length; i += 2) {
    const clock = flat[i] as number;
    const length = flat[i + 1] as number;
    if (length <= 0) continue;
    if (ordered.length === 0 || clock >= (ordered[ordered.length - 2] as number)) ordered.push(clock, length);
    else others.push(clock, length);
  }
  return into;
}

function encodeUpdate(runs: ReadonlyMap<number, Run>, deletes: ReadonlyMap<number, DeletedRanges>): Uint8Array {
  const encoder = encoding.createEncoder();
  encoding.writeVarUint(encoder, runs.size);
  for (const client of clientsOf(runs)) {
    const run = runs.get(client) as Run;
    encoding.writeVarUint(encoder, run.count);
    encoding.writeVarUint(encoder, client);
    encoding.writeVarUint(encoder, run.clock);
    for (const piece of run.pieces) encoding.writeUint8Array(encoder, piece);
  }
  const merged = new Map<number, number[]>();
  for (const [client, ranges] of deletes) {
    const joined = mergeRanges(ranges);
    if (joined.length > 0) merged.set(client, joined);
  }
  encoding.writeVarUint(encoder, merged.size);
  for (const client of clientsOf(merged)) {
    const ranges = merged.get(client) as number[];
    encoding.writeVarUint(encoder, client);
    encoding.writeVarUint(encoder, ranges.length / 2);
    for (const value of ranges) encoding.writeVarUint(encoder, value);
  }
  return encoding.toUint8Array(encoder);
}

/** The ranges in clock order, overlapping and touching ones joined, as Yjs merges a delete set. */
function mergeRanges({ ordered, others }: DeletedRanges): number[] {
  const pairs: Array<[number, number]> = [];
  for (let i = 0; i < others.length; i += 2) pairs.push([others[i] as number, others[i + 1] as number]);
  pairs.sort((a, b) => a[0] - b[0]);
  const out: number[] = [];
  let clock = -1;
  let end = -1;
  const take = (start: number, length: number): void => {
    if (start <= end) {
      end = Math.max(end, start + length);
      return;
    }
    if (clock >= 0) out.push(clock, end - clock);
    clock = start;
    end = start + length;
  };
  // Two sorted lists, walked together.
  let i = 0;
  let j = 0;
  while (i < ordered.length || j < pairs.length) {
    const pair = pairs[j];
    if (pair === undefined || (i < ordered.length && (ordered[i] as number) <= pair[0])) {
      take(ordered[i] as number, ordered[i + 1] as number);
      i += 2;
    } else {
      take(pair[0], pair[1]);
      j++;
    }
  }
  if (clock >= 0) out.push(clock, end - clock);
  return out;
}

function encodeStateVector(runs: ReadonlyMap<number, Run>): Uint8Array {
  const encoder = encoding.createEncoder();
  encoding.writeVarUint(encoder, runs.size);
  for (const client of clientsOf(runs)) {
    encoding.writeVarUint(encoder, client);
    encoding.writeVarUint(encoder, (runs.get(client) as Run).endClock);
  }
  return encoding.toUint8Array(encoder);
}
