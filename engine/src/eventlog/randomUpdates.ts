/**
 * Seeded streams of realistic Yjs updates for tests of event logs: each
 * update is one transaction on a writer document that sets or deletes keys
 * of the `kv` map or edits a `Y.Text`, the way plugins use session KV.
 * The same seed always yields the same updates.
 */
import * as prng from "lib0/prng";
import * as Y from "yjs";
import type { DocName } from "../ids";
import type { NewDocEvent } from "./docEvent";

/** Keys the generated updates write to. */
export const RANDOM_UPDATE_KEYS: readonly string[] = ["build_status", "owner", "count", "notes", "layout"];

/** `count` seeded updates, as the stream of one writer document. */
export function randomUpdates(seed: number, count: number): Uint8Array[] {
  const gen = prng.create(seed);
  const writer = new Y.Doc();
  const kv = writer.getMap<unknown>("kv");
  const text = writer.getText("text");
  const updates: Uint8Array[] = [];
  writer.on("update", (update: Uint8Array) => updates.push(update));
  const keys = [...RANDOM_UPDATE_KEYS];
  while (updates.length < count) {
    const key = prng.oneOf(gen, keys);
    const roll = prng.int31(gen, 0, 9);
    if (roll < 6) kv.set(key, randomValue(gen));
    else if (roll < 8) kv.delete(key);
    else text.insert(prng.int31(gen, 0, text.length), prng.word(gen, 1, 12));
  }
  writer.destroy();
  return updates;
}

/** New events carrying {@link randomUpdates}, from alternating users. */
export function randomEvents(doc: DocName, seed: number, count: number): NewDocEvent[] {
  return randomUpdates(seed, count).map((update, index) => ({
    doc,
    update,
    origin: {
      userId: index % 3 === 2 ? null : (`user${index % 2}` as NewDocEvent["origin"]["userId"]),
      connection: index % 3 === 2 ? null : `conn-${index % 2}`,
    },
    ts: 1_700_000_000_000 + index,
    kind: index % 3 === 2 ? "server" : "update",
  }));
}

function randomValue(gen: prng.PRNG): unknown {
  switch (prng.int31(gen, 0, 3)) {
    case 0:
      return prng.int31(gen, -1000, 1000);
    case 1:
      return prng.word(gen, 0, 30);
    case 2:
      return { ok: prng.bool(gen), n: prng.int31(gen, 0, 9) };
    default:
      return [prng.word(gen, 1, 5), null, prng.bool(gen)];
  }
}
