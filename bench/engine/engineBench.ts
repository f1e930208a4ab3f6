/**
 * Engine benchmark: the cost of quota accounting on a session KV `set`, and
 * of the arbiter on an incoming update.
 *
 * - µs per `set` of a ~50 B value, plain `Y.Map.set` vs the quota-checked
 *   `SessionKv.set`, with 1, 100 and 1,000 keys, after 100,000 overwrites
 *   (a long history), on a replica that is synced (an `update` listener
 *   encodes each change, as the relay's provider does), and with values
 *   whose strings differ from the previous value's (nothing weighed
 *   before can be reused);
 * - µs per incoming update, plain `Y.applyUpdate` vs `Arbiter.apply`.
 *
 * Plain and checked runs alternate in short chunks, in A-B-B-A order so a
 * steady drift in machine speed hurts both alike; each round (one chunk of
 * each) gives a taiku/plain ratio. The overhead is the median of those
 * per-round ratios, which a burst of background load or a GC pause in one
 * chunk cannot move much; the µs figures are the medians over the chunks.
 *
 * One process is not enough: where the compiler places code and objects
 * moves the ratio by several points from one process to the next, more
 * than any spread inside a process. {@link runEngineBenchProcesses} runs the
 * whole benchmark in several fresh processes, one after the other, and
 * reports the median of their figures, with the lowest and highest.
 */
import { execFile } from "node:child_process";
import { fileURLToPath } from "node:url";
import * as Y from "yjs";
import { createArbiter, createSessionKv } from "@taiku/engine";

/** A median with its spread. */
export interface Spread {
  readonly median: number;
  readonly min: number;
  readonly max: number;
}

/** One row of the report. */
export interface EngineRow {
  readonly case: string;
  readonly plainUs: Spread;
  readonly taikuUs: Spread;
  /** Median over the rounds of taiku / plain − 1, as a percentage. */
  readonly overheadPct: number;
  /** 25th and 75th percentiles of the per-round overhead, as percentages. */
  readonly overheadIqrPct: readonly [number, number];
  /** Rounds measured (one plain and one taiku chunk each). */
  readonly rounds: number;
}

/** Options of {@link runEngineBench}. */
export interface EngineBenchOptions {
  /** Tiny sizes for CI. */
  readonly smoke?: boolean;
}

const value = (i: number): { status: string; n: number; by: string } => ({ status: "passing", n: i, by: "build-bot-01234567" });

function quantile(sorted: readonly number[], q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * q))] ?? NaN;
}

function spread(samples: readonly number[]): Spread {
  const sorted = [...samples].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  const median = sorted.length % 2 === 1 ? (sorted[mid] ?? NaN) : ((sorted[mid - 1] ?? NaN) + (sorted[mid] ?? NaN)) / 2;
  return { median, min: sorted[0] ?? NaN, max: sorted.at(-1) ?? NaN };
}

function prepared(keys: number, history: number, synced: boolean): { plain: Y.Doc; taiku: Y.Doc } {
  const make = (): Y.Doc => {
    const doc = new Y.Doc();
    // A replica connected to the relay has a provider encoding every update.
    if (synced) doc.on("update", () => {});
    const map = doc.getMap("kv");
    for (let i = 0; i < Math.max(keys, history); i++) map.set(`key${i % keys}`, value(i));
    return doc;
  };
  return { plain: make(), taiku: make() };
}

/**
 * Values whose strings differ from the previous value's, as values arriving
 * through the bridge often do: no string of one equals a string of the
 * next, so nothing weighed before can be reused. A pool of 64 values parsed
 * from JSON, used in turn: made when its case starts, small enough to stay
 * as warm in cache as a value just received.
 */
function freshValues(): (i: number) => unknown {
  const pool: unknown[] = Array.from({ length: 64 }, (_, i) =>
    JSON.parse(`{"status":"passing-${i % 7}${i}","n":${i},"by":"build-bot-${String(i).padStart(8, "0")}"}`),
  );
  return (i) => pool[i % pool.length];
}

/** Sets through `set`, cycling over `keys` keys from `first`; µs per set. */
function timeSets(ops: number, keys: number, first: number, set: (key: string, v: unknown) => void, make: (i: number) => unknown = value): number {
  const start = performance.now();
  for (let i = first; i < first + ops; i++) set(`key${i % keys}`, make(i));
  return ((performance.now() - start) * 1000) / ops;
}

/** Alternates `plain` and `taiku` chunks in A-B-B-A order and summarises the rounds. */
function interleaved(label: string, rounds: number, plain: (round: number) => number, taiku: (round: number) => number): EngineRow {
  const plainSamples: number[] = [];
  const taikuSamples: number[] = [];
  for (let r = 0; r < rounds; r++) {
    if (r % 2 === 0) {
      plainSamples.push(plain(r));
      taikuSamples.push(taiku(r));
    } else {
      taikuSamples.push(taiku(r));
      plainSamples.push(plain(r));
    }
  }
  return row(label, plainSamples, taikuSamples);
}

function setRow(label: string, keys: number, history: number, chunk: number, rounds: number, synced = false, values?: () => (i: number) => unknown): EngineRow {
  const make = values?.() ?? value;
  const { plain, taiku } = prepared(keys, history, synced);
  const map = plain.getMap("kv");
  const kv = createSessionKv(taiku);
  const plainSet = (k: string, v: unknown): void => void map.set(k, v);
  const taikuSet = (k: string, v: unknown): void => kv.set(k, v as never);
  // Warm-up: both paths compiled before the first measured chunk.
  for (let r = 0; r < 50; r++) {
    timeSets(chunk, keys, 0, plainSet, make);
    timeSets(chunk, keys, 0, taikuSet, make);
  }
  return interleaved(
    label,
    rounds,
    (r) => timeSets(chunk, keys, r * chunk, plainSet, make),
    (r) => timeSets(chunk, keys, r * chunk, taikuSet, make),
  );
}

function row(label: string, plainSamples: readonly number[], taikuSamples: readonly number[]): EngineRow {
  const ratios = plainSamples.map((p, i) => ((taikuSamples[i] ?? NaN) / p - 1) * 100).sort((a, b) => a - b);
  return {
    case: label,
    plainUs: spread(plainSamples),
    taikuUs: spread(taikuSamples),
    overheadPct: spread(ratios).median,
    overheadIqrPct: [quantile(ratios, 0.25), quantile(ratios, 0.75)],
    rounds: ratios.length,
  };
}

function applyRow(ops: number, rounds: number): EngineRow {
  const writer = new Y.Doc();
  const updates: Uint8Array[] = [];
  writer.on("update", (u: Uint8Array) => updates.push(u));
  for (let i = 0; i < ops; i++) writer.getMap("kv").set(`key${i % 100}`, value(i));
  const plain = (): number => {
    const doc = new Y.Doc();
    const start = performance.now();
    for (const u of updates) Y.applyUpdate(doc, u);
    return ((performance.now() - start) * 1000) / ops;
  };
  const taiku = (): number => {
    const arbiter = createArbiter(new Y.Doc());
    const start = performance.now();
    for (const u of updates) arbiter.apply(u, "bench");
    const us = ((performance.now() - start) * 1000) / ops;
    arbiter.destroy();
    return us;
  };
  plain(); // warm-up
  taiku();
  return interleaved("incoming update: Y.applyUpdate vs arbiter.apply (100 keys)", rounds, plain, taiku);
}

/** Runs the engine benchmark and returns its rows. */
export function runEngineBench(options: EngineBenchOptions = {}): EngineRow[] {
  // Chunks of ~0.2 ms: most pairs then run between two preemptions of a busy machine.
  const chunk = 50;
  const rounds = options.smoke ? 20 : 2_000;
  const history = options.smoke ? 5_000 : 100_000;
  return [
    setRow("set, 1 key", 1, 0, chunk, rounds),
    setRow("set, 100 keys", 100, 0, chunk, rounds),
    setRow("set, 1,000 keys", 1_000, 0, chunk, rounds),
    setRow(`set, 1,000 keys after ${history.toLocaleString("en")} overwrites`, 1_000, history, chunk, rounds),
    setRow("set, 100 keys, synced replica (update listener attached)", 100, 0, chunk, rounds, true),
    setRow("set, 100 keys, strings differ from the previous value's", 100, 0, chunk, rounds, false, freshValues),
    applyRow(options.smoke ? 500 : 2_000, options.smoke ? 4 : 40),
  ];
}

/** One case summarised over several processes. */
export interface EngineSummary {
  readonly case: string;
  /** Median over the processes of each process's median µs (min–max over processes). */
  readonly plainUs: Spread;
  readonly taikuUs: Spread;
  /** Median over the processes of each process's overhead, as a percentage. */
  readonly overheadPct: number;
  /** Lowest and highest process overhead, as percentages. */
  readonly overheadRangePct: readonly [number, number];
  readonly processes: number;
}

/** The engine benchmark's result: the summary, and every process's rows. */
export interface EngineBenchResult {
  readonly summary: readonly EngineSummary[];
  readonly runs: ReadonlyArray<readonly EngineRow[]>;
}

/** Processes a full run uses: enough for a median that a single odd process cannot move. */
export const ENGINE_PROCESSES = 5;

const CHILD = fileURLToPath(new URL("./child.ts", import.meta.url));

/**
 * The module loader flags of this process (`--import tsx`), the only ones a
 * child gets: profilers, debuggers or heap settings given to the runner
 * would skew the child's timings, so neither they nor `NODE_OPTIONS` pass.
 */
function loaderFlags(): string[] {
  const flags: string[] = [];
  const argv = process.execArgv;
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i] as string;
    if (flag === "--import" || flag === "--loader" || flag === "--experimental-loader") {
      const value = argv[i + 1];
      if (value !== undefined) flags.push(flag, value);
      i++;
    } else if (/^--(import|loader|experimental-loader)=/.test(flag)) flags.push(flag);
  }
  return flags;
}

/** Runs the benchmark once in a fresh process (the same Node and loader as this one). */
function runChild(smoke: boolean): Promise<EngineRow[]> {
  const args = [...loaderFlags(), CHILD, ...(smoke ? ["--smoke"] : [])];
  const env = { ...process.env };
  delete env.NODE_OPTIONS;
  return new Promise((resolve, reject) => {
    execFile(process.execPath, args, { env, maxBuffer: 1 << 20, timeout: 5 * 60_000 }, (error, stdout, stderr) => {
      if (error) reject(new Error(`engine bench process failed: ${error.message}\n${stderr}`));
      else resolve(JSON.parse(stdout) as EngineRow[]);
    });
  });
}

/** Runs the benchmark in `processes` fresh processes, one after the other, and summarises each case over them. */
export async function runEngineBenchProcesses(options: EngineBenchOptions & { readonly processes: number }): Promise<EngineBenchResult> {
  const runs: EngineRow[][] = [];
  for (let i = 0; i < options.processes; i++) runs.push(await runChild(options.smoke ?? false));
  const summary = (runs[0] ?? []).map((first, index): EngineSummary => {
    const rows = runs.map((run) => run[index] as EngineRow);
    const overheads = spread(rows.map((r) => r.overheadPct));
    return {
      case: first.case,
      plainUs: spread(rows.map((r) => r.plainUs.median)),
      taikuUs: spread(rows.map((r) => r.taikuUs.median)),
      overheadPct: overheads.median,
      overheadRangePct: [overheads.min, overheads.max],
      processes: rows.length,
    };
  });
  return { summary, runs };
}

/** The summary as a Markdown table. */
export function engineTable(rows: readonly EngineSummary[]): string {
  const f = (n: number): string => n.toFixed(2);
  const p = (n: number): string => `${n >= 0 ? "+" : ""}${n.toFixed(1)}%`;
  const lines = ["| case | plain µs (min–max) | taiku µs (min–max) | overhead (min–max over processes) |", "|---|---|---|---|"];
  for (const r of rows) {
    lines.push(
      `| ${r.case} | ${f(r.plainUs.median)} (${f(r.plainUs.min)}–${f(r.plainUs.max)}) | ${f(r.taikuUs.median)} (${f(r.taikuUs.min)}–${f(r.taikuUs.max)}) | ${p(r.overheadPct)} (${p(r.overheadRangePct[0])} … ${p(r.overheadRangePct[1])}) |`,
    );
  }
  return lines.join("\n");
}
