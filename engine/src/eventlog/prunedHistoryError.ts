/**
 * The error for asking a log about events retention has already folded
 * into the document's history base (see `retention.ts`).
 */
import { ErrorCode, TaikuError } from "../errors";
import type { DocName } from "../ids";

/** A replay (or read of history) reached before the first event a document still has. */
export class PrunedHistoryError extends TaikuError {
  /** The document asked about. */
  readonly doc: DocName;
  /** The seq asked for. */
  readonly seq: number;
  /** The first seq the document's log still holds. */
  readonly historyStartsAt: number;

  constructor(doc: DocName, seq: number, historyStartsAt: number) {
    super(ErrorCode.NotFound, `${doc} keeps its history from seq ${historyStartsAt}; seq ${seq} was pruned`);
    this.name = "PrunedHistoryError";
    this.doc = doc;
    this.seq = seq;
    this.historyStartsAt = historyStartsAt;
  }
}
