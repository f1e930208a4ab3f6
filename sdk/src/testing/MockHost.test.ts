// @vitest-environment happy-dom
import { createInit, type PluginId, type SessionId } from "@taiku/engine";
import { afterEach, describe, expect, it } from "vitest";
import { TaikuPlugin } from "../index";
import { MockHost } from "./index";

const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const cleanup of cleanups.splice(0)) cleanup();
});

function track<T extends { close?: () => void; dispose?: () => void }>(thing: T): T {
  cleanups.push(() => (thing.dispose ?? thing.close)?.call(thing));
  return thing;
}

describe("MockHost", () => {
  it("refuses permissions that do not exist instead of granting nothing silently", () => {
    expect(() => new MockHost({ permissions: ["terminal.rw" as never] })).toThrow(/unknown permission "terminal.rw"/);
  });

  it("a plugin created after a host was disposed waits for the next host", async () => {
    new MockHost({ pluginId: "first" }).dispose();
    const plugin = track(new TaikuPlugin({ timeout: 2_000 }));
    const ready = plugin.ready();
    track(new MockHost({ pluginId: "second" }));
    await ready;
    expect(plugin.pluginId).toBe("second");
  });

  it("ignores an init posted by a window other than the parent", async () => {
    const forged = new MessageChannel();
    cleanups.push(() => forged.port1.close());
    const plugin = track(new TaikuPlugin({ timeout: 2_000 }));
    const init = createInit({ pluginId: "forged" as PluginId, sessionId: "evil" as SessionId, instanceId: "x", theme: "dark" });
    window.dispatchEvent(new MessageEvent("message", { data: init, ports: [forged.port2], source: null }));
    window.dispatchEvent(new MessageEvent("message", { data: { ...init, extra: 1 }, ports: [forged.port2], source: window }));
    track(new MockHost({ pluginId: "real" }));
    await plugin.ready();
    expect(plugin.pluginId).toBe("real");
  });

  it("sendChat adds to the chat and echoes chat:message only to a plugin allowed to see it", async () => {
    const host = track(new MockHost({ permissions: ["session.write"] }));
    const plugin = track(new TaikuPlugin());
    await plugin.ready();
    const seen: string[] = [];
    plugin.on("*", (event) => seen.push(event.type));
    await plugin.sendChat("deploying now");
    await host.settle();
    expect(host.state.chat.map((message) => message.text)).toEqual(["deploying now"]);
    expect(seen).toEqual([]);
  });

  it("answers with configured data and records every call in order", async () => {
    const host = track(
      new MockHost({
        data: {
          secrets: { token: "s3cret" },
          settings: { interval: 30 },
          otherPluginData: { "build-status": { state: "green" } },
          workspace: { "src/app.ts": "export {};\n", "README.md": "# hi\n" },
        },
      }),
    );
    const plugin = track(new TaikuPlugin());
    await plugin.ready();
    expect(await plugin.getSecret("token")).toBe("s3cret");
    expect(await plugin.getSettings()).toEqual({ interval: 30 });
    expect(await plugin.getOtherPluginData("build-status", "state")).toBe("green");
    expect(await plugin.listFiles()).toEqual([
      { name: "src", kind: "dir", size: 0 },
      { name: "README.md", kind: "file", size: 5 },
    ]);
    expect(await plugin.readFile("src/app.ts")).toBe("export {};\n");
    await plugin.writeFile("notes.txt", "done");
    expect(host.state.workspace?.get("notes.txt")).toBe("done");
    expect(host.calls.map((call) => call.method)).toEqual([
      "getSecret",
      "getSettings",
      "getOtherPluginData",
      "listFiles",
      "readFile",
      "writeFile",
    ]);
  });

  it("a participant's write past the quota is refused locally; one that only overflows at the relay is compensated", () => {
    const host = track(new MockHost());
    const first = host.addParticipant();
    const second = host.addParticipant();
    first.kv.set("a", "x".repeat(40_000));
    expect(() => second.kv.set("b", "y".repeat(40_000))).toThrow(/quota exceeded/);
    second.goOffline();
    first.kv.delete("a");
    second.doc.getMap("kv").delete("a");
    first.kv.set("c", "z".repeat(40_000));
    second.kv.set("b", "y".repeat(40_000));
    second.goOnline();
    expect(second.rejections.map((rejection) => rejection.revertedKeys)).toEqual([["b"]]);
    expect(Object.keys(first.doc.getMap("kv").toJSON())).toEqual(["c"]);
    expect(first.doc.getMap("kv").toJSON()).toEqual(second.doc.getMap("kv").toJSON());
    expect(host.relay.liveBytes()).toBeLessThanOrEqual(65_536);
  });
});
