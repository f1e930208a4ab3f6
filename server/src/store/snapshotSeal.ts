/**
 * Checks that keep a damaged document from loading as if it were whole:
 * the seal a snapshot is stored with, and the shape of the events read
 * after it.
 *
 * A seal is 8 bytes: the snapshot's length, then the CRC-32 of its bytes
 * (both unsigned 32-bit, big-endian). A snapshot cut short or overwritten
 * no longer matches its seal. A snapshot written before seals existed has
 * none and is taken as it is.
 *
 * Invariant: a load returns the snapshot and every event after it, seq
 * after seq; a gap (an acknowledged event gone) is damage, never a shorter
 * document.
 */
import { crc32 } from "node:zlib";
import { CorruptRecordError, type DocEvent, type DocName } from "@taiku/engine";
import { seqKey } from "./eventKeys";

const SEAL_BYTES = 8;

/** The seal stored beside the snapshot `state`. */
export function sealOf(state: Uint8Array): Uint8Array {
  const seal = new Uint8Array(SEAL_BYTES);
  const view = new DataView(seal.buffer);
  view.setUint32(0, state.byteLength);
  view.setUint32(4, crc32(state));
  return seal;
}

/** What is wrong with `state` given its stored `seal`; `null` when it matches or there is no seal. */
export function checkSeal(state: Uint8Array, seal: Uint8Array | undefined): string | null {
  if (seal === undefined) return null;
  if (seal.byteLength !== SEAL_BYTES) return "has a damaged seal";
  const view = new DataView(seal.buffer, seal.byteOffset, seal.byteLength);
  const length = view.getUint32(0);
  if (length !== state.byteLength) return `is ${state.byteLength} bytes where ${length} were written`;
  if (view.getUint32(4) !== crc32(state)) return "does not match its checksum";
  return null;
}


/** The damage of a log whose event `seq` is missing: the next one found is `found`. */
export function missingEvent(doc: DocName, seq: number, found: number): CorruptRecordError {
  return new CorruptRecordError({ doc, record: `e!${seqKey(doc, seq)}`, seq, reason: `is missing (the log goes on at ${found})` });
}

/**
 * `tail`, the events of `doc` read after the snapshot at `after` (0 for
 * none), once it is checked to run seq after seq from `after + 1`; a
 * {@link CorruptRecordError} naming the first missing event otherwise.
 */
export function checkContiguous(doc: DocName, after: number, tail: DocEvent[]): DocEvent[] {
  let expected = after + 1;
  for (const event of tail) {
    if (event.seq !== expected) throw missingEvent(doc, expected, event.seq);
    expected++;
  }
  return tail;
}
