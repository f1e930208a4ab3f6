// @vitest-environment happy-dom
import { afterEach, describe, expect, it } from "vitest";
import * as Y from "yjs";
import { QuotaExceededError, TaikuPlugin } from "./index";
import { MockHost } from "./testing/index";

const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const cleanup of cleanups.splice(0)) cleanup();
});

/** What a user sees of a session KV document: its entries and its notes. */
function snapshot(doc: Y.Doc): { kv: Record<string, unknown>; notes: string } {
  return { kv: doc.getMap("kv").toJSON(), notes: doc.getText("notes").toString() };
}

function start(data: ConstructorParameters<typeof MockHost>[0] = {}) {
  const host = new MockHost(data);
  const plugin = new TaikuPlugin();
  cleanups.push(() => plugin.close(), () => host.dispose());
  return { host, plugin };
}

describe("sharedDoc", () => {
  it("opens with the session KV the host already holds", async () => {
    const { plugin } = start({ data: { pluginData: { build: "green" } } });
    const doc = await plugin.sharedDoc();
    expect(doc.getMap("kv").get("build")).toBe("green");
    expect(await plugin.sharedDoc()).toBe(doc);
  });

  it("a local change reaches the host and other participants; theirs reach the plugin", async () => {
    const { host, plugin } = start();
    const other = host.addParticipant();
    const doc = await plugin.sharedDoc();
    doc.getMap("kv").set("owner", "plugin");
    other.doc.getArray<string>("log").push(["from the other participant"]);
    await host.settle();
    expect(host.kv.get("owner")).toBe("plugin");
    expect(other.doc.getMap("kv").get("owner")).toBe("plugin");
    expect(doc.getArray("log").toArray()).toEqual(["from the other participant"]);
  });

  it("two participants writing the same session KV concurrently converge", async () => {
    const { host, plugin } = start();
    const other = host.addParticipant();
    const doc = await plugin.sharedDoc();
    host.goOffline();
    other.goOffline();
    const mine = doc.getMap("kv");
    const theirs = other.doc.getMap("kv");
    mine.set("status", "building");
    mine.set("mine", 1);
    theirs.set("status", "deploying");
    theirs.set("theirs", 2);
    doc.getText("notes").insert(0, "plugin wrote this. ");
    other.doc.getText("notes").insert(0, "other wrote this. ");
    await host.settle();
    host.goOnline();
    other.goOnline();
    await host.settle();
    const expected = snapshot(host.relay.doc);
    expect(snapshot(doc)).toEqual(expected);
    expect(snapshot(other.doc)).toEqual(expected);
    expect(expected.kv).toMatchObject({ mine: 1, theirs: 2 });
    expect(["building", "deploying"]).toContain(expected.kv.status);
    expect(expected.notes).toContain("plugin wrote this. ");
    expect(expected.notes).toContain("other wrote this. ");
  });

  it("a local change past the quota throws QuotaExceededError, is undone, and never leaves the plugin", async () => {
    const { host, plugin } = start();
    const doc = await plugin.sharedDoc();
    const kv = doc.getMap("kv");
    kv.set("keep", "x".repeat(60_000));
    await host.settle();
    const seenByHost = host.callsTo("kv.update").length;
    let thrown: unknown;
    try {
      doc.transact(() => {
        kv.set("keep", "changed");
        doc.getText("essay").insert(0, "y".repeat(70_000));
      });
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(QuotaExceededError);
    expect(thrown).toMatchObject({ limit: 65_536 });
    expect(kv.get("keep")).toBe("x".repeat(60_000));
    expect(doc.getText("essay").toString()).toBe("");
    await host.settle();
    expect(host.kv.get("keep")).toBe("x".repeat(60_000));
    expect(host.rejections).toEqual([]);
    expect(host.callsTo("kv.update").length).toBeLessThanOrEqual(seenByHost + 1);
    expect(host.relay.liveBytes()).toBeLessThanOrEqual(65_536);
    kv.set("after", "still works");
    await host.settle();
    expect(host.kv.get("after")).toBe("still works");
  });

  it("when concurrent writes overflow, the relay compensates and the plugin hears kv:rejected", async () => {
    const { host, plugin } = start();
    const other = host.addParticipant();
    const doc = await plugin.sharedDoc();
    const rejected: string[][] = [];
    plugin.on("kv:rejected", (event) => rejected.push(event.data.revertedKeys));
    other.goOffline();
    other.kv.set("theirs", "t".repeat(40_000));
    doc.getMap("kv").set("mine", "m".repeat(40_000));
    await host.settle();
    other.goOnline();
    await host.settle();
    expect(other.rejections.map((r) => r.revertedKeys)).toEqual([["theirs"]]);
    expect(rejected).toEqual([]);
    const expected = snapshot(host.relay.doc);
    expect(Object.keys(expected.kv)).toEqual(["mine"]);
    expect(snapshot(doc)).toEqual(expected);
    expect(snapshot(other.doc)).toEqual(expected);

    doc.getMap("kv").delete("mine");
    await host.settle();
    host.goOffline();
    doc.getMap("kv").set("mine", "short");
    doc.getMap("kv").set("more", "z".repeat(30_000));
    other.kv.set("theirs", "t".repeat(40_000));
    await host.settle();
    host.goOnline();
    await host.settle();
    expect(rejected).toEqual([["mine", "more"]]);
    expect(snapshot(doc)).toEqual(snapshot(host.relay.doc));
    expect(snapshot(other.doc)).toEqual(snapshot(host.relay.doc));
    expect(Object.keys(doc.getMap("kv").toJSON())).toEqual(["theirs"]);
    expect(host.relay.liveBytes()).toBeLessThanOrEqual(65_536);
  });

  it("a sharedDoc write past the quota on the host is undone there, the error is caught, kv:rejected arrives, and the replica ends equal to the host's", async () => {
    const { host, plugin } = start();
    const other = host.addParticipant();
    const doc = await plugin.sharedDoc();
    const rejected: unknown[] = [];
    plugin.on("kv:rejected", (event) => rejected.push(event.data));
    // The other participant's write reaches the host at once, the plugin's replica only after the plugin wrote.
    other.kv.set("theirs", "t".repeat(40_000));
    let caught: unknown;
    try {
      await plugin.transact((replica) => replica.getMap("kv").set("mine", "m".repeat(40_000)));
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(QuotaExceededError);
    expect(caught).toMatchObject({ limit: 65_536 });
    expect((caught as QuotaExceededError).attempted).toBeGreaterThan(80_000);
    expect(rejected).toEqual([expect.objectContaining({ revertedKeys: ["mine"], revertedTypes: [], limit: 65_536 })]);
    await host.settle();
    const expected = snapshot(host.kv.doc);
    expect(Object.keys(expected.kv)).toEqual(["theirs"]);
    expect(snapshot(doc)).toEqual(expected);
    expect(Y.encodeStateVector(doc)).toEqual(Y.encodeStateVector(host.kv.doc));
    expect(snapshot(host.relay.doc)).toEqual(expected);
    expect(snapshot(other.doc)).toEqual(expected);
    expect(host.relay.liveBytes()).toBeLessThanOrEqual(65_536);
    expect(host.rejections).toEqual([]);
    const usage = await plugin.getPluginDataUsage();
    expect(usage).toEqual({ used: host.relay.liveBytes(), limit: 65_536 });
    // The plugin keeps writing, and its later changes are not lost.
    await plugin.transact((replica) => replica.getMap("kv").set("small", 1));
    await host.settle();
    expect(host.relay.doc.getMap("kv").get("small")).toBe(1);
  });

  it("transact rejects a change this replica already refuses, and resolves one the host accepts", async () => {
    const { host, plugin } = start();
    await expect(plugin.transact((doc) => doc.getText("essay").insert(0, "e".repeat(70_000)))).rejects.toBeInstanceOf(QuotaExceededError);
    await expect(plugin.transact((doc) => doc.getText("essay").insert(0, "short"))).resolves.toBeUndefined();
    await host.settle();
    expect(host.kv.doc.getText("essay").toString()).toBe("short");
  });
});
