/**
 * bridge: `getPluginData` round-trips through the real plugin bridge in
 * Chromium. The measurement itself lives in `bench/bridge/run.ts` (owned
 * with the client); this runs it as a child process (with
 * `TAIKU_BENCH_SMOKE=1` in smoke mode), bounded in time, and puts what it
 * printed into the report: the last JSON object it printed becomes the
 * table, the rest of its output a note. When the script is not there, the
 * report says so.
 */
import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import type { BenchContext, BenchResult, Benchmark } from "../harness/benchResult";

const SCRIPT = path.join(path.dirname(fileURLToPath(import.meta.url)), "..", "bridge", "run.ts");
const REPO_ROOT = path.resolve(path.dirname(SCRIPT), "..", "..");

interface ScriptRun {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
  readonly timedOut: boolean;
}

function runScript(smoke: boolean, timeoutMs: number): Promise<ScriptRun> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ["--import", "tsx", SCRIPT], {
      cwd: REPO_ROOT,
      stdio: ["ignore", "pipe", "pipe"],
      env: { ...process.env, ...(smoke ? { TAIKU_BENCH_SMOKE: "1" } : {}) },
    });
    let stdout = "";
    let stderr = "";
    let timedOut = false;
    child.stdout.setEncoding("utf8").on("data", (chunk: string) => (stdout = (stdout + chunk).slice(-20_000)));
    child.stderr.setEncoding("utf8").on("data", (chunk: string) => (stderr = (stderr + chunk).slice(-4_000)));
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill("SIGKILL");
    }, timeoutMs);
    child.on("exit", (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr, timedOut });
    });
  });
}

/** The last line of `output` that parses as a JSON object. */
function lastJsonObject(output: string): Record<string, unknown> | undefined {
  const lines = output.trim().split("\n").reverse();
  for (const line of lines) {
    const trimmed = line.trim();
    if (!trimmed.startsWith("{")) continue;
    try {
      const parsed: unknown = JSON.parse(trimmed);
      if (typeof parsed === "object" && parsed !== null && !Array.isArray(parsed)) return parsed as Record<string, unknown>;
    } catch (error) {
      if (!(error instanceof SyntaxError)) throw error;
    }
  }
  return undefined;
}

async function run(context: BenchContext): Promise<BenchResult> {
  const base = { name: "bridge", title: "Plugin bridge round-trips in Chromium", charts: [], params: { script: "bench/bridge/run.ts" } };
  const what = "`getPluginData` round-trips from a plugin frame through the real bridge in Chromium: p50/p99 latency and requests/s, as measured by bench/bridge/run.ts.";
  if (!existsSync(SCRIPT)) {
    return { ...base, what, ok: true, headlines: [], notes: ["bench/bridge/run.ts is missing: the bridge benchmark has not been written yet, so nothing was measured."], tables: [], data: { missing: true } };
  }
  context.log("bridge: running bench/bridge/run.ts");
  const result = await runScript(context.smoke, context.smoke ? 150_000 : 600_000);
  const figures = lastJsonObject(result.stdout);
  const ok = result.code === 0 && !result.timedOut;
  const notes: string[] = [];
  if (result.timedOut) notes.push("the script overran its time limit and was killed");
  if (result.code !== 0) notes.push(`the script exited with ${result.code}: ${result.stderr.trim().split("\n").slice(-5).join(" / ")}`);
  if (figures === undefined) notes.push(`output: ${result.stdout.trim().split("\n").slice(-10).join(" / ")}`);
  const rows = figures === undefined ? [] : Object.entries(figures).map(([key, value]) => [key, typeof value === "number" ? String(Math.round(value * 100) / 100) : JSON.stringify(value)]);
  return {
    ...base,
    what,
    ok,
    headlines: figures === undefined ? [] : [`bridge: ${rows.map(([key, value]) => `${key} ${value}`).join(", ")}`],
    notes,
    tables: rows.length === 0 ? [] : [{ title: "Bridge figures", columns: ["figure", "value"], rows }],
    data: { code: result.code, figures, stdout: result.stdout.slice(-4_000) },
  };
}

/** The bridge benchmark (delegates to bench/bridge/run.ts). */
export const bridge: Benchmark = { name: "bridge", run };
