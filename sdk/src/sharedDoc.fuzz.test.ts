// @vitest-environment happy-dom
/**
 * Seeded merges through `sharedDoc()`: the plugin and two other participants
 * write, delete and edit text with values of random sizes near the quota,
 * going offline and back at random. At the end every replica — the
 * plugin's, the host's, the participants' and the relay's — is equal, and
 * live data is within the quota. `TAIKU_SEED=<n>` reruns one seed.
 */
import { KV_QUOTA_BYTES, liveBytes } from "@taiku/engine";
import * as prng from "lib0/prng";
import { expect, it } from "vitest";
import * as Y from "yjs";
import { QuotaExceededError, TaikuPlugin } from "./index";
import { MockHost } from "./testing/index";

const FIXED_SEED = process.env.TAIKU_SEED === undefined ? undefined : Number(process.env.TAIKU_SEED);
const SEEDS = FIXED_SEED === undefined ? Array.from({ length: 12 }, (_, i) => 9000 + i) : [FIXED_SEED];
const KEYS = ["a", "b", "c", "d"];

function snapshot(doc: Y.Doc): unknown {
  return { kv: doc.getMap("kv").toJSON(), text: doc.getText("text").toString() };
}

/** One random write to `doc`; a local quota refusal is part of the game, anything else is a failure. */
function randomWrite(gen: prng.PRNG, doc: Y.Doc): void {
  try {
    const kv = doc.getMap("kv");
    const choice = prng.int32(gen, 0, 9);
    if (choice < 5) kv.set(prng.oneOf(gen, KEYS), "v".repeat(prng.int32(gen, 1, 30_000)));
    else if (choice < 7) kv.delete(prng.oneOf(gen, KEYS));
    else {
      const text = doc.getText("text");
      if (prng.bool(gen) || text.length === 0) text.insert(prng.int32(gen, 0, text.length), prng.word(gen, 1, 2_000));
      else text.delete(0, Math.min(text.length, prng.int32(gen, 1, 500)));
    }
  } catch (error) {
    if (!(error instanceof QuotaExceededError)) throw error;
  }
}

for (const seed of SEEDS) {
  it(`seed ${seed}: plugin and participants converge within the quota`, async () => {
    const gen = prng.create(seed);
    const host = new MockHost();
    const plugin = await new TaikuPlugin().ready();
    try {
      const doc = await plugin.sharedDoc();
      const others = [host.addParticipant(), host.addParticipant()];
      for (let step = 0; step < 40; step++) {
        const actor = prng.int32(gen, 0, 4);
        if (actor === 0) randomWrite(gen, doc);
        else if (actor <= 2) randomWrite(gen, (others[actor - 1] as (typeof others)[number]).doc);
        else if (actor === 3) (prng.bool(gen) ? host.goOffline() : host.goOnline());
        else {
          const other = prng.oneOf(gen, others);
          if (prng.bool(gen)) other.goOffline();
          else other.goOnline();
        }
        if (prng.int32(gen, 0, 3) === 0) await host.settle();
      }
      host.goOnline();
      for (const other of others) other.goOnline();
      await host.settle();
      const expected = snapshot(host.relay.doc);
      expect(snapshot(doc), `seed ${seed}: plugin`).toEqual(expected);
      for (const other of others) expect(snapshot(other.doc), `seed ${seed}: participant`).toEqual(expected);
      expect(snapshot(host.kv.doc), `seed ${seed}: host`).toEqual(expected);
      expect(liveBytes(host.relay.doc), `seed ${seed}: quota`).toBeLessThanOrEqual(KV_QUOTA_BYTES);
      expect(liveBytes(doc), `seed ${seed}: plugin live bytes`).toBe(liveBytes(host.relay.doc));
    } finally {
      plugin.close();
      host.dispose();
    }
  });
}
