/**
 * The snapshot policy's rules, as pure decisions over what a document has
 * stored since its last snapshot.
 */
import { describe, expect, it } from "vitest";
import { TaikuError } from "@taiku/engine";
import { SnapshotPolicy } from "./snapshotPolicy";
import { MERGED_TAIL_MAX } from "./storedState";

const policy = new SnapshotPolicy({ everyEvents: 100, maxTailBytes: 10_000, quietMinEvents: 20 });

describe("SnapshotPolicy.dueAfterCommit", () => {
  it("is due after everyEvents events that weigh half the last snapshot", () => {
    expect(policy.dueAfterCommit({ events: 99, bytes: 5_000, snapshotBytes: 10_000 })).toBe(false);
    expect(policy.dueAfterCommit({ events: 100, bytes: 5_000, snapshotBytes: 10_000 })).toBe(true);
    expect(policy.dueAfterCommit({ events: 100, bytes: 1_000, snapshotBytes: 0 })).toBe(true);
  });

  it("waits past everyEvents while the tail is light against a large snapshot, until ten times as many", () => {
    expect(policy.dueAfterCommit({ events: 500, bytes: 4_999, snapshotBytes: 10_000 })).toBe(false);
    expect(policy.dueAfterCommit({ events: 999, bytes: 100, snapshotBytes: 1_000_000 })).toBe(false);
    expect(policy.dueAfterCommit({ events: 1_000, bytes: 100, snapshotBytes: 1_000_000 })).toBe(true);
  });

  it("is due for a heavy tail of few events once it reaches maxTailBytes", () => {
    expect(policy.dueAfterCommit({ events: 3, bytes: 9_999, snapshotBytes: 0 })).toBe(false);
    expect(policy.dueAfterCommit({ events: 3, bytes: 10_000, snapshotBytes: 0 })).toBe(true);
    // Not while those bytes are still light against the last snapshot: each byte appended pays for at most two of snapshot.
    expect(policy.dueAfterCommit({ events: 3, bytes: 10_000, snapshotBytes: 20_001 })).toBe(false);
  });

  it("is never due with no event since the last snapshot", () => {
    expect(new SnapshotPolicy({ maxTailBytes: 1 }).dueAfterCommit({ events: 0, bytes: 0, snapshotBytes: 0 })).toBe(false);
  });
});

describe("SnapshotPolicy.dueWhenQuiet", () => {
  it("snapshots a quiet document whose tail holds quietMinEvents events, however light", () => {
    expect(policy.dueWhenQuiet({ events: 19, bytes: 100, snapshotBytes: 1_000_000 })).toBe(false);
    expect(policy.dueWhenQuiet({ events: 20, bytes: 100, snapshotBytes: 1_000_000 })).toBe(true);
  });

  it("snapshots a quiet document whose tail is due anyway", () => {
    expect(policy.dueWhenQuiet({ events: 2, bytes: 10_000, snapshotBytes: 0 })).toBe(true);
  });

  it("by default leaves alone a quiet tail short enough for a load to merge as bytes", () => {
    const defaults = new SnapshotPolicy();
    expect(defaults.quietMinEvents).toBe(MERGED_TAIL_MAX);
    expect(defaults.dueWhenQuiet({ events: MERGED_TAIL_MAX - 1, bytes: 500, snapshotBytes: 5_000 })).toBe(false);
    expect(defaults.dueWhenQuiet({ events: MERGED_TAIL_MAX, bytes: 500, snapshotBytes: 5_000 })).toBe(true);
  });
});

describe("SnapshotPolicy.dueOnOpen", () => {
  it("snapshots after a load that replayed its tail, however light", () => {
    expect(policy.dueOnOpen({ events: 70, bytes: 100, snapshotBytes: 1_000_000 }, true)).toBe(true);
    expect(policy.dueOnOpen({ events: 70, bytes: 100, snapshotBytes: 1_000_000 }, false)).toBe(false);
  });

  it("snapshots after a load whose tail holds everyEvents events, however light", () => {
    expect(policy.dueOnOpen({ events: 100, bytes: 100, snapshotBytes: 1_000_000 }, false)).toBe(true);
  });

  it("does not snapshot a document opened with no tail", () => {
    expect(policy.dueOnOpen({ events: 0, bytes: 0, snapshotBytes: 10 }, true)).toBe(false);
  });
});

describe("SnapshotPolicy options", () => {
  it("has documented defaults", () => {
    const defaults = new SnapshotPolicy();
    expect(defaults).toMatchObject({ everyEvents: 1_000, maxTailEvents: 10_000, maxTailBytes: 1024 * 1024, quietMs: 2_000 });
    expect(new SnapshotPolicy({ everyEvents: 7 }).maxTailEvents).toBe(70);
  });

  it.each([0, -1, Number.NaN, Number.POSITIVE_INFINITY])("refuses %s for a knob with an invalid_params error", (value) => {
    for (const knob of ["everyEvents", "maxTailEvents", "maxTailBytes", "quietMs", "quietMinEvents"]) {
      let thrown: unknown;
      try {
        new SnapshotPolicy({ [knob]: value });
      } catch (error) {
        thrown = error;
      }
      expect(thrown).toBeInstanceOf(TaikuError);
      expect((thrown as TaikuError).code).toBe("invalid_params");
      expect((thrown as TaikuError).message).toContain(knob);
    }
  });
});
