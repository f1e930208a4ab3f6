/**
 * When a loaded document writes a snapshot: the one place that decides it.
 *
 * A load reads the latest snapshot and folds the events after it (the
 * *tail*), so the tail is what a restart pays for beyond the state itself,
 * and after a kill -9 it is as long as these rules let it grow. A snapshot
 * costs an encoding of the whole state, so the rules weigh the tail against
 * the last snapshot:
 *
 * - **events**: at least `everyEvents` events that weigh at least half the
 *   last snapshot's bytes, or `maxTailEvents` events whatever they weigh;
 * - **bytes**: a tail of at least `maxTailBytes` bytes that weighs at least
 *   half the last snapshot, however few events carried it;
 * - **time**: a document that has been quiet for `quietMs` since its last
 *   event, with at least `quietMinEvents` events in its tail (a burst that
 *   ended), so that a kill -9 while it sits idle leaves no long tail;
 * - **open**: a load whose tail holds `everyEvents` events, or is longer
 *   than `MERGED_TAIL_MAX`, is followed by one whatever the tail weighs: the first reply computes the whole state
 *   anyway, so that snapshot costs only its store write.
 *
 * Invariant: pure. Every decision is a function of the figures passed in;
 * the document that asks keeps the clock, the timer and the writes in
 * flight.
 */
import { ErrorCode, TaikuError } from "@taiku/engine";
import { MERGED_TAIL_MAX } from "./storedState";

/** The knobs of {@link SnapshotPolicy}; every one has a default. */
export interface SnapshotPolicyOptions {
  /** Events a snapshot waits for at least under the events rule (default 1,000). */
  readonly everyEvents?: number;
  /** Events after which a snapshot is due whatever they weigh (default ten times `everyEvents`). */
  readonly maxTailEvents?: number;
  /** Tail bytes after which a snapshot is due with fewer events, when they weigh half the last snapshot (default 1 MiB). */
  readonly maxTailBytes?: number;
  /** Quiet time after the last event before a document's tail is snapshotted, ms (default 2,000). */
  readonly quietMs?: number;
  /** Events a tail must hold for a quiet snapshot (default 64: a shorter tail is merged cheaply at load). */
  readonly quietMinEvents?: number;
}

/** What a document has stored since its last snapshot. */
export interface TailFigures {
  /** Events after the last snapshot. */
  readonly events: number;
  /** Update bytes of those events. */
  readonly bytes: number;
  /** Bytes of the last snapshot (0 when there is none). */
  readonly snapshotBytes: number;
}

/** Decides when a document's snapshot is due (see the module header for the rules). */
export class SnapshotPolicy {
  /** Events a snapshot waits for at least under the events rule. */
  readonly everyEvents: number;
  /** Events after which a snapshot is due whatever they weigh. */
  readonly maxTailEvents: number;
  /** Tail bytes after which a snapshot is due with fewer than `everyEvents` events. */
  readonly maxTailBytes: number;
  /** Quiet time after the last event before a quiet snapshot, ms. */
  readonly quietMs: number;
  /** Events a tail must hold for a quiet snapshot. */
  readonly quietMinEvents: number;

  /** Throws an `invalid_params` {@link TaikuError} for a knob that is not a positive number. */
  constructor(options: SnapshotPolicyOptions = {}) {
    this.everyEvents = positive("everyEvents", options.everyEvents ?? 1_000);
    this.maxTailEvents = positive("maxTailEvents", options.maxTailEvents ?? this.everyEvents * 10);
    this.maxTailBytes = positive("maxTailBytes", options.maxTailBytes ?? 1024 * 1024);
    this.quietMs = positive("quietMs", options.quietMs ?? 2_000);
    this.quietMinEvents = positive("quietMinEvents", options.quietMinEvents ?? MERGED_TAIL_MAX);
  }

  /** True when a snapshot is due now, by the events and bytes rules. */
  dueAfterCommit(tail: TailFigures): boolean {
    if (tail.events === 0) return false;
    const heavy = tail.bytes * 2 >= tail.snapshotBytes;
    return (tail.events >= this.everyEvents && heavy) || tail.events >= this.maxTailEvents || (tail.bytes >= this.maxTailBytes && heavy);
  }

  /** True when a document that has been quiet for {@link quietMs} should take a snapshot of `tail`. */
  dueWhenQuiet(tail: TailFigures): boolean {
    return tail.events >= this.quietMinEvents || this.dueAfterCommit(tail);
  }

  /** True when a just-opened document should take a snapshot: its tail is longer than `MERGED_TAIL_MAX`, holds `everyEvents`, or a snapshot is due anyway. */
  dueOnOpen(tail: TailFigures, longTail: boolean): boolean {
    return tail.events > 0 && (longTail || tail.events >= this.everyEvents || this.dueAfterCommit(tail));
  }
}

function positive(name: string, value: number): number {
  if (!(value > 0) || !Number.isFinite(value)) throw new TaikuError(ErrorCode.InvalidParams, `snapshot policy: ${name} must be a positive number, not ${value}`);
  return value;
}
