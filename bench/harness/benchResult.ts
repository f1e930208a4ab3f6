/**
 * The shape every benchmark returns, and the formatting helpers the
 * benchmarks share. The runner writes a result as `bench/results/<name>.json`
 * and renders its tables and charts into the Markdown report.
 */
import type { Spread } from "./stats";

/** A table of already formatted cells. */
export interface ResultTable {
  readonly title: string;
  readonly columns: readonly string[];
  readonly rows: ReadonlyArray<readonly string[]>;
}

/** One bar: a median with its min–max range. */
export interface Bar {
  readonly label: string;
  readonly value: number;
  readonly min?: number;
  readonly max?: number;
}

/** A bar chart the report draws as SVG. */
export interface BarChart {
  readonly title: string;
  readonly unit: string;
  readonly bars: readonly Bar[];
}

/** What one benchmark produced. */
export interface BenchResult {
  readonly name: string;
  readonly title: string;
  /** One paragraph: what was measured and how. */
  readonly what: string;
  /** False when a check failed (not converged, updates lost, a system failed to run). */
  readonly ok: boolean;
  /** Headline sentences (ratios first). */
  readonly headlines: readonly string[];
  /** Failures, caveats, missing parts. */
  readonly notes: readonly string[];
  readonly tables: readonly ResultTable[];
  readonly charts: readonly BarChart[];
  /** Sizes and settings used. */
  readonly params: Readonly<Record<string, unknown>>;
  /** Every run's raw figures. */
  readonly data: unknown;
}

/** How a benchmark is told to run. */
export interface BenchContext {
  /** Tiny sizes for CI. */
  readonly smoke: boolean;
  /** Repetitions per system for interleaved comparisons. */
  readonly repetitions: number;
  /** Progress lines for the console. */
  log(message: string): void;
}

/** A benchmark the runner can call. */
export interface Benchmark {
  readonly name: string;
  run(context: BenchContext): Promise<BenchResult>;
}

/** Formats a number with sensible precision (`—` for missing). */
export function fmt(value: number, digits = 1): string {
  if (!Number.isFinite(value)) return "—";
  if (Math.abs(value) >= 1000) return Math.round(value).toLocaleString("en-US");
  return value.toFixed(digits);
}

/** `median (min–max)`. */
export function fmtSpread(value: Spread, digits = 1): string {
  if (!Number.isFinite(value.median)) return "—";
  if (value.runs.length <= 1) return fmt(value.median, digits);
  return `${fmt(value.median, digits)} (${fmt(value.min, digits)}–${fmt(value.max, digits)})`;
}

/** `a / b` as `1.23×`, or `—`. */
export function ratio(a: number, b: number): string {
  if (!Number.isFinite(a) || !Number.isFinite(b) || b === 0) return "—";
  return `${(a / b).toFixed(2)}×`;
}

/** A bar from a spread (only its median and range are used). */
export function barOf(label: string, value: Pick<Spread, "median" | "min" | "max">): Bar {
  return { label, value: value.median, min: value.min, max: value.max };
}

/** The message of an unknown error. */
export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
