/**
 * Convergence fuzzer: 3–8 replicas and the arbiter on a network that
 * reorders, duplicates and delays messages and takes replicas offline and
 * back. Replicas make random sets, deletes and shared-type edits with values
 * near the quota; some skip the local quota check, as a careless or hostile
 * client would. Every run ends with all replicas equal to the arbiter's
 * state and within quota.
 *
 * TAIKU_FUZZ_SEEDS sets how many seeds run (default 200); TAIKU_FUZZ_SEED
 * runs one seed. A failing seed is printed in the test name.
 */
import * as prng from "lib0/prng";
import { describe, expect, it } from "vitest";
import * as Y from "yjs";
import { QuotaExceededError } from "../errors";
import { KV_QUOTA_BYTES, liveBytes } from "../kv/liveSize";
import { TestNetwork, contentOf, type TestReplica } from "./testNetwork";

const KEYS = ["a", "b", "c", "d", "e", "build_status", "ключ"];

function randomValue(gen: prng.PRNG): unknown {
  const roll = prng.uint32(gen, 0, 9);
  const size = roll < 5 ? prng.uint32(gen, 1, 200) : roll < 8 ? prng.uint32(gen, 1_000, 12_000) : prng.uint32(gen, 20_000, 40_000);
  if (prng.bool(gen)) return prng.word(gen, size, size);
  return { text: "é".repeat(size >> 1), n: prng.uint32(gen, 0, 1_000), list: [true, null] };
}

function randomEdit(gen: prng.PRNG, replica: TestReplica, careless: boolean): void {
  const doc = replica.doc;
  switch (prng.uint32(gen, 0, 6)) {
    case 0:
    case 1:
    case 2: {
      const key = prng.oneOf(gen, KEYS);
      const value = randomValue(gen) as never;
      if (careless) doc.getMap("kv").set(key, value);
      else {
        try {
          replica.kv.set(key, value);
        } catch (error) {
          if (!(error instanceof QuotaExceededError)) throw error;
        }
      }
      return;
    }
    case 3:
      replica.kv.delete(prng.oneOf(gen, KEYS));
      return;
    case 4: {
      const text = doc.getText("notes");
      if (text.length > 0 && prng.bool(gen)) {
        const at = prng.uint32(gen, 0, text.length - 1);
        text.delete(at, Math.min(prng.uint32(gen, 1, 2_000), text.length - at));
      } else text.insert(prng.uint32(gen, 0, text.length), prng.word(gen, 1, prng.bool(gen) ? 50 : 9_000));
      return;
    }
    case 5: {
      const list = doc.getArray<unknown>("list");
      if (list.length > 0 && prng.bool(gen)) list.delete(prng.uint32(gen, 0, list.length - 1), 1);
      else list.insert(prng.uint32(gen, 0, list.length), [randomValue(gen)]);
      return;
    }
    default: {
      const kv = doc.getMap("kv");
      const nested = kv.get("nested");
      if (nested instanceof Y.Map) nested.set(prng.oneOf(gen, KEYS), randomValue(gen));
      else kv.set("nested", new Y.Map());
    }
  }
}

/** Runs one seed; returns the number of compensations it saw. */
function runSeed(seed: number): number {
  const gen = prng.create(seed);
  const net = new TestNetwork(prng.uint32(gen, 3, 8), gen, { reorder: true, duplicate: 0.05 });
  const careless = new Set(net.replicas.filter(() => prng.real53(gen) < 0.3));
  const rounds = prng.uint32(gen, 20, 60);
  for (let round = 0; round < rounds; round++) {
    const replica = prng.oneOf(gen, net.replicas);
    const roll = prng.real53(gen);
    if (roll < 0.1) {
      if (replica.online) net.disconnect(replica);
      else net.reconnect(replica);
    } else randomEdit(gen, replica, careless.has(replica));
    for (let steps = prng.uint32(gen, 0, 6); steps > 0 && net.step(); steps--);
  }
  for (const replica of net.replicas) if (!replica.online) net.reconnect(replica);
  net.settle();
  const expected = contentOf(net.relay);
  const relayBytes = liveBytes(net.relay);
  expect(relayBytes).toBeLessThanOrEqual(KV_QUOTA_BYTES);
  expect(net.arbiter.liveBytes()).toBe(relayBytes);
  for (const replica of net.replicas) {
    expect(contentOf(replica.doc)).toEqual(expected);
    expect(Y.encodeStateVector(replica.doc)).toEqual(Y.encodeStateVector(net.relay));
    expect(liveBytes(replica.doc)).toBe(relayBytes);
  }
  return net.replicas.reduce((n, r) => n + r.notices.length, 0);
}

const single = process.env.TAIKU_FUZZ_SEED;
const count = Number(process.env.TAIKU_FUZZ_SEEDS ?? 200);
const seeds = single !== undefined ? [Number(single)] : Array.from({ length: count }, (_, i) => i + 1);

const CHUNK = 100;
const chunks = Array.from({ length: Math.ceil(seeds.length / CHUNK) }, (_, i) => seeds.slice(i * CHUNK, (i + 1) * CHUNK));

describe("convergence under reordering, duplication, offline periods and quota compensation", () => {
  for (const chunk of chunks) {
    const label = chunk.length === 1 ? `seed ${chunk[0]}` : `seeds ${chunk[0]}–${chunk.at(-1)}`;
    it(`all replicas equal the arbiter's state and stay within quota (${label})`, () => {
      let compensations = 0;
      for (const seed of chunk) {
        try {
          compensations += runSeed(seed);
        } catch (error) {
          throw new Error(`convergence failed for seed ${seed} (rerun with TAIKU_FUZZ_SEED=${seed})`, { cause: error });
        }
      }
      // The workload is built to hit the quota; a run without compensations tests nothing.
      if (chunk.length >= 20) expect(compensations).toBeGreaterThan(chunk.length / 10);
    }, 180_000);
  }
});
