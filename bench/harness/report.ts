/**
 * Writes the results: `bench/results/<name>.json` per benchmark, one SVG per
 * chart, and `bench/results/report.md` with every benchmark's headlines,
 * tables, charts and notes, in the order they ran.
 */
import { mkdirSync, readFileSync, writeFileSync, existsSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import type { BenchResult, ResultTable } from "./benchResult";
import { crossHeadlines } from "./crossHeadlines";
import { renderBarChart } from "./svgChart";

function markdownTable(table: ResultTable): string {
  const escape = (cell: string): string => cell.replace(/\|/g, "\\|");
  return [
    `**${table.title}**`,
    "",
    `| ${table.columns.map(escape).join(" | ")} |`,
    `| ${table.columns.map(() => "---").join(" | ")} |`,
    ...table.rows.map((row) => `| ${row.map(escape).join(" | ")} |`),
    "",
  ].join("\n");
}

/** Writes `result`'s JSON and charts into `dir`. */
export function writeResult(dir: string, result: BenchResult): void {
  mkdirSync(dir, { recursive: true });
  writeFileSync(path.join(dir, `${result.name}.json`), `${JSON.stringify(result, null, 2)}\n`);
  result.charts.forEach((chart, index) => {
    writeFileSync(path.join(dir, `${result.name}-${index + 1}.svg`), renderBarChart(chart));
  });
}

/**
 * Reads back the result of an earlier run for a benchmark not run this
 * time, so the report stays whole. A file that is not a whole result (cut
 * short, or written by something else under that name) is left out of the
 * report, with the reason, instead of breaking it.
 */
export function readEarlierResult(dir: string, name: string, warn: (message: string) => void = () => {}): BenchResult | undefined {
  const file = path.join(dir, `${name}.json`);
  if (!existsSync(file)) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(file, "utf8"));
  } catch (error) {
    warn(`${file} is not JSON (${String(error)}); ${name} is left out of the report`);
    return undefined;
  }
  if (!isBenchResult(parsed, name)) {
    warn(`${file} is not a benchmark result of ${name}; it is left out of the report (run \`npm run bench -- ${name}\` to refresh it)`);
    return undefined;
  }
  return parsed;
}

function isBenchResult(value: unknown, name: string): value is BenchResult {
  if (typeof value !== "object" || value === null) return false;
  const result = value as Record<string, unknown>;
  const strings = (key: string): boolean => Array.isArray(result[key]) && (result[key] as unknown[]).every((line) => typeof line === "string");
  return (
    result.name === name &&
    typeof result.title === "string" &&
    typeof result.what === "string" &&
    typeof result.ok === "boolean" &&
    strings("headlines") &&
    strings("notes") &&
    Array.isArray(result.tables) &&
    Array.isArray(result.charts)
  );
}

/** Renders the whole report. */
export function renderReport(results: readonly BenchResult[], smoke: boolean): string {
  const cpus = os.cpus();
  const lines: string[] = [
    "# taiku benchmarks",
    "",
    `Generated ${new Date().toISOString()} on ${cpus.length} × ${cpus[0]?.model ?? "unknown CPU"}, ${Math.round(os.totalmem() / 2 ** 30)} GiB, Node ${process.version}${smoke ? " — **smoke sizes** (CI check that the benchmarks run, not figures to quote)" : ""}.`,
    "",
    "Figures are medians over interleaved repetitions with min–max in parentheses. Ratios are taiku divided by the other system: below 1× means taiku uses less (CPU, latency, time, memory). Client harness and servers share the machine, so absolute numbers move with load; ratios are the figures to compare.",
    "",
  ];
  lines.push("## Headlines", "");
  for (const result of results) {
    for (const headline of result.headlines) lines.push(`- **${result.name}**${result.ok ? "" : " (⚠ check failed)"}: ${headline}`);
    if (result.headlines.length === 0) lines.push(`- **${result.name}**: ${result.notes[0] ?? "no headline figures"}`);
  }
  for (const line of crossHeadlines(results)) lines.push(`- **quota × kv-contend**: ${line}`);
  lines.push("");
  for (const result of results) {
    lines.push(`## ${result.name}: ${result.title}${result.ok ? "" : " — ⚠ check failed"}`, "", result.what, "");
    for (const headline of result.headlines) lines.push(`- ${headline}`);
    if (result.headlines.length > 0) lines.push("");
    for (const table of result.tables) lines.push(markdownTable(table));
    result.charts.forEach((_chart, index) => lines.push(`![${result.name} chart ${index + 1}](${result.name}-${index + 1}.svg)`, ""));
    if (result.notes.length > 0) {
      lines.push("Notes:", "");
      for (const note of result.notes) lines.push(`- ${note}`);
      lines.push("");
    }
  }
  return `${lines.join("\n")}\n`;
}
