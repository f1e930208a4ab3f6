import { describe, expect, it } from "vitest";
import * as Y from "yjs";
import { createPluginKvHost } from "../arbiter/createPluginKvHost";
import { validatePluginPackage } from "../manifest/validateManifest";
import { createRequest } from "./bridgeMessage";
import { BRIDGE_HANDLERS, type BridgeHandlerTable } from "./bridgeHandlers";
import { DEFAULT_PLUGIN_FILE_LIMITS } from "./bridgeLimits";
import { createBridgeServer } from "./bridgeServer";
import type { BridgeCaller, BridgeServices } from "./bridgeServices";
import type { PluginId } from "../ids";
import type { RegisteredPlugin, SessionShell, WorkspaceLayout } from "./bridgeTypes";

const registered: RegisteredPlugin = { id: "p", name: "P", version: "1.2.0", permissions: ["terminal.read"], source: "local", serverManaged: false };
const layout: WorkspaceLayout = { panels: ["shells", "files", "git", "p/main"], openPanel: "git", sidebars: false, theme: "light" };

function services(files = new Map<string, Uint8Array>(), otherSynced = true): BridgeServices {
  const shells: SessionShell[] = [
    { id: "tok.a", number: 1, title: "a", cwd: "/", host: "h", status: "running" },
    { id: "tok.b", title: "unnumbered", cwd: "/", host: "h", status: "running" },
  ];
  const kvHost = createPluginKvHost(new Y.Doc());
  const unused = (): never => {
    throw new Error("not used by this test");
  };
  return {
    sessionId: "s",
    session: () => ({ title: "t", ownerId: "o", plugins: [registered] }),
    layout: () => layout,
    participants: () => [],
    shells: () => shells,
    shellOutput: (id, lines) => `${id}:${lines}`,
    writeToShell: unused,
    chat: () => [],
    sendChat: unused,
    activity: () => [],
    publish: unused,
    kv: () => kvHost,
    otherKvSynced: () => Promise.resolve(otherSynced),
    otherPluginData: () => "theirs",
    userKv: { get: unused, set: unused, list: unused, delete: unused },
    files: {
      write: async (_p, name, bytes) => void files.set(name, bytes),
      read: async (_p, name) => files.get(name),
      list: async () => ({ files: [...files].map(([name, bytes]) => ({ name, size: bytes.byteLength })), limits: { ...DEFAULT_PLUGIN_FILE_LIMITS, maxFileBytes: 10 } }),
      delete: unused,
    },
    storedSettings: () => ({}),
    writeSetting: unused,
    secret: () => null,
    toast: unused,
    setBadge: unused,
    setLabels: unused,
    setActionEnabled: unused,
    openPanel: unused,
    fs: unused,
  };
}

const manifest = validatePluginPackage({ name: "p", taiku: { plugins: [{ id: "p", name: "P", entry: "index.html", permissions: ["terminal.read"] }] } }).plugins[0];
if (manifest === undefined) throw new Error("fixture manifest is invalid");
const caller: BridgeCaller = {
  plugin: manifest,
  granted: new Set(manifest.permissions),
  frame: { sendEvent: () => {} },
  sendEvent: () => {},
  reportError: () => {},
  pong: () => {},
  startKvForwarding: () => {},
};

describe("the bridge's request server", () => {
  it("the handler table is exhaustive: a table missing a method does not typecheck", () => {
    const { getSession: _dropped, ...rest } = BRIDGE_HANDLERS;
    // @ts-expect-error a table without getSession is not a BridgeHandlerTable
    const incomplete: BridgeHandlerTable = rest;
    expect(Object.keys(incomplete)).not.toContain("getSession");
  });

  it("maps shell numbers to internal ids, and a number no shell has is not_found", async () => {
    const server = createBridgeServer(services());
    const found = await server.handle(createRequest("1", "getShellOutput", { shellId: 1, lines: 5 }), caller);
    expect(found.kind === "answered" && found.response).toEqual({ type: "taiku:response", id: "1", result: "tok.a:5" });
    const missing = await server.handle(createRequest("2", "getShellOutput", { shellId: 2 }), caller);
    expect(missing.kind === "answered" && missing.error?.code).toBe("not_found");
  });

  it("shapes shell events with numbers and holds back those about a shell without one", () => {
    const server = createBridgeServer(services());
    expect(server.pluginEvent("shell:data", { shellId: "tok.a", data: "x" })).toEqual({ shellId: 1, data: "x" });
    expect(server.pluginEvent("shell:exit", { shellId: "tok.a", code: 0 })).toEqual({ shellId: 1, code: 0 });
    expect(server.pluginEvent("shell:open", { shellId: "tok.a", title: "a", cwd: "/", host: "h", cols: 80, rows: 24 })).toEqual({ id: 1, title: "a", cwd: "/", host: "h", status: "running" });
    expect(server.pluginEvent("shell:data", { shellId: "tok.b", data: "x" })).toBeUndefined();
    expect(server.pluginEvent("chat:message", { text: "hi" })).toEqual({ text: "hi" });
  });

  it("transfers the bytes of a file it reads instead of copying them", async () => {
    const bytes = new Uint8Array([1, 2, 3]);
    const server = createBridgeServer(services(new Map([["f", bytes]])));
    const outcome = await server.handle(createRequest("1", "readPluginFile", { name: "f" }), caller);
    expect(outcome.kind === "answered" && outcome.transfer).toEqual([bytes.buffer]);
  });

  it("a file past the per-file limit is quota_exceeded naming the limit, and nothing is written", async () => {
    const files = new Map<string, Uint8Array>();
    const server = createBridgeServer(services(files));
    const outcome = await server.handle(createRequest("1", "writePluginFile", { name: "f", data: new Uint8Array(11) }), caller);
    expect(outcome.kind === "answered" && outcome.error).toEqual({
      code: "quota_exceeded",
      message: "file is 11 bytes, over the per-file limit (maxFileBytes) of 10 bytes; nothing was written",
      details: { limit: "maxFileBytes", value: 10, attempted: 11 },
    });
    expect(files.size).toBe(0);
  });

  it("a malformed message is reported as such, answered with invalid_params when it carries an id", async () => {
    const server = createBridgeServer(services());
    expect(await server.handle({ nonsense: true }, caller)).toEqual({ kind: "malformed", reason: expect.any(String) });
    const withId = await server.handle({ type: "taiku:request", id: "7", method: "getShells" }, caller);
    expect(withId.kind === "malformed" && withId.response).toMatchObject({ id: "7", error: { code: "invalid_params" } });
  });

  it("an intercepted call is answered with the interceptor's error, after the permission check", async () => {
    const server = createBridgeServer(services(), { intercept: () => ({ code: "unavailable", message: "down" }) });
    const denied = await server.handle(createRequest("1", "getShells", {}), caller);
    expect(denied.kind === "answered" && denied.error?.code).toBe("permission_denied");
    const intercepted = await server.handle(createRequest("2", "getShellOutput", { shellId: 1 }), caller);
    expect(intercepted.kind === "answered" && intercepted.error).toEqual({ code: "unavailable", message: "down" });
  });

  it("getPlugin answers the caller's own registration without a permission, and not_found once it is unregistered", async () => {
    const server = createBridgeServer(services());
    const own = await server.handle(createRequest("1", "getPlugin", {}), caller);
    expect(own.kind === "answered" && own.response).toEqual({ type: "taiku:response", id: "1", result: registered });
    const stranger = { ...caller, plugin: { ...manifest, id: "q" as PluginId } };
    const gone = await server.handle(createRequest("2", "getPlugin", {}), stranger);
    expect(gone.kind === "answered" && gone.error?.code).toBe("not_found");
  });

  it("getLayout answers the screen's layout with session.read, and is permission_denied without it", async () => {
    const server = createBridgeServer(services());
    const denied = await server.handle(createRequest("1", "getLayout", {}), caller);
    expect(denied.kind === "answered" && denied.error?.code).toBe("permission_denied");
    const reader = { ...caller, granted: new Set(["session.read"] as const) };
    const answered = await server.handle(createRequest("2", "getLayout", {}), reader);
    expect(answered.kind === "answered" && answered.response).toEqual({ type: "taiku:response", id: "2", result: layout });
  });

  it("getOtherPluginData is unavailable while the other plugin's document has not synced, and answers once it has", async () => {
    const reader = { ...caller, granted: new Set(["kv.read"] as const) };
    const waiting = await createBridgeServer(services(new Map(), false)).handle(createRequest("1", "getOtherPluginData", { pluginId: "q", key: "k" }), reader);
    expect(waiting.kind === "answered" && waiting.error).toEqual({ code: "unavailable", message: "the session data of q has not synced within 5 s; try again" });
    const synced = await createBridgeServer(services()).handle(createRequest("2", "getOtherPluginData", { pluginId: "q", key: "k" }), reader);
    expect(synced.kind === "answered" && synced.response).toEqual({ type: "taiku:response", id: "2", result: "theirs" });
  });

  it("reportError hands the caller whether the error was thrown while starting", async () => {
    const reports: [string, boolean][] = [];
    const watched = { ...caller, reportError: (report: { message: string }, starting: boolean) => void reports.push([report.message, starting]) };
    const server = createBridgeServer(services());
    await server.handle(createRequest("1", "reportError", { message: "early", starting: true }), watched);
    await server.handle(createRequest("2", "reportError", { message: "later" }), watched);
    expect(reports).toEqual([["early", true], ["later", false]]);
  });
});
