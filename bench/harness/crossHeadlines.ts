/**
 * Headlines that combine two benchmarks: the quota arbiter's extra CPU per
 * update (quota) as a share of the whole relay's CPU per update (taiku in
 * kv-contend at the fixed rate) — the overhead the quota adds to the relay.
 */
import { fmt } from "./benchResult";
import type { BenchResult } from "./benchResult";

function numbers(value: unknown): Record<string, number> {
  if (typeof value !== "object" || value === null) return {};
  return Object.fromEntries(Object.entries(value).filter((entry): entry is [string, number] => typeof entry[1] === "number" && Number.isFinite(entry[1])));
}

/** Combined headlines for the report, from whatever results are present. */
export function crossHeadlines(results: readonly BenchResult[]): string[] {
  const quota = results.find((result) => result.name === "quota");
  const contend = results.find((result) => result.name === "kv-contend");
  if (quota === undefined || contend === undefined) return [];
  const extra = numbers(quota.params.extraUsPerUpdate);
  const relay = numbers(contend.params.taikuCpuMsPer1000);
  const lines: string[] = [];
  for (const [clients, msPer1000] of Object.entries(relay)) {
    const usPerUpdate = msPer1000; // ms per 1,000 updates = µs per update
    const shares = Object.entries(extra).map(([scenario, us]) => `${fmt((us / usPerUpdate) * 100, 2)}% (${scenario})`);
    if (shares.length > 0) lines.push(`Quota overhead relative to the whole relay (taiku, ${clients} clients, ${fmt(usPerUpdate, 0)} µs CPU per update): ${shares.join(", ")}.`);
  }
  return lines;
}
