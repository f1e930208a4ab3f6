/**
 * Group commit: the ordered queue through which every write of a store goes.
 *
 * Batch operations that arrive while the queue is idle are held until the
 * end of the current tick (`setImmediate`), and operations that arrive while
 * a write is in flight join the next batch, so one database batch carries
 * everything that piled up. Tasks (range deletes and other multi-step
 * writes) run alone, in queue order. Every caller's promise settles with the
 * write that carried its operations.
 *
 * A failed write rejects its callers and every entry still queued behind it
 * (their effects may depend on the lost write: seqs numbered after it, a
 * snapshot waiting for it), then calls `onFailure` so the owner can forget
 * whatever it derived from writes that never landed. Nothing fails
 * silently.
 */
import { ErrorCode, TaikuError } from "@taiku/engine";

/** How a {@link WriteQueue} writes. */
export interface WriteQueueOptions<Op> {
  /** Writes one batch atomically. */
  readonly writeBatch: (ops: Op[]) => Promise<void>;
  /** Called after a failed write, once its callers and followers are rejected. */
  readonly onFailure: (error: unknown) => void;
}

/** An ordered, group-committing queue of writes. */
export interface WriteQueue<Op> {
  /** Adds `ops` to the open batch; resolves once that batch is written. */
  batch(ops: readonly Op[]): Promise<void>;
  /** Runs `run` alone, after every entry queued before it. */
  task(run: () => Promise<void>): Promise<void>;
  /**
   * Settles once every entry queued so far is written, without holding up
   * entries queued later: resolves when they all were, rejects when one of
   * them failed. It settles with the last entry, so it also waits for
   * operations that join that entry later (when it is a batch still open),
   * and for a task queued last.
   */
  written(): Promise<void>;
  /** Resolves once every entry queued so far has settled, however it settled. */
  settled(): Promise<void>;
}

/** An entry's outcome, shared by every caller whose operations it carries. */
interface Outcome {
  readonly promise: Promise<void>;
  readonly resolve: () => void;
  readonly reject: (error: unknown) => void;
}

function outcome(): Outcome {
  let resolve!: () => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<void>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

type Entry<Op> =
  | { readonly kind: "batch"; readonly ops: Op[]; readonly outcome: Outcome }
  | { readonly kind: "task"; readonly run: () => Promise<void>; readonly outcome: Outcome };

/** Creates an empty {@link WriteQueue}. */
export function createWriteQueue<Op>({ writeBatch, onFailure }: WriteQueueOptions<Op>): WriteQueue<Op> {
  const entries: Entry<Op>[] = [];
  const idleWaiters: Array<() => void> = [];
  let running = false;
  /** The entry being written. */
  let current: Entry<Op> | null = null;

  function start(): void {
    if (running) return;
    running = true;
    setImmediate(() => void drain());
  }

  async function drain(): Promise<void> {
    for (let entry = entries.shift(); entry !== undefined; entry = entries.shift()) {
      current = entry;
      try {
        await (entry.kind === "batch" ? writeBatch(entry.ops) : entry.run());
        entry.outcome.resolve();
      } catch (error) {
        entry.outcome.reject(error);
        const followers = entries.splice(0);
        const cause = new TaikuError(ErrorCode.Unavailable, `an earlier write failed: ${describe(error)}`);
        for (const follower of followers) follower.outcome.reject(cause);
        onFailure(error);
      }
    }
    current = null;
    running = false;
    for (const resolve of idleWaiters.splice(0)) resolve();
  }

  return {
    batch(ops) {
      const last = entries.at(-1);
      if (last?.kind === "batch") {
        for (const op of ops) last.ops.push(op);
        return last.outcome.promise;
      }
      const entry: Entry<Op> = { kind: "batch", ops: [...ops], outcome: outcome() };
      entries.push(entry);
      start();
      return entry.outcome.promise;
    },
    task(run) {
      const entry: Entry<Op> = { kind: "task", run, outcome: outcome() };
      entries.push(entry);
      start();
      return entry.outcome.promise;
    },
    written() {
      // Entries settle in queue order, and a failure rejects every entry behind it: the last one speaks for all.
      const last = entries.at(-1) ?? current;
      return last === null ? Promise.resolve() : last.outcome.promise;
    },
    settled: () =>
      running || entries.length > 0 ? new Promise<void>((resolve) => idleWaiters.push(resolve)) : Promise.resolve(),
  };
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
