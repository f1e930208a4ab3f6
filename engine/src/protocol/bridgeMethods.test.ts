import { describe, expect, it } from "vitest";
import { ErrorCode } from "../errors";
import { admitRequest } from "./admitRequest";
import { createRequest } from "./bridgeMessage";
import { BRIDGE_METHODS, checkMethodParams, isBridgeMethod, requiredPermission } from "./bridgeMethods";
import { isPermission, PERMISSIONS, type Permission } from "./permission";

const ALL: ReadonlySet<Permission> = new Set(PERMISSIONS);
const NONE: ReadonlySet<Permission> = new Set();

describe("the method → permission table", () => {
  it("gives each method the permission DESIGN.md names", () => {
    expect(requiredPermission("getShellOutput")).toBe("terminal.read");
    expect(requiredPermission("writeToShell")).toBe("terminal.write");
    expect(requiredPermission("getOtherPluginData")).toBe("kv.read");
    expect(requiredPermission("listFiles")).toBe("fs.read");
    expect(requiredPermission("readFile")).toBe("fs.read");
    expect(requiredPermission("writeFile")).toBe("fs.write");
    for (const method of ["sendChat", "emit"]) expect(requiredPermission(method)).toBe("session.write");
    for (const method of ["showToast", "setBadge", "setLabels", "setActionEnabled", "openPanel"]) {
      expect(requiredPermission(method)).toBe("ui.panel");
    }
    for (const method of ["getSession", "getUsers", "getShells", "getChat", "getAgentActivity"]) {
      expect(requiredPermission(method)).toBe("session.read");
    }
  });

  it("asks no permission for the plugin's own KV, user data, files, settings and secrets", () => {
    const own = [
      "setPluginData", "getPluginData", "getAllPluginData", "deletePluginData", "getPluginDataUsage",
      "setUserData", "getUserData", "listUserData", "deleteUserData",
      "writePluginFile", "readPluginFile", "listPluginFiles", "deletePluginFile", "getStorageUsage",
      "getSecret", "getSetting", "getSettings", "setSetting", "kv.sync", "kv.update", "reportError", "pong",
    ];
    for (const method of own) expect(requiredPermission(method), method).toBeNull();
  });

  it("has no inherited entries: prototype names are not methods", () => {
    for (const name of ["toString", "__proto__", "constructor", "hasOwnProperty", "valueOf"]) {
      expect(isBridgeMethod(name)).toBe(false);
      expect(requiredPermission(name)).toBeUndefined();
    }
    for (const [, spec] of BRIDGE_METHODS) expect(spec.permission === null || isPermission(spec.permission)).toBe(true);
  });
});

describe("admitRequest", () => {
  it("admits a permitted call with valid parameters", () => {
    const admitted = admitRequest(createRequest("1", "getShellOutput", { shellId: 1, lines: 50 }), ALL);
    expect(admitted).toEqual({ call: { method: "getShellOutput", params: { shellId: 1, lines: 50 } } });
  });

  it("answers an unknown method with method_not_found", () => {
    expect(admitRequest(createRequest("1", "rmRf", {}), ALL).error?.code).toBe(ErrorCode.MethodNotFound);
  });

  it("checks the permission before looking at the parameters", () => {
    const admitted = admitRequest(createRequest("1", "writeToShell", { nonsense: true }), NONE);
    expect(admitted.error).toEqual({ code: ErrorCode.PermissionDenied, message: expect.stringContaining("terminal.write") });
  });

  it("rejects missing, extra and mistyped parameters with invalid_params and the path", () => {
    const cases = [
      createRequest("1", "writeToShell", { shellId: 1 }),
      createRequest("1", "writeToShell", { shellId: "sh1", data: "ls\n" }),
      createRequest("1", "writeToShell", { shellId: 0, data: "ls\n" }),
      createRequest("1", "writeToShell", { shellId: 1, data: "ls\n", sudo: true }),
      createRequest("1", "getShellOutput", { shellId: 1, lines: -1 }),
      createRequest("1", "showToast", { message: "hi", kind: "blink" }),
      createRequest("1", "setPluginData", { key: "", value: 1 }),
      createRequest("1", "setPluginData", { key: "a", value: new Uint8Array(1) }),
      createRequest("1", "writePluginFile", { name: "../etc/passwd", data: "x" }),
      createRequest("1", "writePluginFile", { name: "..", data: "x" }),
      createRequest("1", "getOtherPluginData", { pluginId: "Not-An-Id", key: "a" }),
      createRequest("1", "emit", { name: "Has Spaces", data: null }),
      createRequest("1", "kv.update", { update: "not bytes" }),
      createRequest("1", "reportError", {}),
      createRequest("1", "reportError", { message: "x".repeat(2001) }),
      createRequest("1", "reportError", { message: "boom", stack: "s".repeat(8001) }),
      createRequest("1", "reportError", { message: "boom", secret: "extra" }),
      createRequest("1", "reportError", { message: 42 }),
      createRequest("1", "pong", {}),
      createRequest("1", "pong", { n: "1" }),
      createRequest("1", "pong", { n: -1 }),
      createRequest("1", "pong", { n: 1.5 }),
    ];
    for (const request of cases) {
      const admitted = admitRequest(request, ALL);
      expect(admitted.error?.code, JSON.stringify(request.params)).toBe(ErrorCode.InvalidParams);
      expect(admitted.error?.message).toMatch(/params/);
    }
  });

  it("accepts binary plugin files and Yjs updates as Uint8Array", () => {
    expect(checkMethodParams("writePluginFile", { name: "a.bin", data: new Uint8Array([1, 2]) })).toBeUndefined();
    expect(checkMethodParams("kv.sync", { stateVector: new Uint8Array([0]) })).toBeUndefined();
    expect(checkMethodParams("setLabels", { labels: [{ id: "l", text: "ok", href: "https://x.test" }] })).toBeUndefined();
    expect(checkMethodParams("setBadge", { panelId: "p", badge: null })).toBeUndefined();
  });

  it("admits a plugin's error report up to 2,000 characters of message and 8,000 of stack, without permissions", () => {
    const report = { message: "x".repeat(2000), stack: "s".repeat(8000) };
    expect(admitRequest(createRequest("1", "reportError", report), NONE)).toEqual({ call: { method: "reportError", params: report } });
    expect(admitRequest(createRequest("1", "reportError", { message: "boom" }), NONE).error).toBeUndefined();
  });

  it("admits a pong answering a host ping, without permissions", () => {
    expect(admitRequest(createRequest("1", "pong", { n: 7 }), NONE)).toEqual({ call: { method: "pong", params: { n: 7 } } });
  });
});
