/**
 * Key layout of the LevelDB event store.
 *
 * Inside the store's database five sublevels hold, per document:
 *
 * ```
 * e!<doc>!<seq>   one encoded DocEvent (engine `encodeDocEvent`)
 * u!<doc>!<seq>   the snapshot state after events 1..seq (a v1 Yjs update)
 * v!<doc>!<seq>   that snapshot's state vector, when its writer gave one,
 *                 after the CRC-32 of the state it belongs to
 * c!<doc>!<seq>   that snapshot's seal: its length and CRC-32
 *                 (`snapshotSeal.ts`); snapshots written before seals
 *                 existed have none
 * h!<doc>!<seq>   the history base once retention pruned the log: the
 *                 state after events 1..seq, which are no longer stored
 * ```
 *
 * Earlier versions kept v2-encoded snapshots under `s!`. They are never
 * read (loading replays the log instead, which holds every event) and are
 * removed when the document's next snapshot is written or it is deleted.
 *
 * `<seq>` is 14 lower-case hex digits (every safe integer fits), so key
 * order is seq order. Document names are limited to the printable ASCII
 * characters after `!` (`"` … `~`), so `!` sorts before every character of
 * a name and the keys of `sessions/a` never interleave with those of
 * `sessions/a/kv/p`: a document's keys are exactly the range
 * (`<doc>!`, `<doc>"`).
 */
import { ErrorCode, TaikuError } from "@taiku/engine";
import type { DocName } from "@taiku/engine";

const SEQ_DIGITS = 14;
const DOC_NAME = /^[\x22-\x7e]+$/;

/** The range holding every key of `doc`, both ends exclusive. */
export interface DocKeyRange {
  readonly gt: string;
  readonly lt: string;
}

/** Throws `invalid_params` for a document name the key layout cannot hold. */
export function checkStorableDocName(doc: string): void {
  if (typeof doc !== "string" || !DOC_NAME.test(doc)) {
    throw new TaikuError(ErrorCode.InvalidParams, `document name ${JSON.stringify(doc)} cannot be stored`);
  }
}

/** The key of `doc`'s entry at `seq`. */
export function seqKey(doc: DocName, seq: number): string {
  return `${doc}!${seq.toString(16).padStart(SEQ_DIGITS, "0")}`;
}

/** Every key of `doc`. */
export function docKeyRange(doc: DocName): DocKeyRange {
  return { gt: `${doc}!`, lt: `${doc}"` };
}

/** The document and seq a key names. */
export function parseSeqKey(key: string): { readonly doc: DocName; readonly seq: number } {
  const at = key.lastIndexOf("!");
  return { doc: key.slice(0, at) as DocName, seq: Number.parseInt(key.slice(at + 1), 16) };
}

/**
 * The key range holding the keys of every document whose name starts with
 * `prefix`; `null` when no storable name can start with it.
 */
export function prefixKeyRange(prefix: string): { readonly gte?: string; readonly lt?: string } | null {
  if (prefix === "") return {};
  if (!DOC_NAME.test(prefix)) return null;
  const last = prefix.charCodeAt(prefix.length - 1);
  return { gte: prefix, lt: prefix.slice(0, -1) + String.fromCharCode(last + 1) };
}
