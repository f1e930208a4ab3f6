/**
 * The contended-write workload: writers put ~50-byte values under their own
 * keys (`w<writer>k<n>`), each value carrying the writer, a per-writer
 * sequence number and the wall-clock time it was written. One observer
 * replica in the same process timestamps each value when it arrives, which
 * gives the propagation latency on one clock, and counts accepted updates
 * as the highest sequence number seen per writer (a writer's updates arrive
 * in order). Offered load is either a fixed total rate (open loop) or
 * saturation (closed loop: each writer keeps a window of unseen updates).
 */
import type * as Y from "yjs";
import { now, sleep, waitFor } from "./stats";
import type { FullReplica } from "./replicaClient";
import type { WriterClient } from "./writerClient";

/** A value written by the workload. */
export interface BenchValue {
  /** Wall-clock time of the write, ms. */
  readonly t: number;
  /** The writer's sequence number, from 1. */
  readonly s: number;
  /** The writer's index. */
  readonly w: number;
  /** Padding to the value size. */
  readonly p: string;
}

/** The key writer `writer` uses for its `seq`-th write. */
export function benchKey(writer: number, seq: number, keysPerWriter: number): string {
  return `w${writer}k${seq % keysPerWriter}`;
}

/** A value of about 50 bytes of JSON. */
export function benchValue(writer: number, seq: number): BenchValue {
  return { t: now(), s: seq, w: writer, p: "x".repeat(8) };
}

function isBenchValue(value: unknown): value is BenchValue {
  return typeof value === "object" && value !== null && typeof (value as BenchValue).t === "number" && typeof (value as BenchValue).w === "number";
}

/** Watches one replica's `kv` and records arrivals of bench values. */
export class LatencyObserver {
  /** Highest sequence number seen per writer. */
  readonly maxSeen = new Map<number, number>();
  /** Latencies (ms) of values that arrived while recording. */
  latencies: number[] = [];
  recording = false;
  private readonly listeners = new Set<(writer: number, seq: number) => void>();

  constructor(kv: Y.Map<unknown>) {
    kv.observe((event) => {
      const arrived = now();
      for (const key of event.keysChanged) {
        const value = kv.get(key);
        if (!isBenchValue(value)) continue;
        if (this.recording) this.latencies.push(arrived - value.t);
        if (value.s > (this.maxSeen.get(value.w) ?? 0)) this.maxSeen.set(value.w, value.s);
        for (const listener of this.listeners) listener(value.w, value.s);
      }
    });
  }

  /** Updates seen in total (sum of per-writer highest sequence numbers). */
  accepted(): number {
    let total = 0;
    for (const seq of this.maxSeen.values()) total += seq;
    return total;
  }

  /** Calls `listener` for every value that arrives; returns the unsubscribe. */
  onSeen(listener: (writer: number, seq: number) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}

/** Writers plus their per-writer sequence counters. */
export class WriterPool {
  readonly written: number[];
  /** Per writer, the time its next write may go when the pool is paced (ms, `performance.now()`). */
  private readonly nextAt: number[];

  /**
   * `perWriterPerSecond` paces each writer to at most that many writes a
   * second (default unpaced): a single writer at full speed sends more
   * frames than a relay lets one socket send, and a history written by
   * one writer must still be written.
   */
  constructor(
    readonly writers: readonly WriterClient[],
    readonly keysPerWriter: number,
    private readonly perWriterPerSecond = Number.POSITIVE_INFINITY,
  ) {
    this.written = writers.map(() => 0);
    this.nextAt = writers.map(() => 0);
  }

  /** True when writer `index` may write now under the pool's pace. */
  mayWrite(index: number): boolean {
    return performance.now() >= (this.nextAt[index] ?? 0);
  }

  /** Makes writer `index`'s next write. */
  write(index: number): void {
    const writer = this.writers[index];
    if (writer === undefined) return;
    const seq = (this.written[index] ?? 0) + 1;
    this.written[index] = seq;
    if (Number.isFinite(this.perWriterPerSecond)) this.nextAt[index] = Math.max(this.nextAt[index] ?? 0, performance.now() - 50) + 1000 / this.perWriterPerSecond;
    writer.set(benchKey(index, seq, this.keysPerWriter), benchValue(index, seq));
  }

  /** Writes made in total. */
  total(): number {
    return this.written.reduce((sum, value) => sum + value, 0);
  }

  /** True once `observer` has seen every write made so far. */
  allSeenBy(observer: LatencyObserver): boolean {
    return this.written.every((seq, index) => (observer.maxSeen.get(index) ?? 0) >= seq);
  }
}

/** Offers `rate` writes per second in total, round-robin over the writers, for `durationMs` or until `stop()` holds. */
export async function offerFixedRate(pool: WriterPool, rate: number, durationMs: number, stop: () => boolean = () => false): Promise<void> {
  const start = performance.now();
  let sent = 0;
  let next = 0;
  while (performance.now() - start < durationMs && !stop()) {
    const due = Math.floor(((performance.now() - start) / 1000) * rate);
    for (; sent < due; sent++) {
      pool.write(next);
      next = (next + 1) % pool.writers.length;
    }
    await sleep(5);
  }
}

/** Saturation: each writer keeps `window` writes unseen by `observer`, for `durationMs`. */
export async function offerSaturation(pool: WriterPool, observer: LatencyObserver, window: number, durationMs: number): Promise<void> {
  let running = true;
  const unsubscribe = observer.onSeen((writer) => {
    while (running && (pool.written[writer] ?? 0) - (observer.maxSeen.get(writer) ?? 0) < window) pool.write(writer);
  });
  for (let index = 0; index < pool.writers.length; index++) {
    for (let i = 0; i < window; i++) pool.write(index);
  }
  await sleep(durationMs);
  running = false;
  unsubscribe();
}

/** What a convergence check found. */
export interface Convergence {
  /** All replicas equal, and each writer's last values present in them. */
  readonly converged: boolean;
  /** Time the check waited, ms. */
  readonly waitedMs: number;
}

/** Waits (up to `timeoutMs`) until every replica's `kv` is equal and holds each writer's own last values. */
export async function checkConvergence(replicas: readonly FullReplica[], writers: readonly WriterClient[], timeoutMs: number): Promise<Convergence> {
  const start = performance.now();
  const holds = (): boolean => {
    const first = replicas[0];
    if (first === undefined) return true;
    const reference = first.canonical();
    if (!replicas.every((replica) => replica.canonical() === reference)) return false;
    return writers.every((writer) => {
      for (const [key, value] of writer.kv.entries()) {
        if (JSON.stringify(first.kv.get(key)) !== JSON.stringify(value)) return false;
      }
      return true;
    });
  };
  const converged = await waitFor(holds, timeoutMs);
  return { converged, waitedMs: performance.now() - start };
}

/** Writes `count` updates as fast as the relay takes them, keeping at most `window` unseen per writer; resolves when all were seen or `timeoutMs` passed. */
export async function writeHistory(pool: WriterPool, observer: LatencyObserver, count: number, window: number, timeoutMs: number): Promise<boolean> {
  const deadline = performance.now() + timeoutMs;
  let index = 0;
  while (pool.total() < count && performance.now() < deadline) {
    let progressed = false;
    for (let step = 0; step < pool.writers.length && pool.total() < count; step++) {
      index = (index + 1) % pool.writers.length;
      if ((pool.written[index] ?? 0) - (observer.maxSeen.get(index) ?? 0) < window && pool.mayWrite(index)) {
        pool.write(index);
        progressed = true;
      }
    }
    if (!progressed) await sleep(2);
    else if (pool.total() % 200 === 0) await sleep(0);
  }
  return waitFor(() => pool.allSeenBy(observer), Math.max(0, deadline - performance.now()));
}
