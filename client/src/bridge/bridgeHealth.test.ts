/**
 * The host bridge's view of plugin health over real MessagePorts: reported
 * errors reach the panel's watcher, and an instance that stops answering
 * pings is judged not responding until it answers again.
 */
import { afterEach, describe, expect, it, vi } from "vitest";
import * as Y from "yjs";
import { createRequest, type BridgeValue, type PluginId, type PluginManifest } from "@taiku/engine";
import { createSessionEvents } from "../session/sessionEvents";
import { createHostKv } from "../kv/createHostKv";
import { createBridgeHost, type BridgeHost, type InstanceWatcher } from "./bridgeHost";
import type { HostServices } from "./hostServices";

function manifest(id: string): PluginManifest {
  return {
    id: id as PluginId,
    name: id,
    entry: "index.html",
    permissions: [],
    settings: [],
    secrets: [],
    network: [],
    contributions: { panels: [{ id: "main", title: "Main" }], actions: [], statusLabels: [] },
  };
}

/** Only what `connect` and the health methods touch. */
function services(): HostServices {
  const kv = createHostKv(new Y.Doc());
  return { sessionId: "s1", events: createSessionEvents(), kv: () => kv, theme: () => "dark" } as unknown as HostServices;
}

/** A plugin frame stand-in that answers pings like the SDK while `alive`. */
class FakePlugin {
  port!: MessagePort;
  alive: boolean;
  pings = 0;
  private readonly answers = new Map<string, (message: Record<string, unknown>) => void>();
  private next = 0;
  readonly window = {
    postMessage: (_message: unknown, _origin: string, transfer: MessagePort[]) => {
      const port = transfer[0];
      if (port === undefined) throw new Error("no port transferred");
      this.port = port;
      port.onmessage = (event: MessageEvent) => {
        const data = event.data as Record<string, unknown>;
        const inner = data.event as { type: string; data: { n: number } } | undefined;
        if (data.type === "taiku:event" && inner?.type === "host:ping") {
          this.pings++;
          if (this.alive) void this.call("pong", { n: inner.data.n });
        } else if (data.type === "taiku:response") {
          this.answers.get(data.id as string)?.(data);
        }
      };
    },
  } as unknown as Window;

  constructor(alive: boolean) {
    this.alive = alive;
  }

  call(method: string, params: Record<string, BridgeValue>): Promise<Record<string, unknown>> {
    const id = `r${this.next++}`;
    return new Promise((resolve) => {
      this.answers.set(id, resolve);
      this.port.postMessage(createRequest(id, method, params));
    });
  }
}

const wait = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe("plugin health in the host bridge", () => {
  let bridge: BridgeHost | undefined;
  afterEach(() => bridge?.dispose());

  function connect(id: string, alive: boolean) {
    bridge ??= createBridgeHost(services(), { liveness: { intervalMs: 20, timeoutMs: 100 } });
    const plugin = new FakePlugin(alive);
    const watcher = { onError: vi.fn(), onResponsiveChange: vi.fn() } satisfies InstanceWatcher;
    const disconnect = bridge.connect(manifest(id), plugin.window, `${id}-1`, watcher);
    return { plugin, watcher, disconnect };
  }

  it("hands a reported error to the panel with its message and stack, and the plugin keeps working", async () => {
    const { plugin, watcher } = connect("thrower", true);
    expect(await plugin.call("reportError", { message: "TypeError: x is undefined", stack: "at click" })).toMatchObject({ result: null });
    expect(watcher.onError).toHaveBeenCalledWith({ message: "TypeError: x is undefined", stack: "at click" }, false);
    // Thrown before ready(): the panel shows it as a failed start, until the plugin makes a call after all.
    expect(await plugin.call("reportError", { message: "early", starting: true })).toMatchObject({ result: null });
    expect(watcher.onError).toHaveBeenLastCalledWith({ message: "early" }, true);
    expect(await plugin.call("setPluginData", { key: "k", value: 1 })).toMatchObject({ result: null });
    expect(await plugin.call("reportError", { message: "late start", starting: true })).toMatchObject({ result: null });
    expect(watcher.onError).toHaveBeenLastCalledWith({ message: "late start" }, false);
  });

  it("refuses an oversized or malformed error report and shows nothing", async () => {
    const { plugin, watcher } = connect("thrower", true);
    expect(await plugin.call("reportError", { message: "x".repeat(2001) })).toMatchObject({ error: { code: "invalid_params" } });
    expect(await plugin.call("reportError", { message: "m", stack: "s".repeat(8001) })).toMatchObject({ error: { code: "invalid_params" } });
    expect(await plugin.call("reportError", { message: "m", html: "<img onerror=x>" })).toMatchObject({ error: { code: "invalid_params" } });
    expect(watcher.onError).not.toHaveBeenCalled();
  });

  it("shows a plugin that stops answering pings as not responding, and clears it when pongs resume", async () => {
    const { plugin, watcher } = connect("hanger", true);
    const other = connect("steady", true);
    await wait(60);
    expect(plugin.pings).toBeGreaterThan(0);
    plugin.alive = false;
    await vi.waitFor(() => expect(watcher.onResponsiveChange).toHaveBeenCalledWith(false), { timeout: 2000 });
    plugin.alive = true;
    await vi.waitFor(() => expect(watcher.onResponsiveChange).toHaveBeenLastCalledWith(true), { timeout: 2000 });
    expect(other.watcher.onResponsiveChange).not.toHaveBeenCalled();
  });

  it("never judges a plugin that has never answered a ping", async () => {
    const { plugin, watcher } = connect("raw", false);
    await wait(300);
    expect(plugin.pings).toBeGreaterThan(3);
    expect(watcher.onResponsiveChange).not.toHaveBeenCalled();
  });

  it("stops pinging and reporting once the plugin is disconnected", async () => {
    const { plugin, watcher, disconnect } = connect("gone", true);
    await wait(60);
    disconnect();
    const pings = plugin.pings;
    await wait(200);
    expect(plugin.pings).toBe(pings);
    expect(watcher.onResponsiveChange).not.toHaveBeenCalled();
  });
});
