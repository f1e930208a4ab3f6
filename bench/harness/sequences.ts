/**
 * What a replica's `kv` map says about the workload's writes: each bench
 * value carries its writer and that writer's sequence number, and a
 * writer's updates form one causal chain, so the highest sequence number
 * found per writer counts the updates a state holds, and per key says how
 * recent each key is. Durability and cold-open compare what peers had seen
 * before a kill with what a restarted server holds.
 */
import type * as Y from "yjs";

/** Highest sequence number per writer and per key found in a `kv` map. */
export interface Sequences {
  readonly byWriter: Map<number, number>;
  readonly byKey: Map<string, number>;
}

/** Reads the highest sequence numbers per writer and per key from `kv` (entries that are not bench values are skipped). */
export function sequencesIn(kv: Y.Map<unknown>): Sequences {
  const byWriter = new Map<number, number>();
  const byKey = new Map<string, number>();
  for (const [key, value] of kv.entries()) {
    if (typeof value !== "object" || value === null) continue;
    const { s, w } = value as { s?: unknown; w?: unknown };
    if (typeof s !== "number" || typeof w !== "number") continue;
    byKey.set(key, s);
    byWriter.set(w, Math.max(byWriter.get(w) ?? 0, s));
  }
  return { byWriter, byKey };
}

/** Raises each of `into`'s entries to `from`'s where that is higher. */
export function mergeMax<K>(into: Map<K, number>, from: Map<K, number>): void {
  for (const [key, value] of from) into.set(key, Math.max(into.get(key) ?? 0, value));
}

/** What a state lacks against what peers had seen. */
export interface Loss {
  /** Updates peers had seen (sum over writers of the highest sequence number). */
  readonly seen: number;
  /** Of those, missing from the state. */
  readonly lost: number;
  /** Keys whose value in the state is older than what a peer had seen. */
  readonly keysBehind: number;
}

/** Compares `held` (a restarted server's state) with `seen` (what peers had received before the kill). */
export function lossAgainst(seen: Sequences, held: Sequences): Loss {
  let seenCount = 0;
  let lost = 0;
  for (const [writer, seq] of seen.byWriter) {
    seenCount += seq;
    lost += Math.max(0, seq - (held.byWriter.get(writer) ?? 0));
  }
  let keysBehind = 0;
  for (const [key, seq] of seen.byKey) if ((held.byKey.get(key) ?? 0) < seq) keysBehind++;
  return { seen: seenCount, lost, keysBehind };
}
