/**
 * Folding a state and the log after it as bytes gives exactly the document
 * a replay gives: every kind of content, concurrent writers, snapshots that
 * already hold part of the tail; anything else comes back as `null`.
 */
import * as prng from "lib0/prng";
import { describe, expect, it } from "vitest";
import * as Y from "yjs";
import { appendUpdates } from "./appendUpdates";

/** Every shared type a replica writes to, read out in full (a subdocument as its guid, bytes as their values). */
function contentOf(doc: Y.Doc): unknown {
  const content = {
    kv: doc.getMap("kv").toJSON(),
    list: doc.getArray("list").toJSON(),
    text: doc.getText("text").toDelta(),
    xml: doc.getXmlFragment("xml").toString(),
  };
  return JSON.parse(JSON.stringify(content, (_, value: unknown) => (value instanceof Y.Doc ? `doc:${value.guid}` : value instanceof Uint8Array ? [...value] : value)));
}

function replay(state: Uint8Array | null, updates: readonly Uint8Array[]): Y.Doc {
  const doc = new Y.Doc();
  doc.transact(() => {
    if (state !== null) Y.applyUpdate(doc, state);
    for (const update of updates) Y.applyUpdate(doc, update);
  });
  return doc;
}

function randomValue(gen: prng.PRNG): unknown {
  switch (prng.int31(gen, 0, 9)) {
    case 0:
      return prng.int31(gen, -100_000, 100_000);
    case 1:
      return prng.real53(gen) * 1e6;
    case 2:
      return prng.utf16String(gen, 12);
    case 3:
      return { nested: [prng.bool(gen), null, prng.word(gen)], n: prng.int31(gen, 0, 9), deep: { x: [1, { y: "z" }] } };
    case 4:
      return Uint8Array.from({ length: prng.int31(gen, 0, 8) }, () => prng.int31(gen, 0, 255));
    case 5:
      return null;
    case 6:
      return prng.int31(gen, 0, 1_000_000) * 1_000_000_007;
    case 7:
      return prng.bool(gen);
    default:
      return `😀 ${prng.word(gen, 0, 6)} é`;
  }
}

/** One random transaction on `doc`, over maps, arrays, text with formats and embeds (when `text`), XML and subdocuments. */
function randomEdit(gen: prng.PRNG, doc: Y.Doc, text: boolean): void {
  const kv = doc.getMap<unknown>("kv");
  const list = doc.getArray<unknown>("list");
  const prose = doc.getText("text");
  const xml = doc.getXmlFragment("xml");
  doc.transact(() => {
    const ops = prng.int31(gen, 1, 3);
    for (let op = 0; op < ops; op++) {
      const kind = prng.int31(gen, 0, 12);
      // Text and XML text are left out when asked: their repeated structs are Yjs's to replay.
      if (!text && (kind === 6 || kind === 7 || kind === 8 || kind === 9)) continue;
      switch (kind) {
        case 0:
        case 1:
          kv.set(`k${prng.int31(gen, 0, 7)}`, randomValue(gen));
          break;
        case 2:
          kv.delete(`k${prng.int31(gen, 0, 7)}`);
          break;
        case 3:
          list.insert(prng.int31(gen, 0, list.length), [randomValue(gen), randomValue(gen)]);
          break;
        case 4:
          if (list.length > 0) {
            const at = prng.int31(gen, 0, list.length - 1);
            list.delete(at, Math.min(list.length - at, prng.int31(gen, 1, 3)));
          }
          break;
        case 5: {
          const nested = new Y.Map<unknown>();
          nested.set("inner", randomValue(gen));
          list.push([nested]);
          break;
        }
        case 6:
          prose.insert(prng.int31(gen, 0, prose.length), prng.utf16String(gen, 6), prng.bool(gen) ? { bold: true } : {});
          break;
        case 7:
          if (prose.length > 0) {
            const at = prng.int31(gen, 0, prose.length - 1);
            prose.delete(at, Math.min(prose.length - at, prng.int31(gen, 1, 4)));
          }
          break;
        case 8:
          if (prose.length > 1) prose.format(0, prng.int31(gen, 1, prose.length), { italic: prng.bool(gen) ? true : null });
          prose.insertEmbed(prng.int31(gen, 0, prose.length), { image: prng.word(gen) });
          break;
        case 9: {
          const element = new Y.XmlElement(prng.oneOf(gen, ["p", "div", "span"]));
          element.setAttribute("data-n", String(prng.int31(gen, 0, 99)));
          element.insert(0, [new Y.XmlText(prng.word(gen))]);
          xml.insert(prng.int31(gen, 0, xml.length), [element]);
          break;
        }
        case 10:
          if (xml.length > 0) xml.delete(prng.int31(gen, 0, xml.length - 1), 1);
          // A hook is an XML node the typings leave out of `insert`.
          else xml.insert(0, [new Y.XmlHook("hook") as unknown as Y.XmlElement]);
          break;
        case 11:
          kv.set(`doc${prng.int31(gen, 0, 2)}`, new Y.Doc({ guid: `sub-${prng.int31(gen, 0, 1_000_000)}` }));
          break;
        default:
          kv.set("json", new Y.Map(Object.entries({ a: randomValue(gen), b: randomValue(gen) })));
      }
    }
  });
}

/**
 * A relay's log over `writers` replicas with random delivery delays: each
 * update enters the log when the relay receives it and reaches the other
 * replicas later, in order, so replicas edit concurrently. Now and then a
 * replica reconnects and sends its state against a state vector the relay
 * had a little earlier: that update repeats structs the log already holds
 * (in whole or in part), as a reconnect's sync step 2 does. A log with
 * `text` edits text and never repeats a struct; one without repeats them.
 */
function relayLog(seed: number, writers: number, length: number, text: boolean): Uint8Array[] {
  const gen = prng.create(seed);
  const replicas = Array.from({ length: writers }, (_, i) => {
    const doc = new Y.Doc();
    doc.clientID = 1_000 + i * 7 + (seed % 5);
    return { doc, outbox: [] as Uint8Array[], inbox: [] as Uint8Array[] };
  });
  const log: Uint8Array[] = [];
  const relay = new Y.Doc();
  const vectors: Uint8Array[] = [Y.encodeStateVector(relay)];
  const receive = (update: Uint8Array): void => {
    log.push(update);
    Y.applyUpdate(relay, update);
    vectors.push(Y.encodeStateVector(relay));
  };
  for (const replica of replicas) {
    replica.doc.on("update", (update: Uint8Array, origin: unknown) => {
      if (origin !== "relay") replica.outbox.push(update);
    });
  }
  while (log.length < length) {
    const replica = prng.oneOf(gen, replicas);
    const roll = prng.int31(gen, 0, 10);
    if (roll < 4) randomEdit(gen, replica.doc, text);
    else if (roll < 7) {
      const update = replica.outbox.shift();
      if (update === undefined) continue;
      receive(update);
      for (const other of replicas) if (other !== replica) other.inbox.push(update);
    } else if (roll === 10 && !text) {
      const stale = vectors[Math.max(0, vectors.length - 1 - prng.int31(gen, 1, 6))] as Uint8Array;
      const resent = Y.encodeStateAsUpdate(replica.doc, stale);
      receive(resent);
      for (const other of replicas) if (other !== replica) other.inbox.push(resent);
    } else {
      const update = replica.inbox.shift();
      if (update !== undefined) Y.applyUpdate(replica.doc, update, "relay");
    }
  }
  return log;
}

describe("appendUpdates", () => {
  const seeds = Number(process.env.TAIKU_FUZZ_SEEDS ?? 60);
  it(`folds a snapshot and the log after it into the replay's document and state vector: text, or maps, lists and XML with repeated structs (${seeds} seeds)`, () => {
    for (let seed = 1; seed <= seeds; seed++) {
      const gen = prng.create(seed * 7919);
      const text = seed % 2 === 0;
      const log = relayLog(seed, prng.int31(gen, 1, 5), prng.int31(gen, 20, 160), text);
      const at = prng.int31(gen, 0, log.length);
      // A snapshot labelled `at` may already hold a few later changes, as the relay's snapshot of a document still committing does.
      const holds = text ? at : Math.min(log.length, at + prng.int31(gen, 0, 3));
      const state = at === 0 && prng.bool(gen) ? null : Y.encodeStateAsUpdate(replay(null, log.slice(0, holds)));
      const tail = log.slice(at);
      const expected = replay(state, tail);
      const folded = appendUpdates(state, tail);
      if (folded === null) throw new Error(`seed ${seed}: the fold refused a relay's log`);
      const opened = new Y.Doc();
      Y.applyUpdate(opened, folded.update);
      expect(contentOf(opened), `seed ${seed}`).toEqual(contentOf(expected));
      expect(Y.decodeStateVector(folded.stateVector), `seed ${seed}`).toEqual(Y.decodeStateVector(Y.encodeStateVector(expected)));
      expect(Y.decodeStateVector(Y.encodeStateVectorFromUpdate(folded.update))).toEqual(Y.decodeStateVector(folded.stateVector));
      // What Yjs itself reads of the fold: the same structs and deletions as its own merge of the parts.
      expect(Y.decodeUpdate(folded.update).ds).toEqual(Y.decodeUpdate(Y.mergeUpdates(state === null ? tail : [state, ...tail])).ds);
    }
  });

  it("leaves to Yjs a repeated text struct whose reading splits a surrogate pair, so the text is what a replay holds", () => {
    const writer = new Y.Doc();
    writer.clientID = 1;
    writer.getText("text").insert(0, "x😀");
    const first = Y.encodeStateAsUpdate(writer);
    // Sent again against a state vector that ends between the pair's halves: its origin falls inside the pair.
    const resent = Y.encodeStateAsUpdate(writer, Y.encodeStateVector(new Map([[1, 2]]) as never));
    expect(appendUpdates(null, [first, resent])).toBeNull();
    expect(appendUpdates(first, [resent])).toBeNull();
  });

  it("cuts a repeated list struct where the run ends: only its new part is added", () => {
    const writer = new Y.Doc();
    writer.clientID = 1;
    const updates: Uint8Array[] = [];
    writer.on("update", (update: Uint8Array) => updates.push(update));
    writer.getArray("list").push(["one"]);
    writer.getArray("list").push(["two", { three: 3 }]);
    // The writer merged both pushes into one struct; sent again from the start, it straddles the end of the log's run.
    const resent = Y.encodeStateAsUpdate(writer);
    for (const tail of [[updates[0]!, resent], [updates[0]!, resent, updates[1]!]]) {
      const folded = appendUpdates(null, tail);
      const opened = new Y.Doc();
      Y.applyUpdate(opened, folded!.update);
      expect(opened.getArray("list").toJSON()).toEqual(["one", "two", { three: 3 }]);
      expect(Y.decodeStateVector(folded!.stateVector)).toEqual(new Map([[1, 3]]));
    }
  });

  it("still folds a repeated map or list struct", () => {
    const writer = new Y.Doc();
    writer.clientID = 1;
    const updates: Uint8Array[] = [];
    writer.on("update", (update: Uint8Array) => updates.push(update));
    writer.getMap("kv").set("a", 1);
    writer.getArray("list").insert(0, [1, 2, 3]);
    const state = Y.encodeStateAsUpdate(writer);
    const folded = appendUpdates(state, updates);
    const opened = new Y.Doc();
    Y.applyUpdate(opened, folded!.update);
    expect(contentOf(opened)).toEqual(contentOf(writer));
  });

  it("folds delete-only updates and empty updates", () => {
    const doc = new Y.Doc();
    const updates: Uint8Array[] = [];
    doc.on("update", (update: Uint8Array) => updates.push(update));
    doc.getArray("list").insert(0, [1, 2, 3, 4]);
    doc.getArray("list").delete(1, 2);
    updates.push(Y.encodeStateAsUpdate(new Y.Doc()));
    const folded = appendUpdates(null, updates);
    const opened = new Y.Doc();
    Y.applyUpdate(opened, folded!.update);
    expect(opened.getArray("list").toJSON()).toEqual([1, 4]);
  });

  it("answers null for a gap, a Skip struct or a client whose run does not start at its first clock", () => {
    const doc = new Y.Doc();
    const updates: Uint8Array[] = [];
    doc.on("update", (update: Uint8Array) => updates.push(update));
    for (let i = 0; i < 4; i++) doc.getMap("kv").set("k", i);
    expect(appendUpdates(null, [updates[0]!, updates[2]!])).toBeNull();
    expect(appendUpdates(null, [Y.mergeUpdates([updates[0]!, updates[2]!])])).toBeNull();
    expect(appendUpdates(null, [updates[1]!])).toBeNull();
    expect(appendUpdates(null, updates)).not.toBeNull();
  });

  it("answers null, never throws, for truncated, extended and random bytes", () => {
    const doc = new Y.Doc();
    doc.getMap("kv").set("k", { a: [1, "two", null] });
    doc.getText("text").insert(0, "hello 😀", { bold: true });
    const update = Y.encodeStateAsUpdate(doc);
    for (let cut = 0; cut < update.byteLength; cut++) expect(appendUpdates(null, [update.subarray(0, cut)]), `cut at ${cut}`).toBeNull();
    expect(appendUpdates(null, [Uint8Array.from([...update, 0])])).toBeNull();
    const gen = prng.create(42);
    for (let i = 0; i < 2_000; i++) {
      const bytes = Uint8Array.from({ length: prng.int31(gen, 0, 40) }, () => prng.int31(gen, 0, 255));
      expect(() => appendUpdates(null, [bytes])).not.toThrow();
    }
  });
});
