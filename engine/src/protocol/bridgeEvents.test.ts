import { describe, expect, it } from "vitest";
import { customEventType, eventPermissions, mayReceiveEvent } from "./bridgeEvents";
import { PERMISSIONS, type Permission } from "./permission";

describe("event permissions", () => {
  it("shell output needs events.subscribe and terminal.read", () => {
    expect(eventPermissions("shell:data")).toEqual(["events.subscribe", "terminal.read"]);
    expect(mayReceiveEvent("shell:data", new Set<Permission>(["events.subscribe", "session.read"]))).toBe(false);
  });

  it("session events and custom plugin events need events.subscribe and session.read", () => {
    const reader = new Set<Permission>(["events.subscribe", "session.read"]);
    for (const type of ["chat:message", "user:join", "user:leave", "agent:activity", "shell:open", "shell:exit", customEventType("build.status", "done")]) {
      expect(eventPermissions(type), type).toEqual(["events.subscribe", "session.read"]);
      expect(mayReceiveEvent(type, reader)).toBe(true);
      expect(mayReceiveEvent(type, new Set<Permission>(["session.read"]))).toBe(false);
    }
  });

  it("events about the plugin's own KV and actions, and the host's liveness ping, need no permission", () => {
    for (const type of ["kv:change", "kv:rejected", "kv:update", "action:run", "host:ping"]) {
      expect(mayReceiveEvent(type, new Set())).toBe(true);
    }
  });

  it("unknown and malformed event types are never delivered, even to a plugin holding every permission", () => {
    const everything = new Set<Permission>(PERMISSIONS);
    for (const type of ["secret:leak", "plugin:x", "plugin:Bad Id:x", "toString", "__proto__", "constructor", "shell:input", "fs:response", ""]) {
      expect(eventPermissions(type), type).toBeUndefined();
      expect(mayReceiveEvent(type, everything), type).toBe(false);
    }
  });
});
