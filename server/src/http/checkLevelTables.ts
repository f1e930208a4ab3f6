/**
 * The start-up integrity check of a LevelDB database on disk: every table
 * file (`*.ldb`, `*.sst`) is read whole and each of its blocks (data,
 * filter, meta-index, index) is checked against the CRC-32C LevelDB wrote
 * after it. LevelDB itself reads without verifying checksums (the binding
 * offers no `paranoid_checks`), so a flipped byte in a table otherwise
 * surfaces only later, as `LEVEL_CORRUPTION` on whichever read lands on it.
 *
 * Format (LevelDB `table_format.md`): a file ends with a 48-byte footer
 * holding the meta-index and index block handles and a magic number; a
 * block is followed by a 1-byte compression type (0 none, 1 Snappy) and the
 * masked CRC-32C of the block and that byte; the index and meta-index
 * blocks map keys to block handles (two varints: offset, size).
 *
 * Run it on a closed database (before opening it): a table being compacted
 * away while it is read is skipped, not reported.
 */
import { readdir, readFile } from "node:fs/promises";
import path from "node:path";

/** A damaged table file and what is wrong with it. */
export interface TableDamage {
  /** The file, relative to the database folder. */
  readonly file: string;
  readonly reason: string;
}

const FOOTER_BYTES = 48;
const TRAILER_BYTES = 5;
const MAGIC_LOW = 0x8b80fb57;
const MAGIC_HIGH = 0xdb477524;

/** Checks every table file in `dbDir`; the damaged ones, in file-name order. */
export async function checkLevelTables(dbDir: string): Promise<TableDamage[]> {
  let names: string[];
  try {
    names = await readdir(dbDir);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return [];
    throw error;
  }
  const damage: TableDamage[] = [];
  for (const name of names.filter((n) => n.endsWith(".ldb") || n.endsWith(".sst")).sort()) {
    let bytes: Buffer;
    try {
      bytes = await readFile(path.join(dbDir, name));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === "ENOENT") continue;
      throw error;
    }
    const reason = tableProblem(bytes);
    if (reason !== null) damage.push({ file: name, reason });
  }
  return damage;
}

/** What is wrong with the table file `bytes`, or `null` when every block matches its checksum. */
export function tableProblem(bytes: Uint8Array): string | null {
  if (bytes.byteLength < FOOTER_BYTES) return `is ${bytes.byteLength} bytes, shorter than a table footer`;
  const footer = bytes.subarray(bytes.byteLength - FOOTER_BYTES);
  const view = new DataView(footer.buffer, footer.byteOffset, FOOTER_BYTES);
  if (view.getUint32(40, true) !== MAGIC_LOW || view.getUint32(44, true) !== MAGIC_HIGH) return "has no table magic number at its end";
  const reader = { bytes: footer, pos: 0 };
  const metaIndex = readHandle(reader);
  const index = readHandle(reader);
  if (metaIndex === null || index === null) return "has a malformed footer";
  const checked = new Set<number>();
  const verify = (handle: Handle, what: string, contents: boolean): Uint8Array | string => {
    const block = readBlock(bytes, handle, contents);
    if (typeof block === "string") return `${what} at byte ${handle.offset} ${block}`;
    checked.add(handle.offset);
    return block;
  };
  for (const [what, handle] of [["meta-index block", metaIndex], ["index block", index]] as const) {
    const block = verify(handle, what, true);
    if (typeof block === "string") return block;
    const handles = blockHandles(block);
    if (handles === null) return `${what} at byte ${handle.offset} is malformed`;
    for (const child of handles) {
      if (checked.has(child.offset)) continue;
      const problem = verify(child, what === "index block" ? "data block" : "filter block", false);
      if (typeof problem === "string") return problem;
    }
  }
  return null;
}

interface Handle {
  readonly offset: number;
  readonly size: number;
}

interface Reader {
  readonly bytes: Uint8Array;
  pos: number;
}

function readVarint(reader: Reader): number | null {
  let result = 0;
  let scale = 1;
  for (let i = 0; i < 10; i++) {
    if (reader.pos >= reader.bytes.byteLength) return null;
    const byte = reader.bytes[reader.pos++]!;
    result += (byte & 0x7f) * scale;
    if ((byte & 0x80) === 0) return result;
    scale *= 128;
  }
  return null;
}

function readHandle(reader: Reader): Handle | null {
  const offset = readVarint(reader);
  const size = readVarint(reader);
  return offset === null || size === null ? null : { offset, size };
}

/** The block at `handle` (decompressed when its `contents` are wanted), or what is wrong with it. */
function readBlock(file: Uint8Array, { offset, size }: Handle, contents: boolean): Uint8Array | string {
  if (offset + size + TRAILER_BYTES > file.byteLength) return "runs past the end of the file";
  const raw = file.subarray(offset, offset + size);
  const type = file[offset + size]!;
  const stored = new DataView(file.buffer, file.byteOffset + offset + size + 1, 4).getUint32(0, true);
  const crc = crc32c(file.subarray(offset, offset + size + 1));
  if (mask(crc) !== stored) return "does not match its checksum";
  if (type === 0 || !contents) return raw;
  if (type === 1) return snappyDecompress(raw) ?? "does not decompress";
  return `has unknown compression type ${type}`;
}

/** The block handles a meta-index or index block's entries hold, or `null` when it is malformed. */
function blockHandles(block: Uint8Array): Handle[] | null {
  if (block.byteLength < 4) return null;
  const view = new DataView(block.buffer, block.byteOffset, block.byteLength);
  const restarts = view.getUint32(block.byteLength - 4, true);
  const end = block.byteLength - 4 - restarts * 4;
  if (end < 0) return null;
  const reader = { bytes: block.subarray(0, end), pos: 0 };
  const handles: Handle[] = [];
  while (reader.pos < end) {
    const shared = readVarint(reader);
    const unshared = readVarint(reader);
    const valueLength = readVarint(reader);
    if (shared === null || unshared === null || valueLength === null) return null;
    reader.pos += unshared;
    const value = { bytes: reader.bytes.subarray(reader.pos, reader.pos + valueLength), pos: 0 };
    reader.pos += valueLength;
    if (reader.pos > end) return null;
    const handle = readHandle(value);
    if (handle === null) return null;
    handles.push(handle);
  }
  return handles;
}

/** CRC-32C lookup tables for slicing by 8 bytes: `CRC32C_TABLES[k][n]` is the CRC of byte `n` followed by `k` zero bytes. */
const CRC32C_TABLES = (() => {
  const tables = Array.from({ length: 8 }, () => new Uint32Array(256));
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0x82f63b78 ^ (c >>> 1) : c >>> 1;
    tables[0]![n] = c >>> 0;
  }
  for (let n = 0; n < 256; n++) {
    for (let k = 1; k < 8; k++) tables[k]![n] = (tables[k - 1]![n]! >>> 8) ^ tables[0]![tables[k - 1]![n]! & 0xff]!;
  }
  return tables;
})();

/** CRC-32C (Castagnoli), as LevelDB computes it. */
export function crc32c(bytes: Uint8Array): number {
  const [t0, t1, t2, t3, t4, t5, t6, t7] = CRC32C_TABLES as [Uint32Array, Uint32Array, Uint32Array, Uint32Array, Uint32Array, Uint32Array, Uint32Array, Uint32Array];
  let crc = 0xffffffff;
  let i = 0;
  const whole = bytes.byteLength - (bytes.byteLength % 8);
  for (; i < whole; i += 8) {
    const low = (crc ^ (bytes[i]! | (bytes[i + 1]! << 8) | (bytes[i + 2]! << 16) | (bytes[i + 3]! << 24))) >>> 0;
    crc =
      t7[low & 0xff]! ^
      t6[(low >>> 8) & 0xff]! ^
      t5[(low >>> 16) & 0xff]! ^
      t4[low >>> 24]! ^
      t3[bytes[i + 4]!]! ^
      t2[bytes[i + 5]!]! ^
      t1[bytes[i + 6]!]! ^
      t0[bytes[i + 7]!]!;
  }
  for (; i < bytes.byteLength; i++) crc = t0[(crc ^ bytes[i]!) & 0xff]! ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}

/** LevelDB stores checksums masked, so a CRC of data holding CRCs stays well distributed. */
function mask(crc: number): number {
  return (((crc >>> 15) | (crc << 17)) + 0xa282ead8) >>> 0;
}

/** Decompresses a raw Snappy block; `null` when the bytes are not one. */
function snappyDecompress(input: Uint8Array): Uint8Array | null {
  const reader = { bytes: input, pos: 0 };
  const length = readVarint(reader);
  if (length === null || length > 64 * 1024 * 1024) return null;
  const out = new Uint8Array(length);
  let pos = 0;
  let i = reader.pos;
  while (i < input.byteLength) {
    const tag = input[i++]!;
    let len: number;
    let offset: number;
    switch (tag & 3) {
      case 0: {
        len = tag >>> 2;
        if (len >= 60) {
          const extra = len - 59;
          if (i + extra > input.byteLength) return null;
          len = 0;
          for (let b = 0; b < extra; b++) len += input[i + b]! * 2 ** (8 * b);
          i += extra;
        }
        len += 1;
        if (i + len > input.byteLength || pos + len > length) return null;
        out.set(input.subarray(i, i + len), pos);
        i += len;
        pos += len;
        continue;
      }
      case 1:
        if (i + 1 > input.byteLength) return null;
        len = ((tag >>> 2) & 7) + 4;
        offset = ((tag >>> 5) << 8) | input[i++]!;
        break;
      case 2:
        if (i + 2 > input.byteLength) return null;
        len = (tag >>> 2) + 1;
        offset = input[i]! | (input[i + 1]! << 8);
        i += 2;
        break;
      default:
        if (i + 4 > input.byteLength) return null;
        len = (tag >>> 2) + 1;
        offset = (input[i]! | (input[i + 1]! << 8) | (input[i + 2]! << 16) | (input[i + 3]! << 24)) >>> 0;
        i += 4;
    }
    if (offset === 0 || offset > pos || pos + len > length) return null;
    for (let b = 0; b < len; b++, pos++) out[pos] = out[pos - offset]!;
  }
  return pos === length ? out : null;
}
