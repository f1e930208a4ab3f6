/**
 * Engine benchmark: the cost of quota accounting on a session KV `set`, and
 * of the arbiter on an incoming update.
 *
 * - µs per `set` of a ~50 B value, plain `Y.Map.set` vs the quota-checked
 *   `SessionKv.set`, with 1, 100 and 1,000 keys, after 100,000 overwrites
 *   (a long history), and on a replica that is synced (an `update`
 *   listener encodes each change, as the relay's provider does);
 * - µs per incoming update, plain `Y.applyUpdate` vs `Arbiter.apply`.
 *
 * Plain and checked runs alternate in short chunks and each figure is the
 * median over the chunks (min–max reported), so background load hurts both
 * alike.
 */
import * as Y from "yjs";
import { createArbiter, createSessionKv } from "@taiku/engine";

/** One row of the report. */
export interface EngineRow {
  readonly case: string;
  readonly plainUs: { median: number; min: number; max: number };
  readonly taikuUs: { median: number; min: number; max: number };
  /** taiku / plain − 1, as a percentage. */
  readonly overheadPct: number;
}

/** Options of {@link runEngineBench}. */
export interface EngineBenchOptions {
  /** Tiny sizes for CI. */
  readonly smoke?: boolean;
}

const value = (i: number): { status: string; n: number; by: string } => ({ status: "passing", n: i, by: "build-bot-01234567" });

function summary(samples: number[]): { median: number; min: number; max: number } {
  const sorted = [...samples].sort((a, b) => a - b);
  return { median: sorted[Math.floor(sorted.length / 2)] ?? NaN, min: sorted[0] ?? NaN, max: sorted.at(-1) ?? NaN };
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

function timeSets(ops: number, keys: number, set: (key: string, v: unknown) => void): number {
  const start = performance.now();
  for (let i = 0; i < ops; i++) set(`key${i % keys}`, value(i));
  return ((performance.now() - start) * 1000) / ops;
}

function setRow(label: string, keys: number, history: number, ops: number, reps: number, synced = false): EngineRow {
  const { plain, taiku } = prepared(keys, history, synced);
  const map = plain.getMap("kv");
  const kv = createSessionKv(taiku);
  const plainSamples: number[] = [];
  const taikuSamples: number[] = [];
  timeSets(ops, keys, (k, v) => map.set(k, v)); // warm-up
  timeSets(ops, keys, (k, v) => kv.set(k, v as never));
  // Short alternating chunks, so a burst of background load hits both sides alike.
  const chunk = Math.max(200, Math.floor(ops / 50));
  for (let r = 0; r < reps * 10; r++) {
    plainSamples.push(timeSets(chunk, keys, (k, v) => map.set(k, v)));
    taikuSamples.push(timeSets(chunk, keys, (k, v) => kv.set(k, v as never)));
  }
  return row(label, plainSamples, taikuSamples);
}

function row(label: string, plainSamples: number[], taikuSamples: number[]): EngineRow {
  const plainUs = summary(plainSamples);
  const taikuUs = summary(taikuSamples);
  return { case: label, plainUs, taikuUs, overheadPct: (taikuUs.median / plainUs.median - 1) * 100 };
}

function applyRow(ops: number, reps: number): EngineRow {
  const writer = new Y.Doc();
  const updates: Uint8Array[] = [];
  writer.on("update", (u: Uint8Array) => updates.push(u));
  for (let i = 0; i < ops; i++) writer.getMap("kv").set(`key${i % 100}`, value(i));
  const plainSamples: number[] = [];
  const taikuSamples: number[] = [];
  for (let r = 0; r < reps + 1; r++) {
    const plain = new Y.Doc();
    let start = performance.now();
    for (const u of updates) Y.applyUpdate(plain, u);
    const plainUs = ((performance.now() - start) * 1000) / ops;
    const judged = new Y.Doc();
    const arbiter = createArbiter(judged);
    start = performance.now();
    for (const u of updates) arbiter.apply(u, "bench");
    const taikuUs = ((performance.now() - start) * 1000) / ops;
    if (r === 0) continue; // warm-up
    plainSamples.push(plainUs);
    taikuSamples.push(taikuUs);
  }
  return row("incoming update: Y.applyUpdate vs arbiter.apply (100 keys)", plainSamples, taikuSamples);
}

/** Runs the engine benchmark and returns its rows. */
export function runEngineBench(options: EngineBenchOptions = {}): EngineRow[] {
  const ops = options.smoke ? 2_000 : 50_000;
  const reps = options.smoke ? 3 : 9;
  const history = options.smoke ? 5_000 : 100_000;
  return [
    setRow("set, 1 key", 1, 0, ops, reps),
    setRow("set, 100 keys", 100, 0, ops, reps),
    setRow("set, 1,000 keys", 1_000, 0, ops, reps),
    setRow(`set, 1,000 keys after ${history.toLocaleString("en")} overwrites`, 1_000, history, ops, reps),
    setRow("set, 100 keys, synced replica (update listener attached)", 100, 0, ops, reps, true),
    applyRow(options.smoke ? 2_000 : 20_000, reps),
  ];
}

/** The rows as a Markdown table. */
export function engineTable(rows: readonly EngineRow[]): string {
  const f = (n: number): string => n.toFixed(2);
  const lines = ["| case | plain µs (min–max) | taiku µs (min–max) | overhead |", "|---|---|---|---|"];
  for (const r of rows) {
    lines.push(
      `| ${r.case} | ${f(r.plainUs.median)} (${f(r.plainUs.min)}–${f(r.plainUs.max)}) | ${f(r.taikuUs.median)} (${f(r.taikuUs.min)}–${f(r.taikuUs.max)}) | ${r.overheadPct >= 0 ? "+" : ""}${r.overheadPct.toFixed(1)}% |`,
    );
  }
  return lines.join("\n");
}
