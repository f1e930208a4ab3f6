/**
 * Argument checks every {@link EventStore} applies the same way, so that all
 * stores refuse the same calls with the same errors. A refused call changes
 * nothing and rejects with a {@link TaikuError}.
 */
import { ErrorCode, TaikuError } from "../errors";
import type { DocName } from "../ids";
import type { NewDocEvent } from "./docEvent";
import { isEventKind } from "./docEvent";
import type { EventRange, Snapshot } from "./eventStore";

/** An {@link EventRange} with both ends filled in. */
export interface NormalizedEventRange {
  /** First seq to include (≥ 1). */
  readonly from: number;
  /** Last seq to include; `Infinity` when open. */
  readonly to: number;
}

/** Fills in the open ends of `range`; throws `invalid_params` for non-integer ends. */
export function normalizeEventRange(range: EventRange = {}): NormalizedEventRange {
  const { from = 1, to = Infinity } = range;
  if (!Number.isInteger(from)) throw invalid(`range start must be an integer, got ${String(from)}`);
  if (to !== Infinity && !Number.isInteger(to)) throw invalid(`range end must be an integer, got ${String(to)}`);
  return { from: Math.max(from, 1), to };
}

/** Throws `invalid_params` unless every event belongs to `doc` and is well formed. */
export function checkNewEvents(doc: DocName, events: readonly NewDocEvent[]): void {
  if (typeof doc !== "string" || doc.length === 0) throw invalid("document name must be a non-empty string");
  for (const event of events) {
    if (event.doc !== doc) throw invalid(`event for ${event.doc} appended to ${doc}`);
    if (!(event.update instanceof Uint8Array)) throw invalid("event update must be a Uint8Array");
    if (!isEventKind(event.kind)) throw invalid(`unknown event kind ${String(event.kind)}`);
    if (!Number.isFinite(event.ts)) throw invalid("event timestamp must be a finite number");
  }
}

/** Throws `invalid_params` unless `1 ≤ snapshot.seq ≤ lastSeq` and the state (and state vector, when given) are bytes. */
export function checkSnapshot(doc: DocName, snapshot: Snapshot, lastSeq: number): void {
  if (!Number.isInteger(snapshot.seq) || snapshot.seq < 1 || snapshot.seq > lastSeq) {
    throw invalid(`snapshot seq ${String(snapshot.seq)} is outside ${doc}'s log (1..${lastSeq})`);
  }
  if (!(snapshot.state instanceof Uint8Array)) throw invalid("snapshot state must be a Uint8Array");
  if (snapshot.stateVector !== undefined && !(snapshot.stateVector instanceof Uint8Array)) {
    throw invalid("snapshot state vector must be a Uint8Array when given");
  }
}

/**
 * Throws `invalid_params` unless `base` may become `doc`'s history base:
 * well-formed bytes, `1 ≤ base.seq < lastSeq`, and covered by the latest
 * snapshot (`snapshotSeq`, `0` when there is none).
 */
export function checkPrune(doc: DocName, base: Snapshot, lastSeq: number, snapshotSeq: number): void {
  if (!Number.isInteger(base.seq) || base.seq < 1 || base.seq >= lastSeq) {
    throw invalid(`history base seq ${String(base.seq)} must be before ${doc}'s last event (${lastSeq})`);
  }
  if (base.seq > snapshotSeq) {
    throw invalid(`history base seq ${base.seq} is past ${doc}'s latest snapshot (${snapshotSeq}): its events would be lost`);
  }
  if (!(base.state instanceof Uint8Array)) throw invalid("history base state must be a Uint8Array");
}

/** The error every call on a closed store rejects with. */
export function storeClosedError(): TaikuError {
  return new TaikuError(ErrorCode.Unavailable, "the event store is closed");
}

function invalid(message: string): TaikuError {
  return new TaikuError(ErrorCode.InvalidParams, message);
}
