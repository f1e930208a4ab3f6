/**
 * The seal a snapshot is stored with, which keeps a damaged snapshot from
 * loading as if it were whole (the events after it are checked as they are
 * read: `readTail` in `levelEventStore.ts`).
 *
 * A seal is 8 bytes: the snapshot's length, then the CRC-32 of its bytes
 * (both unsigned 32-bit, big-endian). A snapshot cut short or overwritten
 * no longer matches its seal. A snapshot written before seals existed has
 * none and is taken as it is.
 */
import { crc32 } from "node:zlib";

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

