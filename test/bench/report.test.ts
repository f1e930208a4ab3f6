/**
 * The benchmark report keeps earlier results of benchmarks not run this
 * time; a results file that is not a whole result must be left out with a
 * reason, not break the run after every benchmark has finished.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import type { BenchResult } from "../../bench/harness/benchResult";
import { readEarlierResult, renderReport, writeResult } from "../../bench/harness/report";

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function resultsDir(): string {
  const dir = mkdtempSync(path.join(tmpdir(), "taiku-bench-results-"));
  dirs.push(dir);
  return dir;
}

const result: BenchResult = {
  name: "cold-load",
  title: "Loading a long history after a restart",
  what: "what was measured",
  ok: true,
  headlines: ["100,000 updates: cold load taiku/baseline 0.30×"],
  notes: [],
  tables: [],
  charts: [],
  params: {},
  data: {},
};

describe("earlier benchmark results", () => {
  it("reads back a result written by an earlier run", () => {
    const dir = resultsDir();
    writeResult(dir, result);
    const read = readEarlierResult(dir, "cold-load");
    expect(read?.headlines).toEqual(result.headlines);
    expect(renderReport(read === undefined ? [] : [read], false)).toContain("cold load taiku/baseline 0.30×");
  });

  it("leaves out, with the reason, a file of another shape or one cut short", () => {
    const dir = resultsDir();
    writeFileSync(path.join(dir, "engine.json"), JSON.stringify({ name: "engine", rows: [] }));
    writeFileSync(path.join(dir, "quota.json"), '{"name": "quota", "headl');
    const warnings: string[] = [];
    expect(readEarlierResult(dir, "engine", (message) => warnings.push(message))).toBeUndefined();
    expect(readEarlierResult(dir, "quota", (message) => warnings.push(message))).toBeUndefined();
    expect(readEarlierResult(dir, "durability", (message) => warnings.push(message))).toBeUndefined();
    expect(warnings).toHaveLength(2);
    expect(warnings[0]).toMatch(/engine\.json is not a benchmark result of engine/);
    expect(warnings[1]).toMatch(/quota\.json is not JSON/);
  });
});
