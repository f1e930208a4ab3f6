/**
 * Where the parts of a Yjs v1 update lie in its bytes, read without
 * building anything: per client, the byte range of its run of structs and
 * the clocks it covers; the delete set as ranges.
 *
 * The v1 update format (as Yjs writes and reads it):
 *
 * ```
 * varUint  number of client blocks
 * per block:
 *   varUint  number of structs
 *   varUint  client
 *   varUint  clock of the first struct
 *   structs  back to back; each one's clock follows from the previous one's length
 * varUint  number of clients in the delete set
 * per client:
 *   varUint  client
 *   varUint  number of ranges
 *   per range: varUint clock, varUint length
 * ```
 *
 * A struct is a GC (info 0: varUint length), a Skip (info 10: varUint
 * length) or an item: the info byte (low 5 bits the content kind, 0x80 an
 * origin id follows, 0x40 a right origin id, 0x20 a parent key), then the
 * parent (a root type name or an item id) only when neither origin is
 * present, then the content, whose kind fixes how it is laid out and how
 * many clock ticks it covers.
 *
 * Invariant: reading never throws. Bytes that are not such an update, hold
 * a Skip struct, or a content kind this reader does not know come back as
 * `null`, and the caller takes Yjs's own path.
 */
import * as decoding from "lib0/decoding";
import * as encoding from "lib0/encoding";

/** One client's run of structs inside an update. */
export interface StructBlock {
  readonly client: number;
  /** Clock of the first struct. */
  readonly clock: number;
  /** Clock just past the last struct. */
  readonly endClock: number;
  /** Structs in the run. */
  readonly count: number;
  /** Offset of the first struct's info byte in the update's bytes. */
  readonly start: number;
  /** Offset just past the last struct. */
  readonly end: number;
}

/** The layout of one update: its struct blocks (in the order written) and its deleted ranges. */
export interface UpdateLayout {
  readonly bytes: Uint8Array;
  readonly blocks: readonly StructBlock[];
  /** Deleted ranges by client, as flat `[clock, length, clock, length, …]` (fresh arrays the caller may keep and extend). */
  readonly deletes: ReadonlyMap<number, number[]>;
}

/** The layout of `bytes`, or `null` when they are not a v1 update this reader can lay out (see the module header). */
export function readUpdateLayout(bytes: Uint8Array): UpdateLayout | null {
  try {
    return layoutOf(bytes);
  } catch (cause) {
    // lib0 signals a truncated input by throwing; so does this reader for anything it cannot lay out.
    if (cause instanceof Error) return null;
    throw cause;
  }
}

/** Where a block is cut so that what follows starts at a given clock (see {@link cutBlockAt}). */
export interface BlockCut {
  /** Offset of the first struct kept whole. */
  readonly offset: number;
  /** Structs of the block left out before it (the one cut in two counts as kept). */
  readonly skipped: number;
  /** When `clock` fell inside a struct: that struct's part from `clock` on, encoded as Yjs encodes it, to go first. */
  readonly head: Uint8Array | null;
}

/**
 * Cuts `block` at `clock` (which it covers): the structs wholly before it
 * are left out, and a struct that covers `clock` without starting there is
 * re-encoded from `clock` on, as Yjs itself writes a struct from an offset
 * (its origin becomes the tick just before). `null` when the layout cannot
 * be read again or that struct's content cannot be cut.
 */
export function cutBlockAt(layout: UpdateLayout, block: StructBlock, clock: number): BlockCut | null {
  try {
    const decoder = decoding.createDecoder(layout.bytes);
    decoder.pos = block.start;
    let at = block.clock;
    let skipped = 0;
    for (;;) {
      const start = decoder.pos;
      const length = skipStruct(decoder);
      if (at + length <= clock) {
        at += length;
        skipped++;
        if (at === clock) return { offset: decoder.pos, skipped, head: null };
        continue;
      }
      const head = encodeStructFrom(layout.bytes, start, decoder.pos, block.client, at, clock - at);
      return head === null ? null : { offset: decoder.pos, skipped, head };
    }
  } catch (cause) {
    if (cause instanceof Error) return null;
    throw cause;
  }
}

/** The struct at `bytes[start, end)` (client `client`, first clock `clock`) from `offset` ticks on, or `null` for content it does not cut (one tick long, or text). */
function encodeStructFrom(bytes: Uint8Array, start: number, end: number, client: number, clock: number, offset: number): Uint8Array | null {
  const decoder = decoding.createDecoder(bytes);
  decoder.pos = start;
  const encoder = encoding.createEncoder();
  const info = readByte(decoder);
  const kind = info & CONTENT_KIND;
  if (kind === GC) {
    encoding.writeUint8(encoder, GC);
    encoding.writeVarUint(encoder, decoding.readVarUint(decoder) - offset);
    return encoding.toUint8Array(encoder);
  }
  if ((info & HAS_ORIGIN) !== 0) skipId(decoder);
  const rightOrigin = decoder.pos;
  if ((info & HAS_RIGHT_ORIGIN) !== 0) skipId(decoder);
  const rightOriginBytes = bytes.subarray(rightOrigin, decoder.pos);
  skipParent(decoder, info);
  // From an offset the struct's origin is its own previous tick, so no parent is written.
  encoding.writeUint8(encoder, info | HAS_ORIGIN);
  encoding.writeVarUint(encoder, client);
  encoding.writeVarUint(encoder, clock + offset - 1);
  encoding.writeUint8Array(encoder, rightOriginBytes);
  switch (kind) {
    case 1: // deleted
      encoding.writeVarUint(encoder, decoding.readVarUint(decoder) - offset);
      break;
    // A string is text: repeated text never reaches a cut (see `repeatsNoText`).
    case 2: // JSON: strings
    case 8: {
      // any: values
      const count = decoding.readVarUint(decoder);
      for (let i = 0; i < offset; i++) (kind === 2 ? skipBytes : skipAny)(decoder);
      encoding.writeVarUint(encoder, count - offset);
      encoding.writeUint8Array(encoder, bytes.subarray(decoder.pos, end));
      break;
    }
    default:
      return null;
  }
  return encoding.toUint8Array(encoder);
}

/** Content kinds of `Y.Text`: a string, an embed, a format. */
const TEXT_KINDS = new Set([4, 5, 6]);

/**
 * True when no struct of `block` that starts before `clock` is text
 * content. Yjs reads a struct it already holds before it drops it, and in
 * doing so splits the held item its origin points into; inside a text that
 * split can fall between the two halves of a surrogate pair, which Yjs
 * then replaces. A fold that skips such a struct would keep the pair, so
 * it must not skip text (map and list items are never split that way).
 */
export function repeatsNoText(layout: UpdateLayout, block: StructBlock, clock: number): boolean {
  try {
    const decoder = decoding.createDecoder(layout.bytes);
    decoder.pos = block.start;
    for (let at = block.clock, s = 0; at < clock && s < block.count; s++) {
      if (TEXT_KINDS.has((layout.bytes[decoder.pos] as number) & CONTENT_KIND)) return false;
      at += skipStruct(decoder);
    }
    return true;
  } catch (cause) {
    if (cause instanceof Error) return false;
    throw cause;
  }
}

function layoutOf(bytes: Uint8Array): UpdateLayout {
  const decoder = decoding.createDecoder(bytes);
  const blockCount = decoding.readVarUint(decoder);
  const blocks: StructBlock[] = [];
  for (let b = 0; b < blockCount; b++) {
    const count = decoding.readVarUint(decoder);
    const client = decoding.readVarUint(decoder);
    const clock = decoding.readVarUint(decoder);
    const start = decoder.pos;
    let endClock = clock;
    for (let s = 0; s < count; s++) endClock += skipStruct(decoder);
    blocks.push({ client, clock, endClock, count, start, end: decoder.pos });
  }
  const deletes = new Map<number, number[]>();
  const deleteClients = decoding.readVarUint(decoder);
  for (let c = 0; c < deleteClients; c++) {
    const client = decoding.readVarUint(decoder);
    const ranges = decoding.readVarUint(decoder);
    let list = deletes.get(client);
    if (list === undefined) deletes.set(client, (list = []));
    for (let r = 0; r < ranges; r++) list.push(decoding.readVarUint(decoder), decoding.readVarUint(decoder));
  }
  if (decoding.hasContent(decoder)) throw new Error("bytes after the delete set");
  return { bytes, blocks, deletes };
}

const GC = 0;
const SKIP = 10;
const HAS_ORIGIN = 0x80;
const HAS_RIGHT_ORIGIN = 0x40;
const HAS_PARENT_SUB = 0x20;
const CONTENT_KIND = 0x1f;
/** Type refs (`ContentType`) whose layout carries a node name: XML elements and hooks. */
const NAMED_TYPE_REFS = new Set([3, 5]);
const LAST_TYPE_REF = 6;

/** Skips one struct; returns the clock ticks it covers. */
function skipStruct(decoder: decoding.Decoder): number {
  const info = readByte(decoder);
  const kind = info & CONTENT_KIND;
  if (kind === GC) return decoding.readVarUint(decoder);
  if (kind === SKIP) throw new Error("a Skip struct: the update has a gap");
  if ((info & HAS_ORIGIN) !== 0) skipId(decoder);
  if ((info & HAS_RIGHT_ORIGIN) !== 0) skipId(decoder);
  skipParent(decoder, info);
  switch (kind) {
    case 1: // deleted
      return decoding.readVarUint(decoder);
    case 2: // JSON: strings
      return skipEach(decoder, skipBytes);
    case 3: // binary
    case 5: // embed (JSON string)
      skipBytes(decoder);
      return 1;
    case 4: // string: its length in UTF-16 units, as Yjs counts it
      return decoding.readVarString(decoder).length;
    case 6: // format: key, JSON value
      skipBytes(decoder);
      skipBytes(decoder);
      return 1;
    case 7: {
      const typeRef = decoding.readVarUint(decoder);
      if (typeRef > LAST_TYPE_REF) throw new Error(`unknown type ref ${typeRef}`);
      if (NAMED_TYPE_REFS.has(typeRef)) skipBytes(decoder);
      return 1;
    }
    case 8: // any: values
      return skipEach(decoder, skipAny);
    case 9: // subdocument: guid, options
      skipBytes(decoder);
      skipAny(decoder);
      return 1;
    default:
      throw new Error(`unknown content kind ${kind}`);
  }
}

/** Skips an item's parent (a root type's name or an item id) and its key, which are written only when it has neither origin. */
function skipParent(decoder: decoding.Decoder, info: number): void {
  if ((info & (HAS_ORIGIN | HAS_RIGHT_ORIGIN)) !== 0) return;
  if (decoding.readVarUint(decoder) === 1) skipBytes(decoder);
  else skipId(decoder);
  if ((info & HAS_PARENT_SUB) !== 0) skipBytes(decoder);
}

function skipEach(decoder: decoding.Decoder, skip: (decoder: decoding.Decoder) => void): number {
  const count = decoding.readVarUint(decoder);
  for (let i = 0; i < count; i++) skip(decoder);
  return count;
}

function skipId(decoder: decoding.Decoder): void {
  decoding.readVarUint(decoder);
  decoding.readVarUint(decoder);
}

/** Skips a length-prefixed byte string (a var string or a var byte array: the same layout). */
function skipBytes(decoder: decoding.Decoder): void {
  const length = decoding.readVarUint(decoder);
  skipFixed(decoder, length);
}

function skipFixed(decoder: decoding.Decoder, length: number): void {
  if (length > decoder.arr.length - decoder.pos) throw new Error("unexpected end of the update");
  decoder.pos += length;
}

function readByte(decoder: decoding.Decoder): number {
  if (decoder.pos >= decoder.arr.length) throw new Error("unexpected end of the update");
  return decoding.readUint8(decoder);
}

/** Skips one value in lib0's `any` encoding. */
function skipAny(decoder: decoding.Decoder): void {
  const type = readByte(decoder);
  switch (type) {
    case 127: // undefined
    case 126: // null
    case 121: // false
    case 120: // true
      return;
    case 125: // var int
      if (decoder.pos >= decoder.arr.length) throw new Error("unexpected end of the update");
      decoding.readVarInt(decoder);
      return;
    case 124: // float32
      return skipFixed(decoder, 4);
    case 123: // float64
    case 122: // bigint64
      return skipFixed(decoder, 8);
    case 119: // string
    case 116: // bytes
      return skipBytes(decoder);
    case 118: {
      // object: key, value pairs
      const entries = decoding.readVarUint(decoder);
      for (let i = 0; i < entries; i++) {
        skipBytes(decoder);
        skipAny(decoder);
      }
      return;
    }
    case 117: // array
      skipEach(decoder, skipAny);
      return;
    default:
      throw new Error(`unknown value type ${type}`);
  }
}
