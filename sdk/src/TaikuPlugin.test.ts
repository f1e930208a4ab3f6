// @vitest-environment happy-dom
import { afterEach, describe, expect, it, vi } from "vitest";
import { BridgeError, NotFoundError, PermissionDeniedError, QuotaExceededError, TaikuPlugin, TimeoutError } from "./index";
import { MockHost } from "./testing/index";
import { PERMISSIONS } from "@taiku/engine";

const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const cleanup of cleanups.splice(0)) cleanup();
  vi.restoreAllMocks();
});

function start(options: ConstructorParameters<typeof MockHost>[0] = {}, timeout?: number) {
  const host = new MockHost(options);
  const plugin = new TaikuPlugin(timeout === undefined ? {} : { timeout });
  cleanups.push(() => plugin.close(), () => host.dispose());
  return { host, plugin };
}

describe("TaikuPlugin", () => {
  it("learns its plugin and session ids from the host, whichever is created first", async () => {
    const early = new TaikuPlugin();
    const host = new MockHost({ pluginId: "build.status", sessionId: "s-1" });
    cleanups.push(() => early.close(), () => host.dispose());
    await early.ready();
    expect([early.pluginId, early.sessionId, early.theme]).toEqual(["build.status", "s-1", "dark"]);
    const late = new TaikuPlugin();
    cleanups.push(() => late.close());
    await late.ready();
    expect(late.pluginId).toBe("build.status");
  });

  it("getPlugin() answers the plugin's own registration, and getLayout() the screen, as the host holds them", async () => {
    const { plugin } = start({ pluginId: "build.status", permissions: ["session.read", "ui.panel"] });
    expect(await plugin.getPlugin()).toEqual({
      id: "build.status",
      name: "build.status",
      version: "0.0.0",
      permissions: ["session.read", "ui.panel"],
      source: "local",
      serverManaged: false,
    });
    expect(await plugin.getLayout()).toEqual({ panels: ["shells", "files", "git", "build.status/main"], openPanel: "shells", sidebars: true, theme: "dark" });
  });

  it("getPlugin() carries the manifest's name; openPanel() on MockHost shows that tab in getLayout() and sends layout:change", async () => {
    const { host, plugin } = start({
      pluginId: "board",
      manifest: { name: "Board", permissions: ["session.read", "events.subscribe", "ui.panel"], contributions: { panels: [{ id: "main", title: "Board" }] } },
    });
    expect((await plugin.getPlugin()).name).toBe("Board");
    const seen: string[] = [];
    plugin.on("layout:change", (event) => void seen.push(event.data.openPanel));
    await plugin.openPanel("main");
    await host.settle();
    expect((await plugin.getLayout()).openPanel).toBe("board/main");
    expect(seen).toEqual(["board/main"]);
  });

  it("getLayout() needs session.read; getPlugin() needs no permission", async () => {
    const { plugin } = start({ permissions: [] });
    await expect(plugin.getLayout()).rejects.toBeInstanceOf(PermissionDeniedError);
    expect((await plugin.getPlugin()).id).toBe("test-plugin");
  });

  it("theme follows theme:change and marks the page for /plugin.css", async () => {
    const { host, plugin } = start({ theme: "light" });
    await plugin.ready();
    expect(plugin.theme).toBe("light");
    expect(document.documentElement.dataset.taikuTheme).toBe("light");
    host.emit("theme:change", { theme: "dark" });
    await vi.waitFor(() => expect(plugin.theme).toBe("dark"));
    expect(document.documentElement.dataset.taikuTheme).toBe("dark");
    host.emit("theme:change", { theme: "sepia" });
    await host.settle();
    expect(plugin.theme).toBe("dark");
  });

  it("reading the ids before ready() is an error that says to await ready()", () => {
    const plugin = new TaikuPlugin();
    cleanups.push(() => plugin.close());
    expect(() => plugin.pluginId).toThrow(/await ready/);
  });

  it("answers concurrent calls each with their own result", async () => {
    const { plugin } = start({ data: { chat: [{ id: "m1", userId: "user-1", name: "Owner", text: "hi", ts: 1 }] } });
    const [session, users, chat, output] = await Promise.all([
      plugin.getSession(),
      plugin.getUsers(),
      plugin.getChat(),
      plugin.getShellOutput(1, 1),
    ]);
    expect(session.plugins).toEqual([{ id: "test-plugin", name: "test-plugin", version: "0.0.0", permissions: [...PERMISSIONS], source: "local", serverManaged: false }]);
    expect(users.map((user) => user.name)).toEqual(["Owner", "Guest"]);
    expect(chat.map((message) => message.text)).toEqual(["hi"]);
    expect(output).toBe("ready\n");
  });

  it("a method the plugin has no permission for rejects with PermissionDeniedError and does nothing", async () => {
    const { host, plugin } = start({ permissions: ["session.read"] });
    const error = await plugin.writeToShell(1, "rm -rf /\n").catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PermissionDeniedError);
    expect((error as PermissionDeniedError).code).toBe("permission_denied");
    expect(host.state.shellInput.size).toBe(0);
    expect(host.calls).toEqual([{ method: "writeToShell", params: { shellId: 1, data: "rm -rf /\n" }, error: "permission_denied" }]);
  });

  it("a call the host does not answer in time rejects with TimeoutError", async () => {
    const { host, plugin } = start({}, 50);
    host.delay("getShells", 500);
    await expect(plugin.getShells()).rejects.toBeInstanceOf(TimeoutError);
    host.restore("getShells");
    await expect(plugin.getShells()).resolves.toHaveLength(1);
  });

  it("a plugin no host ever starts times out instead of hanging", async () => {
    const plugin = new TaikuPlugin({ timeout: 30 });
    cleanups.push(() => plugin.close());
    await expect(plugin.getSession()).rejects.toThrow(/no taiku host started this plugin/);
  });

  it("a method the host is told to reject fails with the code it was given", async () => {
    const { host, plugin } = start();
    host.reject("sendChat", "unavailable", "chat is offline");
    const error = await plugin.sendChat("hello").catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BridgeError);
    expect(error).toMatchObject({ code: "unavailable", message: "chat is offline" });
  });

  it("missing shells and files are NotFoundError, missing keys are null", async () => {
    const { plugin } = start();
    await expect(plugin.getShellOutput(99)).rejects.toBeInstanceOf(NotFoundError);
    await expect(plugin.readPluginFile("nope.txt")).rejects.toBeInstanceOf(NotFoundError);
    await expect(plugin.getPluginData("nope")).resolves.toBeNull();
    await expect(plugin.getSecret("token")).resolves.toBeNull();
  });

  it("invalid arguments are refused by the host with invalid_params", async () => {
    const { plugin } = start();
    await expect(plugin.writePluginFile("../escape", "x")).rejects.toMatchObject({ code: "invalid_params" });
    await expect(plugin.emit("Not A Name")).rejects.toMatchObject({ code: "invalid_params" });
  });

  it("a session KV write past 64 KiB rejects with QuotaExceededError naming the figures", async () => {
    const { host, plugin } = start();
    await plugin.setPluginData("small", "x".repeat(1000));
    const error = await plugin.setPluginData("big", "x".repeat(70_000)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(QuotaExceededError);
    expect(error).toMatchObject({ code: "quota_exceeded", limit: 65_536, used: 1007 });
    expect((error as QuotaExceededError).attempted).toBeGreaterThan(65_536);
    expect(host.kv.get("big")).toBeUndefined();
    expect(await plugin.getPluginDataUsage()).toEqual({ used: 1007, limit: 65_536 });
  });

  it("plugin files round-trip as bytes, and usage counts them", async () => {
    const { plugin } = start();
    await plugin.writePluginFile("notes.txt", "héllo");
    await plugin.writePluginFile("blob.bin", new Uint8Array([0, 1, 255]).buffer);
    expect(new Uint8Array(await plugin.readPluginFile("blob.bin"))).toEqual(new Uint8Array([0, 1, 255]));
    expect(new TextDecoder().decode(await plugin.readPluginFile("notes.txt"))).toBe("héllo");
    expect(await plugin.getStorageUsage()).toMatchObject({ totalBytes: 9, fileCount: 2 });
  });

  it("delivers events by type and to '*', and stops after unsubscribe", async () => {
    const { host, plugin } = start();
    await plugin.ready();
    const chat: string[] = [];
    const all: string[] = [];
    const stop = plugin.on("chat:message", (event) => chat.push(event.data.text));
    plugin.on("*", (event) => all.push(event.type));
    host.emit("chat:message", { id: "m1", userId: "user-2", name: "Guest", text: "first", ts: 1 });
    await host.settle();
    stop();
    host.emit("chat:message", { id: "m2", userId: "user-2", name: "Guest", text: "second", ts: 2 });
    host.runAction("refresh");
    await host.settle();
    expect(chat).toEqual(["first"]);
    expect(all).toEqual(["chat:message", "chat:message", "action:run"]);
  });

  it("withholds events the plugin's permissions do not cover", async () => {
    const { host, plugin } = start({ permissions: ["events.subscribe", "session.read"] });
    await plugin.ready();
    const seen: string[] = [];
    plugin.on("*", (event) => seen.push(event.type));
    expect(host.emit("shell:data", { shellId: "shell-1", data: "secret" })).toBe(false);
    expect(host.emit("user:join", { userId: "u3", name: "Visitor", color: "#fff" })).toBe(true);
    await host.settle();
    expect(seen).toEqual(["user:join"]);
  });

  it("ignores forged and malformed messages on its port and keeps working", async () => {
    const { host, plugin } = start();
    await plugin.ready();
    const warn = vi.spyOn(console, "warn").mockImplementation(() => {});
    const pending = plugin.getSession();
    host.emit("chat:message", JSON.parse('{"__proto__":{"admin":true}}'));
    await host.settle();
    expect(warn).toHaveBeenCalledWith(expect.stringMatching(/malformed/));
    expect(({} as Record<string, unknown>).admin).toBeUndefined();
    await expect(pending).resolves.toMatchObject({ title: "Test session" });
  });
});
