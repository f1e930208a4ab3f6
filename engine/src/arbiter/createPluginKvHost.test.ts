import { describe, expect, it } from "vitest";
import * as Y from "yjs";
import { QuotaExceededError } from "../errors";
import { KV_QUOTA_BYTES, liveBytes } from "../kv/liveSize";
import type { BridgeValue } from "../protocol/bridgeValue";
import { createArbiter, MalformedUpdateError } from "./createArbiter";
import { createPluginKvHost } from "./createPluginKvHost";

const big = (n: number): string => "x".repeat(n);

/** A plugin frame: its own replica, fed by the events the host sends it. */
class Frame {
  readonly doc = new Y.Doc();
  readonly events: { type: string; data: BridgeValue }[] = [];
  sendEvent(type: string, data: BridgeValue): void {
    this.events.push({ type, data });
    if (type === "kv:update") Y.applyUpdate(this.doc, (data as { update: Uint8Array }).update, this);
  }
  /** A change made on the frame's replica, as the update it would send. */
  change(edit: (doc: Y.Doc) => void): Uint8Array {
    const before = Y.encodeStateVector(this.doc);
    edit(this.doc);
    return Y.encodeStateAsUpdate(this.doc, before);
  }
}

/** A host replica, what it forwards (as a sync provider would), and a relay fed from that. */
function setup() {
  const doc = new Y.Doc();
  const host = createPluginKvHost(doc);
  const forwarded: Uint8Array[] = [];
  doc.on("update", (update: Uint8Array) => forwarded.push(update));
  const relayDoc = new Y.Doc();
  const relay = createArbiter(relayDoc);
  const frame = new Frame();
  Y.applyUpdate(frame.doc, Y.encodeStateAsUpdate(doc));
  return { doc, host, forwarded, relayDoc, relay, frame };
}

function content(doc: Y.Doc): unknown {
  return { kv: doc.getMap("kv").toJSON(), notes: doc.getText("notes").toString() };
}

describe("the judge on a host's plugin replica", () => {
  it("an over-quota sharedDoc update is applied with its compensation, never dropped: frame, host and relay end equal and within quota", () => {
    const { doc, host, forwarded, relayDoc, relay, frame } = setup();
    // The host already holds a write the frame has not seen yet.
    host.kv.set("theirs", big(40_000));
    const update = frame.change((d) => d.getMap("kv").set("mine", big(40_000)));

    let error: unknown;
    try {
      host.applyPluginUpdate(update, frame);
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(QuotaExceededError);
    expect(error).toMatchObject({ limit: KV_QUOTA_BYTES, used: host.kv.liveBytes() });
    expect((error as QuotaExceededError).attempted).toBeGreaterThan(80_000);
    expect(frame.events.map((event) => event.type)).toEqual(["kv:update", "kv:rejected"]);
    expect(frame.events[1]?.data).toMatchObject({ revertedKeys: ["mine"], revertedTypes: [], limit: KV_QUOTA_BYTES });

    // The frame hears the host's earlier write as every frame does; then all replicas agree.
    Y.applyUpdate(frame.doc, Y.encodeStateAsUpdate(doc, Y.encodeStateVector(frame.doc)), frame);
    expect(content(frame.doc)).toEqual(content(doc));
    expect(Y.encodeStateVector(frame.doc)).toEqual(Y.encodeStateVector(doc));
    expect(doc.getMap("kv").has("mine")).toBe(false);

    // One forwarded update carries the plugin's update and its compensation: the relay never sees the over-quota state.
    for (const sent of forwarded) expect(relay.apply(sent, "host").accepted).toBe(true);
    expect(content(relayDoc)).toEqual(content(doc));
    expect(liveBytes(relayDoc)).toBeLessThanOrEqual(KV_QUOTA_BYTES);
  });

  it("an update within quota is applied once, with the frame as origin, and the frame hears nothing back", () => {
    const { doc, host, frame } = setup();
    const origins: unknown[] = [];
    doc.on("update", (_update: Uint8Array, origin: unknown) => origins.push(origin));
    host.applyPluginUpdate(
      frame.change((d) => d.getMap("kv").set("status", "green")),
      frame,
    );
    expect(doc.getMap("kv").get("status")).toBe("green");
    expect(origins).toEqual([frame]);
    expect(frame.events).toEqual([]);
    expect(host.usage()).toEqual({ used: host.kv.liveBytes(), limit: KV_QUOTA_BYTES });
  });

  it("a compensated text insert leaves the text as it was, on the host and the frame", () => {
    const { doc, host, frame } = setup();
    host.applyPluginUpdate(
      frame.change((d) => d.getText("notes").insert(0, "keep me")),
      frame,
    );
    host.kv.set("theirs", big(60_000));
    Y.applyUpdate(frame.doc, Y.encodeStateAsUpdate(doc, Y.encodeStateVector(frame.doc)));
    const overflow = frame.change((d) => d.getText("notes").insert(4, big(10_000)));
    expect(() => host.applyPluginUpdate(overflow, frame)).toThrow(QuotaExceededError);
    expect(doc.getText("notes").toString()).toBe("keep me");
    expect(frame.doc.getText("notes").toString()).toBe("keep me");
    expect(frame.events.at(-1)?.data).toMatchObject({ revertedKeys: [], revertedTypes: ["notes"] });
  });

  it("a hostile frame's bytes that are not an update are refused and change nothing", () => {
    const { doc, host, frame } = setup();
    host.kv.set("a", 1);
    const before = content(doc);
    for (const garbage of [new Uint8Array([1, 2, 3, 4, 5, 6, 7]), new Uint8Array(0), new Uint8Array([0xff, 0xff, 0xff, 0xff])]) {
      let caught: unknown = null;
      try {
        host.applyPluginUpdate(garbage, frame);
      } catch (error) {
        caught = error;
      }
      if (caught !== null) expect(caught).toBeInstanceOf(MalformedUpdateError);
      expect(content(doc)).toEqual(before);
    }
    expect(host.kv.liveBytes()).toBe(liveBytes(doc));
  });

  it("a truncated update whose first part applied is reverted in full", () => {
    const { doc, host, frame } = setup();
    const whole = frame.change((d) => {
      d.getMap("kv").set("a", big(100));
      d.getMap("kv").set("b", big(100));
    });
    // Dropping the last byte (the delete set's count) breaks the bytes after the structs were read.
    expect(() => host.applyPluginUpdate(whole.slice(0, whole.length - 1), frame)).toThrow(MalformedUpdateError);
    expect(doc.getMap("kv").toJSON()).toEqual({});
    expect(host.kv.liveBytes()).toBe(0);
  });

  it("a replayed update changes nothing and is accepted", () => {
    const { doc, host, frame } = setup();
    const update = frame.change((d) => d.getMap("kv").set("a", 1));
    host.applyPluginUpdate(update, frame);
    host.applyPluginUpdate(update, frame);
    expect(doc.getMap("kv").toJSON()).toEqual({ a: 1 });
    expect(frame.events).toEqual([]);
  });
});

describe("the judge on the relay's document", () => {
  it("an over-quota client update is compensated; the compensation alone brings the sender back to the relay's state", () => {
    const relayDoc = new Y.Doc();
    const relay = createArbiter(relayDoc);
    const client = new Y.Doc();
    client.getMap("kv").set("a", big(30_000));
    const first = relay.apply(Y.encodeStateAsUpdate(client), "client");
    expect(first.accepted).toBe(true);
    const sv = Y.encodeStateVector(client);
    client.getMap("kv").set("a", big(10));
    client.getMap("kv").set("b", big(70_000));
    const result = relay.apply(Y.encodeStateAsUpdate(client, sv), "client");
    expect(result).toMatchObject({ accepted: false, reason: "quota_exceeded", revertedKeys: ["a", "b"], used: first.liveBytes });
    if (result.accepted || result.compensation === null) throw new Error("expected a compensation");
    Y.applyUpdate(client, result.compensation);
    expect(client.getMap("kv").toJSON()).toEqual({ a: big(30_000) });
    expect(Y.encodeStateVector(client)).toEqual(Y.encodeStateVector(relayDoc));
    expect(relay.liveBytes()).toBe(liveBytes(relayDoc));
    // Another replica receives the update and its compensation together and never holds the over-quota state.
    const other = new Y.Doc();
    Y.applyUpdate(other, Y.encodeStateAsUpdate(relayDoc));
    expect(other.getMap("kv").toJSON()).toEqual({ a: big(30_000) });
  });

  it("no observer of the relay's document sees the over-quota state", () => {
    const relayDoc = new Y.Doc();
    const relay = createArbiter(relayDoc);
    const seen: number[] = [];
    relayDoc.getMap("kv").observe(() => seen.push(liveBytes(relayDoc)));
    const client = new Y.Doc();
    client.getMap("kv").set("huge", big(70_000));
    expect(relay.apply(Y.encodeStateAsUpdate(client), "client").accepted).toBe(false);
    for (const bytes of seen) expect(bytes).toBeLessThanOrEqual(KV_QUOTA_BYTES);
  });
});
