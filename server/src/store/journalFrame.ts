/**
 * Frames of the event store's journal (`eventJournal.ts`): one frame per
 * group commit, holding the database puts of every append in it.
 *
 * ```
 * frame   := length:u32 crc:u32 payload        (length = payload bytes, crc = CRC-32 of payload)
 * payload := entry*
 * entry   := keyLength:u32 key:UTF-8 valueLength:u32 value
 * ```
 *
 * Integers are little-endian. A frame is all or nothing: reading stops at
 * the first frame that is cut short, fails its checksum or does not parse.
 * A process killed while writing leaves at most its last frame cut short,
 * and that frame's appends were never confirmed to anyone: a bad frame
 * that ends the file (cut short, or whole but failing its check) is such a
 * torn tail and is ignored. A bad frame with more bytes after it is
 * damage, not a torn write: the frames after it were confirmed, so it is
 * reported (`damage`) rather than ignored.
 */
import { crc32 } from "node:zlib";

/** One database put carried by a frame: a full key of the root database and its value. */
export interface JournalEntry {
  readonly key: string;
  readonly value: Uint8Array;
}

/** What {@link decodeJournalFrames} found. */
export interface DecodedJournal {
  /** The entries of every whole frame, in order. */
  readonly entries: JournalEntry[];
  /** Bytes taken by those frames; anything after them is a cut-short or damaged tail. */
  readonly validLength: number;
  /** Set when the bad frame at `validLength` is followed by more bytes: a damaged frame in the middle, not a torn tail. */
  readonly damage?: string;
}

const HEADER = 8;

/** Encodes `entries` as one frame. */
export function encodeJournalFrame(entries: readonly JournalEntry[]): Buffer {
  let length = 0;
  const keyLengths = new Array<number>(entries.length);
  for (let i = 0; i < entries.length; i++) {
    const entry = entries[i] as JournalEntry;
    const keyLength = Buffer.byteLength(entry.key, "utf8");
    keyLengths[i] = keyLength;
    length += 8 + keyLength + entry.value.byteLength;
  }
  const frame = Buffer.allocUnsafe(HEADER + length);
  let offset = HEADER;
  for (let i = 0; i < entries.length; i++) {
    const entry = entries[i] as JournalEntry;
    const keyLength = keyLengths[i] as number;
    frame.writeUInt32LE(keyLength, offset);
    frame.write(entry.key, offset + 4, keyLength, "utf8");
    offset += 4 + keyLength;
    frame.writeUInt32LE(entry.value.byteLength, offset);
    frame.set(entry.value, offset + 4);
    offset += 4 + entry.value.byteLength;
  }
  frame.writeUInt32LE(length, 0);
  frame.writeUInt32LE(crc32(frame.subarray(HEADER)), 4);
  return frame;
}

/** Decodes the whole frames at the start of `bytes` (values are views into `bytes`). */
export function decodeJournalFrames(bytes: Uint8Array): DecodedJournal {
  const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const entries: JournalEntry[] = [];
  let offset = 0;
  while (offset + HEADER <= buffer.byteLength) {
    const length = buffer.readUInt32LE(offset);
    const end = offset + HEADER + length;
    if (end > buffer.byteLength) break;
    const payload = buffer.subarray(offset + HEADER, end);
    const parsed = crc32(payload) === buffer.readUInt32LE(offset + 4) ? parsePayload(payload) : null;
    if (parsed === null) {
      if (end === buffer.byteLength) break;
      return { entries, validLength: offset, damage: `the frame at byte ${offset} is damaged and ${buffer.byteLength - end} bytes of frames follow it` };
    }
    for (const entry of parsed) entries.push(entry);
    offset = end;
  }
  return { entries, validLength: offset };
}

/** The entries of one payload; `null` when its lengths do not add up. */
function parsePayload(payload: Buffer): JournalEntry[] | null {
  const entries: JournalEntry[] = [];
  let offset = 0;
  while (offset < payload.byteLength) {
    if (offset + 4 > payload.byteLength) return null;
    const keyLength = payload.readUInt32LE(offset);
    const keyEnd = offset + 4 + keyLength;
    if (keyEnd + 4 > payload.byteLength) return null;
    const valueLength = payload.readUInt32LE(keyEnd);
    const valueEnd = keyEnd + 4 + valueLength;
    if (valueEnd > payload.byteLength) return null;
    const key = payload.toString("utf8", offset + 4, keyEnd);
    const value = new Uint8Array(payload.buffer, payload.byteOffset + keyEnd + 4, valueLength);
    entries.push({ key, value });
    offset = valueEnd;
  }
  return entries;
}
