/**
 * The host bridge over real MessagePorts: every rule of DESIGN.md "The
 * bridge" that a plugin could notice.
 */
import { afterEach, describe, expect, it, vi } from "vitest";
import * as Y from "yjs";
import {
  createConnect,
  createRequest,
  ErrorCode,
  KV_QUOTA_BYTES,
  TaikuError,
  type JsonValue,
  type BridgeValue,
  type Permission,
  type PluginId,
  type PluginManifest,
} from "@taiku/engine";
import { createSessionEvents } from "../session/sessionEvents";
import { createHostKv } from "../kv/createHostKv";
import { createBridgeHost, MAX_INIT_RESENDS, type BridgeHost, type BridgeHostOptions } from "./bridgeHost";
import type { HostKv, HostServices } from "./hostServices";

function manifest(id: string, permissions: Permission[]): PluginManifest {
  return {
    id: id as PluginId,
    name: id,
    entry: "index.html",
    permissions,
    settings: [{ key: "mode", type: "string", label: "Mode", default: "fast" }],
    secrets: [],
    network: [],
    contributions: { panels: [{ id: "main", title: "Main" }], actions: [], statusLabels: [] },
  };
}

function fakeServices() {
  const docs = new Map<string, HostKv>();
  const events = createSessionEvents();
  const services = {
    sessionId: "s1",
    user: { userId: "u1", name: "Ada" },
    sessionInfo: () => ({ title: "Test", ownerId: "u1" }),
    registeredPlugins: () => [],
    participants: () => [],
    shells: () => [{ id: "sh1", number: 1, title: "bash", cwd: "/", host: "h", status: "running" as const }],
    chat: () => [],
    activity: () => [],
    events,
    sendChat: vi.fn(),
    writeToShell: vi.fn(() => ({})),
    publish: vi.fn((type: string, data: JsonValue) => events.emit(type, data)),
    fs: vi.fn(async () => {
      throw new TaikuError(ErrorCode.Unavailable, "no --fs host");
    }),
    kv: (pluginId: string) => {
      let kv = docs.get(pluginId);
      if (kv === undefined) {
        kv = createHostKv(new Y.Doc());
        docs.set(pluginId, kv);
      }
      return kv;
    },
    http: vi.fn(async () => ({ value: null as never })) as HostServices["http"],
    toast: vi.fn(),
    setBadge: vi.fn(),
    setLabels: vi.fn(),
    setActionEnabled: vi.fn(),
    openPanel: vi.fn(),
    settings: () => ({ mode: "fast" }),
    setSetting: vi.fn(),
    secret: () => null,
    layout: () => ({ panels: ["shells"], openPanel: "shells", sidebars: true, theme: "dark" }),
    theme: () => "dark",
  } satisfies HostServices;
  return services;
}

/** A plugin frame stand-in: receives `taiku:init` and its port, and talks on it. */
class FakePlugin {
  port!: MessagePort;
  init: unknown;
  readonly events: { type: string; data: BridgeValue }[] = [];
  private readonly pending = new Map<string, (message: Record<string, unknown>) => void>();
  private next = 0;
  readonly window = {
    postMessage: (message: unknown, _origin: string, transfer: MessagePort[]) => {
      this.init = message;
      const port = transfer[0];
      if (port === undefined) throw new Error("no port transferred");
      this.port = port;
      port.onmessage = (event: MessageEvent) => {
        const data = event.data as Record<string, unknown>;
        if (data.type === "taiku:event") this.events.push(data.event as { type: string; data: BridgeValue });
        else this.pending.get(data.id as string)?.(data);
      };
    },
  } as unknown as Window;

  call(method: string, params: Record<string, BridgeValue> = {}): Promise<Record<string, unknown>> {
    const id = `r${this.next++}`;
    return new Promise((resolve) => {
      this.pending.set(id, resolve);
      this.port.postMessage(createRequest(id, method, params));
    });
  }

  close(): void {
    this.port.close();
  }
}

const tick = () => new Promise((resolve) => setTimeout(resolve, 20));

describe("host bridge", () => {
  let bridge: BridgeHost | undefined;
  const plugins: FakePlugin[] = [];
  afterEach(() => {
    bridge?.dispose();
    for (const plugin of plugins.splice(0)) plugin.close();
  });

  function start(options: BridgeHostOptions = {}) {
    const services = fakeServices();
    bridge = createBridgeHost(services, options);
    const connect = (id: string, permissions: Permission[]) => {
      const plugin = new FakePlugin();
      plugins.push(plugin);
      bridge?.connect(manifest(id, permissions), plugin.window, `${id.replace(/\./g, "_")}-${plugins.length}`);
      return plugin;
    };
    return { services, connect, bridge };
  }

  it("sends taiku:init with the plugin, session and api version", () => {
    const { connect } = start();
    const plugin = connect("notes", []);
    expect(plugin.init).toMatchObject({ type: "taiku:init", pluginId: "notes", sessionId: "s1", apiVersion: 1, theme: "dark" });
  });

  it("stores and reads the plugin's own session KV without any permission", async () => {
    const { connect, services } = start();
    const plugin = connect("notes", []);
    expect(await plugin.call("setPluginData", { key: "a", value: { n: 1 } })).toMatchObject({ result: null });
    expect(await plugin.call("getPluginData", { key: "a" })).toMatchObject({ result: { n: 1 } });
    expect(services.kv("notes").kv.get("a")).toEqual({ n: 1 });
    expect(await plugin.call("getPluginData", { key: "missing" })).toMatchObject({ result: null });
  });

  it("refuses writeToShell without terminal.write, before anything reaches the shell", async () => {
    const { connect, services } = start();
    const plugin = connect("reader", ["session.read", "terminal.read"]);
    const answer = await plugin.call("writeToShell", { shellId: "sh1", data: "rm -rf /\n" });
    expect(answer).toMatchObject({ error: { code: "permission_denied" } });
    expect(services.writeToShell).not.toHaveBeenCalled();
  });

  it("checks the permission before the parameters", async () => {
    const { connect } = start();
    const plugin = connect("reader", []);
    expect(await plugin.call("writeToShell", { nonsense: true })).toMatchObject({ error: { code: "permission_denied" } });
  });

  it("answers unknown and inherited method names with method_not_found", async () => {
    const { connect } = start();
    const plugin = connect("notes", []);
    expect(await plugin.call("toString")).toMatchObject({ error: { code: "method_not_found" } });
    expect(await plugin.call("constructor")).toMatchObject({ error: { code: "method_not_found" } });
    expect(await plugin.call("noSuchMethod")).toMatchObject({ error: { code: "method_not_found" } });
  });

  it("rejects malformed parameters and hostile messages with invalid_params", async () => {
    const { connect } = start();
    const plugin = connect("notes", []);
    expect(await plugin.call("setPluginData", { key: "" , value: 1 })).toMatchObject({ error: { code: "invalid_params" } });
    const answer = new Promise((resolve) => {
      plugin.port.onmessage = (event) => resolve(event.data);
    });
    plugin.port.postMessage({ type: "taiku:request", id: "x1", method: "getPluginData", params: JSON.parse('{"__proto__":{"polluted":true}}') });
    expect(await answer).toMatchObject({ error: { code: "invalid_params" } });
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it("refuses a session KV write over the quota, names the figures and tells the user", async () => {
    const { connect, services } = start();
    const plugin = connect("big", []);
    const answer = await plugin.call("setPluginData", { key: "blob", value: "x".repeat(KV_QUOTA_BYTES) });
    expect(answer).toMatchObject({ error: { code: "quota_exceeded", details: { limit: KV_QUOTA_BYTES, used: 0 } } });
    expect(services.kv("big").kv.get("blob")).toBeUndefined();
    expect(services.toast).toHaveBeenCalledWith("big", expect.stringContaining("bytes"), "warning");
  });

  it("syncs sharedDoc replicas: kv.sync answers the missing state, kv.update applies and reaches other instances", async () => {
    const { connect } = start();
    const first = connect("notes", []);
    const second = connect("notes", []);
    const replica = new Y.Doc();
    replica.getText("body").insert(0, "hello");
    await second.call("kv.sync", { stateVector: Y.encodeStateVector(new Y.Doc()) });
    expect(await first.call("kv.update", { update: Y.encodeStateAsUpdate(replica) })).toMatchObject({ result: null });
    await tick();
    const forwarded = second.events.filter((event) => event.type === "kv:update");
    expect(forwarded.length).toBeGreaterThan(0);
    const mirror = new Y.Doc();
    for (const event of forwarded) Y.applyUpdate(mirror, (event.data as { update: Uint8Array }).update);
    expect(mirror.getText("body").toString()).toBe("hello");
    expect(first.events.some((event) => event.type === "kv:update")).toBe(false);
  });

  it("never drops a sharedDoc update over the quota: applies it with its compensation, sends the frame both, kv:rejected and quota_exceeded", async () => {
    const { connect, services } = start();
    const writer = connect("notes", []);
    const watcher = connect("notes", []);
    await watcher.call("kv.sync", { stateVector: Y.encodeStateVector(new Y.Doc()) });
    const replica = new Y.Doc();
    replica.getText("body").insert(0, "keep ");
    expect(await writer.call("kv.update", { update: Y.encodeStateAsUpdate(replica) })).toMatchObject({ result: null });
    const before = Y.encodeStateVector(replica);
    replica.getText("body").insert(5, "y".repeat(KV_QUOTA_BYTES + 10));
    const answer = await writer.call("kv.update", { update: Y.encodeStateAsUpdate(replica, before) });
    expect(answer).toMatchObject({ error: { code: "quota_exceeded", details: { limit: KV_QUOTA_BYTES } } });
    const host = services.kv("notes").kv.doc;
    expect(host.getText("body").toString()).toBe("keep ");
    const told = writer.events.filter((event) => event.type === "kv:update" || event.type === "kv:rejected");
    expect(told.map((event) => event.type)).toEqual(["kv:update", "kv:rejected"]);
    expect(told[1]?.data).toMatchObject({ revertedKeys: [], revertedTypes: ["body"], limit: KV_QUOTA_BYTES });
    Y.applyUpdate(replica, (told[0]?.data as { update: Uint8Array }).update);
    expect(replica.getText("body").toString()).toBe("keep ");
    expect(Y.encodeStateVector(replica)).toEqual(Y.encodeStateVector(host));
    await tick();
    const mirror = new Y.Doc();
    for (const event of watcher.events) if (event.type === "kv:update") Y.applyUpdate(mirror, (event.data as { update: Uint8Array }).update);
    expect(mirror.getText("body").toString()).toBe("keep ");
    expect(services.toast).toHaveBeenCalledWith("notes", expect.stringContaining("bytes"), "warning");
  });

  it("answers a kv.update whose bytes are not a Yjs update with invalid_params and changes nothing", async () => {
    const { connect, services } = start();
    const plugin = connect("notes", []);
    await plugin.call("setPluginData", { key: "keep", value: "me" });
    const replica = new Y.Doc();
    replica.getMap("kv").set("a", "x".repeat(100));
    const whole = Y.encodeStateAsUpdate(replica);
    for (const garbage of [new Uint8Array([0xff, 0xff, 0xff, 0xff]), whole.slice(0, whole.length - 1)]) {
      expect(await plugin.call("kv.update", { update: garbage })).toMatchObject({ error: { code: "invalid_params" } });
    }
    expect(services.kv("notes").kv.entries()).toEqual([["keep", "me"]]);
    expect(await plugin.call("getPluginData", { key: "keep" })).toMatchObject({ result: "me" });
  });

  it("delivers events only to plugins holding events.subscribe and the event's permission", async () => {
    const { connect, services } = start();
    const terminal = connect("term", ["events.subscribe", "terminal.read"]);
    const sessionOnly = connect("sess", ["events.subscribe", "session.read"]);
    const noSubscribe = connect("quiet", ["terminal.read", "session.read"]);
    services.events.emit("shell:data", { shellId: "sh1", data: "secret output" });
    services.events.emit("chat:message", { id: "m", userId: "u1", name: "Ada", text: "hi", ts: 1 });
    await tick();
    expect(terminal.events.map((e) => e.type)).toEqual(["shell:data"]);
    expect(terminal.events[0]?.data).toEqual({ shellId: 1, data: "secret output" });
    expect(sessionOnly.events.map((e) => e.type)).toEqual(["chat:message"]);
    expect(noSubscribe.events).toEqual([]);
  });

  it("stops a flooding plugin and keeps serving the others", async () => {
    const onFailure = vi.fn();
    const { connect } = start({ rateLimit: { perSecond: 50, burst: 50, floodAfter: 100 }, onFailure });
    const flooder = connect("flood", []);
    const calm = connect("calm", []);
    for (let i = 0; i < 400; i++) flooder.port.postMessage(createRequest(`f${i}`, "getPluginData", { key: "k" }));
    await tick();
    await tick();
    expect(onFailure).toHaveBeenCalledWith(expect.objectContaining({ pluginId: "flood", reason: expect.stringContaining("flooding") }));
    expect(await calm.call("getPluginData", { key: "k" })).toMatchObject({ result: null });
  });

  it("stops a plugin that keeps sending garbage", async () => {
    const onFailure = vi.fn();
    const { connect } = start({ maxStrikes: 5, onFailure });
    const plugin = connect("junk", []);
    for (let i = 0; i < 6; i++) plugin.port.postMessage({ nonsense: i });
    await tick();
    expect(onFailure).toHaveBeenCalledWith(expect.objectContaining({ pluginId: "junk", reason: expect.stringContaining("malformed") }));
  });

  it("turns a failing host method into an internal error and keeps working", async () => {
    const { connect, services } = start();
    services.sendChat.mockImplementation(() => {
      throw new Error("boom");
    });
    const plugin = connect("chatty", ["session.write"]);
    expect(await plugin.call("sendChat", { text: "hi" })).toMatchObject({ error: { code: "internal", message: "boom" } });
    expect(await plugin.call("getPluginData", { key: "k" })).toMatchObject({ result: null });
  });

  it("sends init again for taiku:connect from a live frame that has not spoken, a few times at most, and never after it spoke", async () => {
    const { bridge: host, connect } = start();
    const plugin = connect("notes", []);
    const firstPort = plugin.port;
    const ask = { data: createConnect(), source: plugin.window } as unknown as MessageEvent;
    host.handleWindowMessage(ask);
    expect(host.initsResent).toBe(1);
    expect(plugin.port).not.toBe(firstPort);
    expect(plugin.init).toMatchObject({ type: "taiku:init", pluginId: "notes", sessionId: "s1" });
    for (let i = 0; i < MAX_INIT_RESENDS + 2; i++) host.handleWindowMessage(ask);
    expect(host.initsResent).toBe(MAX_INIT_RESENDS);
    expect(await plugin.call("getPluginData", { key: "k" })).toMatchObject({ result: null });

    const other = connect("other", []);
    expect(await other.call("getPluginData", { key: "k" })).toMatchObject({ result: null });
    const spokenPort = other.port;
    host.handleWindowMessage({ data: createConnect(), source: other.window } as unknown as MessageEvent);
    host.handleWindowMessage({ data: createConnect(), source: {} } as unknown as MessageEvent);
    host.handleWindowMessage({ data: { type: "taiku:connect", apiVersion: 1, pluginId: "admin" }, source: other.window } as unknown as MessageEvent);
    expect(host.initsResent).toBe(MAX_INIT_RESENDS);
    expect(other.port).toBe(spokenPort);
    expect(await other.call("getPluginData", { key: "k" })).toMatchObject({ result: null });
  });

  it("never acts on window messages", async () => {
    const { bridge: host, services } = start();
    const forged = { data: createRequest("evil", "setPluginData", { key: "pwned", value: true }), source: {} } as unknown as MessageEvent;
    host.handleWindowMessage(forged);
    await tick();
    expect(host.ignoredWindowMessages).toBe(1);
    expect(services.kv("notes").kv.get("pwned")).toBeUndefined();
  });

  it("a declared setting reads its manifest default and refuses a value of the wrong type; an undeclared key is stored as plugin state", async () => {
    const { connect, services } = start();
    const plugin = connect("notes", []);
    expect(await plugin.call("getSetting", { key: "mode" })).toMatchObject({ result: "fast" });
    expect(await plugin.call("setSetting", { key: "mode", value: 1 })).toMatchObject({ error: { code: "invalid_params" } });
    expect(services.setSetting).not.toHaveBeenCalled();
    expect(await plugin.call("setSetting", { key: "last_used_shell", value: 3 })).toMatchObject({ result: null });
    expect(services.setSetting).toHaveBeenCalledWith("notes", "last_used_shell", 3);
  });
});
