import * as decoding from "lib0/decoding";
import { describe, expect, it } from "vitest";
import * as Y from "yjs";
import { syncStep2Frame } from "./syncMessages";
import { SyncReplyCache } from "./syncReplyCache";

const EMPTY_STATE_VECTOR = Y.encodeStateVector(new Y.Doc());

describe("SyncReplyCache", () => {
  it("answers repeated requests for the same state with the same bytes while the document is unchanged", () => {
    const doc = new Y.Doc();
    doc.getMap("kv").set("a", 1);
    const cache = new SyncReplyCache(doc);
    const first = cache.replyTo(EMPTY_STATE_VECTOR);
    expect(first).toEqual(syncStep2Frame(doc, EMPTY_STATE_VECTOR));
    expect(cache.replyTo(Uint8Array.from(EMPTY_STATE_VECTOR))).toBe(first);
  });

  it("never answers with a state older than the document's, deletions included", () => {
    const doc = new Y.Doc();
    const kv = doc.getMap("kv");
    kv.set("a", 1);
    kv.set("b", 2);
    const cache = new SyncReplyCache(doc);
    cache.replyTo(EMPTY_STATE_VECTOR);
    kv.delete("a");
    const fresh = new Y.Doc();
    const reply = cache.replyTo(EMPTY_STATE_VECTOR);
    const decoder = decoding.createDecoder(reply);
    decoding.readVarUint(decoder); // message type (sync)
    decoding.readVarUint(decoder); // sync step 2
    Y.applyUpdate(fresh, decoding.readVarUint8Array(decoder));
    expect(fresh.getMap("kv").toJSON()).toEqual({ b: 2 });
  });

  it("answers a different state vector with what that peer lacks", () => {
    const doc = new Y.Doc();
    doc.getMap("kv").set("a", 1);
    const cache = new SyncReplyCache(doc);
    cache.replyTo(EMPTY_STATE_VECTOR);
    const peer = new Y.Doc();
    Y.applyUpdate(peer, Y.encodeStateAsUpdate(doc));
    const peerVector = Y.encodeStateVector(peer);
    expect(cache.replyTo(peerVector)).toEqual(syncStep2Frame(doc, peerVector));
  });
});

describe("SyncReplyCache and empty updates", () => {
  it("keeps its reply across a transaction that changed nothing", () => {
    const doc = new Y.Doc();
    doc.getMap("kv").set("a", 1);
    const cache = new SyncReplyCache(doc);
    const first = cache.replyTo(EMPTY_STATE_VECTOR);
    Y.applyUpdate(doc, Y.encodeStateAsUpdate(new Y.Doc()));
    expect(cache.replyTo(EMPTY_STATE_VECTOR)).toBe(first);
  });
});
