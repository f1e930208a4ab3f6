import { describe, expect, it } from "vitest";
import { DEFAULT_RETENTION, ErrorCode } from "@taiku/engine";
import { createConfig, loadConfig } from "./config";

describe("retention configuration", () => {
  it("defaults to the engine's window: 10,000 events and 7 days", () => {
    expect(loadConfig({}).retention).toEqual(DEFAULT_RETENTION);
    expect(DEFAULT_RETENTION).toEqual({ keepEvents: 10_000, keepAgeMs: 7 * 24 * 60 * 60 * 1000 });
  });

  it("reads TAIKU_RETENTION_EVENTS and TAIKU_RETENTION_HOURS", () => {
    expect(loadConfig({ TAIKU_RETENTION_EVENTS: "50", TAIKU_RETENTION_HOURS: "2" }).retention).toEqual({ keepEvents: 50, keepAgeMs: 2 * 60 * 60 * 1000 });
    expect(loadConfig({ TAIKU_RETENTION_HOURS: "0" }).retention).toEqual({ keepEvents: 10_000, keepAgeMs: 0 });
  });

  it("a malformed or empty window stops start-up", () => {
    expect(() => loadConfig({ TAIKU_RETENTION_EVENTS: "0" })).toThrow(expect.objectContaining({ code: ErrorCode.InvalidParams }));
    expect(() => loadConfig({ TAIKU_RETENTION_EVENTS: "ten" })).toThrow(/TAIKU_RETENTION_EVENTS/);
    expect(() => loadConfig({ TAIKU_RETENTION_HOURS: "-1" })).toThrow(/TAIKU_RETENTION_HOURS/);
    expect(() => createConfig({ retention: { keepEvents: 1.5 } })).toThrow(expect.objectContaining({ code: ErrorCode.InvalidParams }));
  });
});

describe("TAIKU_TRUST_PROXY", () => {
  it("is off unless set to a yes, and a value that is neither yes nor no stops start-up", () => {
    expect(loadConfig({}).trustProxy).toBe(false);
    for (const yes of ["1", "true", "YES"]) expect(loadConfig({ TAIKU_TRUST_PROXY: yes }).trustProxy).toBe(true);
    for (const no of ["0", "false", "no", ""]) expect(loadConfig({ TAIKU_TRUST_PROXY: no }).trustProxy).toBe(false);
    expect(() => loadConfig({ TAIKU_TRUST_PROXY: "nginx" })).toThrow(/TAIKU_TRUST_PROXY must be 1, true, yes, 0, false or no/);
  });
});
