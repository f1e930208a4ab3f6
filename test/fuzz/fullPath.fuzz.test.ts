/**
 * Full-path convergence fuzzer: 2–4 plugin instances, each a plugin replica
 * under the local quota guard, its host (`createPluginKvHost`) and the
 * host's y-websocket connection to a real relay (`createRelay` over a
 * LevelDB event store in a temp dir, real WebSockets on 127.0.0.1), all in
 * one process. A seed drives random `kv` sets and deletes near the quota,
 * text, array and nested-map edits, over-quota bursts, careless writers that
 * skip the local guard and send raw updates to their host, offline periods,
 * reconnects, clean relay restarts and relay crashes (`crashableRelay.ts`).
 *
 * Invariants at the end of every run, once every host is connected and
 * quiet:
 * - every plugin replica has its host's content;
 * - every host has the relay's state (the state a fresh client is served:
 *   same content, same state vector), which is within the quota;
 * - nothing acknowledged is lost: before a clean stop a fresh client records
 *   the state vector the relay serves; before a crash, the state vector of
 *   every update the store confirmed appended (nothing else counts). After
 *   the restart, before any host reconnects, a fresh client must be served
 *   a state vector that covers it.
 *   Overwrites and compensations are later updates, so they never shrink
 *   the state vector; the check is exact, not heuristic.
 *
 * TAIKU_FUZZ_SEEDS sets how many seeds run (default 200); TAIKU_FUZZ_SEED
 * runs one. A failing seed is printed in the test name.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as prng from "lib0/prng";
import { afterAll, describe, expect, it } from "vitest";
import * as Y from "yjs";
import { KV_QUOTA_BYTES, QuotaExceededError, createSessionKv, kvDocName, liveBytes, type PluginId, type SessionId } from "@taiku/engine";
import { connect, eventually, synced } from "../../server/src/sync/relayFixture";
import { startCrashableRelay, type CrashableRelay } from "./crashableRelay";
import { contentOf } from "../../engine/src/arbiter/testNetwork";
import { createFullPathPeer, type FullPathPeer } from "./fullPathPeer";

const KEYS = ["a", "b", "c", "d", "build_status", "ключ"];
const DOC = kvDocName("fuzz" as SessionId, "notes" as PluginId);

function randomValue(gen: prng.PRNG): unknown {
  const roll = prng.uint32(gen, 0, 9);
  const size = roll < 5 ? prng.uint32(gen, 1, 200) : roll < 8 ? prng.uint32(gen, 1_000, 12_000) : prng.uint32(gen, 20_000, 40_000);
  if (prng.bool(gen)) return prng.word(gen, size, size);
  return { text: "é".repeat(size >> 1), n: prng.uint32(gen, 0, 1_000), list: [true, null] };
}

/** One random edit on a plugin's replica; a careless writer skips the kv API's check. */
function randomEdit(gen: prng.PRNG, peer: FullPathPeer, careless: boolean): void {
  const doc = peer.plugin;
  const attempt = (edit: () => void): void => {
    try {
      edit();
    } catch (error) {
      if (!(error instanceof QuotaExceededError)) throw error;
    }
  };
  switch (prng.uint32(gen, 0, 7)) {
    case 0:
    case 1:
    case 2: {
      const key = prng.oneOf(gen, KEYS);
      const value = randomValue(gen) as never;
      if (careless) peer.rawWrite((raw) => raw.getMap("kv").set(key, value));
      else {
        const kv = createSessionKv(doc);
        attempt(() => kv.set(key, value));
        kv.destroy();
      }
      return;
    }
    case 3:
      doc.getMap("kv").delete(prng.oneOf(gen, KEYS));
      return;
    case 4: {
      const text = doc.getText("notes");
      attempt(() => {
        if (text.length > 0 && prng.bool(gen)) {
          const at = prng.uint32(gen, 0, text.length - 1);
          text.delete(at, Math.min(prng.uint32(gen, 1, 2_000), text.length - at));
        } else text.insert(prng.uint32(gen, 0, text.length), prng.word(gen, 1, prng.bool(gen) ? 50 : 9_000));
      });
      return;
    }
    case 5: {
      const list = doc.getArray<unknown>("list");
      attempt(() => {
        if (list.length > 0 && prng.bool(gen)) list.delete(prng.uint32(gen, 0, list.length - 1), 1);
        else list.insert(prng.uint32(gen, 0, list.length), [randomValue(gen)]);
      });
      return;
    }
    case 6: {
      // An over-quota burst: several large writes in one transaction (sent unguarded by a careless writer).
      const burst = (target: Y.Doc): void => {
        for (let i = prng.uint32(gen, 2, 4); i > 0; i--) target.getMap("kv").set(prng.oneOf(gen, KEYS), prng.word(gen, 20_000, 30_000));
      };
      if (careless) peer.rawWrite(burst);
      else attempt(() => doc.transact(() => burst(doc)));
      return;
    }
    default: {
      const kv = doc.getMap("kv");
      const nested = kv.get("nested");
      attempt(() => {
        if (nested instanceof Y.Map) nested.set(prng.oneOf(gen, KEYS), randomValue(gen));
        else kv.set("nested", new Y.Map());
      });
    }
  }
}

/** The state a fresh client is served by the relay at `url`. */
async function servedState(url: string): Promise<Y.Doc> {
  const observer = connect(url, DOC, "observer");
  await synced(observer);
  const doc = new Y.Doc();
  Y.applyUpdate(doc, Y.encodeStateAsUpdate(observer.doc));
  observer.destroy();
  return doc;
}

/** True when state vector `a` covers `b` (every client's clock at least as far). */
function covers(a: Uint8Array, b: Uint8Array): boolean {
  const have = Y.decodeStateVector(a);
  for (const [client, clock] of Y.decodeStateVector(b)) if ((have.get(client) ?? 0) < clock) return false;
  return true;
}

const dirs: string[] = [];
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

/** Runs one seed; returns the number of compensations the plugins and hosts were sent. */
async function runSeed(seed: number): Promise<number> {
  const gen = prng.create(seed);
  const dir = mkdtempSync(join(tmpdir(), "taiku-fuzz-"));
  dirs.push(dir);
  let relay: CrashableRelay = await startCrashableRelay(dir);
  const peers = Array.from({ length: prng.uint32(gen, 2, 4) }, (_, i) => createFullPathPeer(DOC, `user${i}`));
  const careless = new Set(peers.filter(() => prng.real53(gen) < 0.3));
  try {
    for (const peer of peers) peer.connect(relay.url);
    const rounds = prng.uint32(gen, 12, 30);
    for (let round = 0; round < rounds; round++) {
      const peer = prng.oneOf(gen, peers);
      const roll = prng.real53(gen);
      if (roll < 0.1) {
        if (peer.provider === null) peer.connect(relay.url);
        else peer.disconnect();
      } else if (roll < 0.18) {
        // A relay restart (clean stop) or crash; either way what it acknowledged survives.
        const crash = roll >= 0.14;
        const before = Y.encodeStateVector(crash ? relay.acknowledged : await servedState(relay.url));
        if (crash) await relay.crash();
        else {
          for (const p of peers) p.disconnect();
          await relay.stop();
        }
        for (const p of peers) p.disconnect();
        relay = await startCrashableRelay(dir, relay.acknowledged);
        const after = Y.encodeStateVector(await servedState(relay.url));
        expect(covers(after, before), `the relay lost acknowledged updates across a ${crash ? "crash" : "clean restart"}`).toBe(true);
        for (const p of peers) if (prng.real53(gen) < 0.8) p.connect(relay.url);
      } else randomEdit(gen, peer, careless.has(peer));
      if (prng.bool(gen)) await new Promise((resolve) => setTimeout(resolve, prng.uint32(gen, 0, 5)));
    }
    for (const peer of peers) if (peer.provider === null) peer.connect(relay.url);
    await eventually(() => peers.every((p) => p.provider?.synced === true), 5_000, "every host synced");
    const vectors = (): string[] => peers.map((p) => Y.encodeStateVector(p.host).join(","));
    await eventually(() => new Set(vectors()).size === 1, 5_000, "hosts equal");
    const served = await servedState(relay.url);
    await eventually(() => vectors()[0] === Y.encodeStateVector(served).join(","), 5_000, "hosts equal the relay");
    const expected = contentOf(served);
    expect(liveBytes(served)).toBeLessThanOrEqual(KV_QUOTA_BYTES);
    for (const peer of peers) {
      expect(contentOf(peer.host)).toEqual(expected);
      expect(contentOf(peer.plugin)).toEqual(expected);
    }
    return peers.reduce((n, p) => n + p.rejections + p.relayNotices, 0);
  } finally {
    for (const peer of peers) peer.destroy();
    await relay.stop();
  }
}

const single = process.env.TAIKU_FUZZ_SEED;
const count = Number(process.env.TAIKU_FUZZ_SEEDS ?? 200);
const seeds = single !== undefined ? [Number(single)] : Array.from({ length: count }, (_, i) => i + 1);
const CHUNK = 50;
const chunks = Array.from({ length: Math.ceil(seeds.length / CHUNK) }, (_, i) => seeds.slice(i * CHUNK, (i + 1) * CHUNK));

describe("full path: plugin replicas, hosts and a real relay on LevelDB converge within quota", () => {
  for (const chunk of chunks) {
    const label = chunk.length === 1 ? `seed ${chunk[0]}` : `seeds ${chunk[0]}–${chunk.at(-1)}`;
    it(`every plugin equals its host, every host the relay, within quota, nothing acknowledged lost (${label})`, async () => {
      let compensations = 0;
      for (const seed of chunk) {
        try {
          compensations += await runSeed(seed);
        } catch (error) {
          throw new Error(`full-path convergence failed for seed ${seed} (rerun with TAIKU_FUZZ_SEED=${seed})`, { cause: error });
        }
      }
      // The workload is built to hit the quota; a run without compensations tests nothing.
      if (chunk.length >= 20) expect(compensations).toBeGreaterThan(0);
    }, 600_000);
  }
});
