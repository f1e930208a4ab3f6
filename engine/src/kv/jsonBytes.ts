/**
 * Byte sizes of JSON, computed without building the JSON where it can be
 * avoided. These define what "live data" weighs (DESIGN.md, Session KV):
 *
 * - a plain value weighs the UTF-8 bytes of `JSON.stringify(value)`;
 *   `undefined` weighs 4 (as `null`), a `Uint8Array` its byte length;
 * - a shared type weighs the UTF-8 bytes of its JSON, read from its live
 *   structure so that every replica (and the relay, which never learns
 *   whether a root is a map, a text or an array) computes the same figure:
 *   a text is a JSON string, a sequence a JSON array, a map a JSON object.
 *   Embeds and formatting attributes count as their JSON too, so no content
 *   escapes the quota. A type with no live content weighs 0 at the root and
 *   its empty brackets (2) when nested.
 */
import * as Y from "yjs";

/** Any shared type. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- every shared type, whatever its event type (yjs's own default)
export type AnyType = Y.AbstractType<any>;

const NON_ASCII = /[^\x00-\x7f]/;

/** UTF-8 byte length of a string (lone surrogates count 3, as the encoder writes them). */
export function utf8Length(text: string): number {
  // Keys are short: a loop over a few characters beats entering the regex engine.
  if (text.length > 16 ? !NON_ASCII.test(text) : isAscii(text)) return text.length;
  let bytes = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x80) bytes += 1;
    else if (c < 0x800) bytes += 2;
    else if (c >= 0xd800 && c <= 0xdbff && i + 1 < text.length && isLowSurrogate(text.charCodeAt(i + 1))) {
      bytes += 4;
      i++;
    } else bytes += 3;
  }
  return bytes;
}

function isAscii(text: string): boolean {
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) >= 0x80) return false;
  return true;
}

function isLowSurrogate(c: number): boolean {
  return c >= 0xdc00 && c <= 0xdfff;
}

/** JSON bytes of each ASCII character inside a string: escapes take 2 (`\n`) or 6 (`\u0001`). */
const ASCII_JSON_BYTES = new Uint8Array(128);
for (let c = 0; c < 128; c++) {
  ASCII_JSON_BYTES[c] = c === 0x22 || c === 0x5c ? 2 : c >= 0x20 ? 1 : c === 8 || c === 9 || c === 10 || c === 12 || c === 13 ? 2 : 6;
}

/** A character JSON escapes, or one that takes more than a byte in UTF-8. */
const NOT_VERBATIM = /["\\\x00-\x1f\x80-\uffff]/;

/** Strings up to this length are scanned in a loop; longer ones by one native regex scan. */
const LOOP_SCAN_MAX = 64;

/** UTF-8 bytes of `JSON.stringify(text)` minus the two quotes. */
export function jsonStringBodyBytes(text: string): number {
  // Most strings are printable ASCII, written as they are. A short one is checked in a loop: entering the regex
  // engine costs more than the loop, all the more right after a write, when its code and data are out of cache.
  const length = text.length;
  if (length > LOOP_SCAN_MAX) return NOT_VERBATIM.test(text) ? escapedBodyBytes(text, 0, 0) : length;
  for (let i = 0; i < length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x20 || c >= 0x80 || c === 0x22 || c === 0x5c) return escapedBodyBytes(text, i, i);
  }
  return length;
}

/**
 * JSON body bytes of `text` from `from` on, added to `bytes` (those of the characters before it).
 * Surrogate pairs take 4 bytes; lone surrogates are escaped (6).
 */
function escapedBodyBytes(text: string, from: number, bytes: number): number {
  for (let i = from; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x80) bytes += ASCII_JSON_BYTES[c] as number;
    else if (c < 0x800) bytes += 2;
    else if (c >= 0xd800 && c <= 0xdbff) {
      if (i + 1 < text.length && isLowSurrogate(text.charCodeAt(i + 1))) {
        bytes += 4;
        i++;
      } else bytes += 6;
    } else if (isLowSurrogate(c)) bytes += 6;
    else bytes += 3;
  }
  return bytes;
}

const writeBigInt = (_key: string, v: unknown): unknown => (typeof v === "bigint" ? v.toString() : v);

/** Serialises a value as JSON, writing bigints as their decimal digits. */
export function toJsonText(value: unknown): string | undefined {
  if (typeof value === "bigint") return value.toString();
  try {
    return JSON.stringify(value);
  } catch (error) {
    // The only value JSON refuses that a Yjs value can hold is a bigint; anything else (a cycle) is the caller's bug.
    if (error instanceof TypeError && /BigInt/i.test(error.message)) return JSON.stringify(value, writeBigInt);
    throw error;
  }
}

const MAX_WALK_DEPTH = 64;
const hasOwn = Object.prototype.hasOwnProperty;

/**
 * True for an object JSON writes as its own enumerable members: one made by
 * a literal or `JSON.parse`, or with no prototype, and no `toJSON`. Read
 * from `constructor` first: an inline-cached property load, where asking for
 * the prototype may leave compiled code.
 */
function isPlainObject(value: object): boolean {
  const constructor = (value as { constructor?: unknown }).constructor;
  if (constructor !== Object && (constructor !== undefined || Object.getPrototypeOf(value) !== null)) return false;
  return typeof (value as { toJSON?: unknown }).toJSON !== "function";
}

/** Length of a number as JSON writes it (`null` for NaN and infinities). */
function numberBytes(n: number): number {
  if (n >= 0 && n < 1e9 && Math.floor(n) === n) {
    if (n < 10_000) return n < 10 ? 1 : n < 100 ? 2 : n < 1_000 ? 3 : 4;
    return n < 100_000 ? 5 : n < 1_000_000 ? 6 : n < 10_000_000 ? 7 : n < 100_000_000 ? 8 : 9;
  }
  return Number.isFinite(n) ? String(n).length : 4;
}

/**
 * The member names of the last top-level object weighed, by position, with
 * their JSON body bytes. Plugins write the same shape again and again, and
 * a property name is an interned string: the same name compares equal at
 * the cost of a pointer check, and is not scanned again.
 */
const NAME_SLOTS = 16;
const names: Array<string | undefined> = new Array<string | undefined>(NAME_SLOTS).fill(undefined);
const nameBytes = new Int32Array(NAME_SLOTS);

/**
 * The string members of the last top-level object weighed, by position,
 * with their JSON bytes. A record rewritten with one member changed (a
 * spread of the previous state, or the same literal) carries its other
 * strings over as the same string objects, which compare equal by pointer;
 * a string equal in content compares natively, still faster than scanning
 * it. Only a string that differs is scanned. The cache is shared by every
 * document of the process; it keeps strings of up to 256 characters alive
 * until they are displaced (a short string cut from a longer one may keep
 * that one alive too, for as long).
 */
const REMEMBERED_STRING_MAX = 256;
const memberStrings: Array<string | undefined> = new Array<string | undefined>(NAME_SLOTS).fill(undefined);
const memberStringBytes = new Int32Array(NAME_SLOTS);

/**
 * UTF-8 bytes of `JSON.stringify(value)`, walked without building the text
 * (several times faster for the small values plugins write); `undefined`
 * where JSON would write nothing (undefined, functions, symbols). Values
 * that are not plain JSON data (class instances, `toJSON` owners, bigints)
 * fall back to serialising.
 */
export function jsonBytes(value: unknown, depth = 0): number | undefined {
  return walk(value, depth, false);
}

/**
 * What `value` will weigh once a map entry holds it: its JSON bytes, except
 * that bytes, documents and shared types weigh as {@link valueJsonBytes}
 * says (Yjs stores them as such, not as JSON). `undefined` where JSON would
 * write nothing.
 */
export function storedValueBytes(value: unknown): number | undefined {
  return walk(value, 0, true);
}

function walk(value: unknown, depth: number, stored: boolean): number | undefined {
  // Ordered by how often plugins write each kind: objects of strings and numbers first.
  if (typeof value === "object" && value !== null && depth <= MAX_WALK_DEPTH) {
    if (Array.isArray(value)) return arrayBytes(value, depth);
    if (isPlainObject(value)) return objectBytes(value as Record<string, unknown>, depth);
  } else if (typeof value === "string") return jsonStringBodyBytes(value) + 2;
  else if (typeof value === "number") return numberBytes(value);
  else if (typeof value === "boolean") return value ? 4 : 5;
  else if (value === null) return 4;
  else if (typeof value !== "bigint" && typeof value !== "object") return undefined; // undefined, functions, symbols
  if (stored && (value instanceof Uint8Array || value instanceof Y.AbstractType || value instanceof Y.Doc)) return valueJsonBytes(value);
  const text = toJsonText(value);
  return text === undefined ? undefined : utf8Length(text);
}

function arrayBytes(array: readonly unknown[], depth: number): number {
  let bytes = 1 + array.length; // "[", a comma after each element but the last, "]"
  if (array.length === 0) return 2;
  for (let i = 0; i < array.length; i++) bytes += walk(array[i], depth + 1, false) ?? 4;
  return bytes;
}

/** A plain object's JSON bytes. */
function objectBytes(object: Record<string, unknown>, depth: number): number {
  let bytes = 1; // "{", then per member its quoted name, ":", and "," or the closing "}"
  let slot = depth === 0 ? 0 : NAME_SLOTS;
  // for…in also walks enumerable keys a prototype may have: JSON writes own members only.
  for (const key in object) {
    if (!hasOwn.call(object, key)) continue;
    const member = object[key];
    // Strings and numbers, most members, weighed here rather than in a call per member.
    let size: number | undefined;
    if (typeof member === "string") {
      if (slot >= NAME_SLOTS || member.length > REMEMBERED_STRING_MAX) size = jsonStringBodyBytes(member) + 2;
      else if (memberStrings[slot] === member) size = memberStringBytes[slot] as number;
      else {
        size = jsonStringBodyBytes(member) + 2;
        memberStrings[slot] = member;
        memberStringBytes[slot] = size;
      }
    } else if (typeof member === "number") size = numberBytes(member);
    else {
      size = walk(member, depth + 1, false);
      if (size === undefined) continue;
    }
    if (slot < NAME_SLOTS) {
      if (names[slot] !== key) {
        names[slot] = key;
        nameBytes[slot] = jsonStringBodyBytes(key);
      }
      bytes += (nameBytes[slot++] as number) + 4 + size;
    } else bytes += jsonStringBodyBytes(key) + 4 + size;
  }
  return bytes === 1 ? 2 : bytes;
}

/** Weight of one value stored in a shared type or a `kv` entry. */
export function valueJsonBytes(value: unknown): number {
  if (value instanceof Y.AbstractType) return typeJsonBytes(value, false);
  if (value instanceof Uint8Array) return value.byteLength;
  if (value instanceof Y.Doc) return jsonStringBodyBytes(value.guid) + 2;
  return jsonBytes(value) ?? 4;
}

/** The value a map entry's item holds. */
export function itemValue(item: Y.Item): unknown {
  const content = item.content.getContent();
  return content[content.length - 1];
}

/**
 * Weight of a shared type's JSON, read from its live items.
 * @param atRoot a root type with no live content weighs 0
 */
export function typeJsonBytes(type: AnyType, atRoot: boolean): number {
  let mapBytes = 0;
  let mapEntries = 0;
  for (const [key, item] of type._map) {
    if (item.deleted) continue;
    mapBytes += jsonStringBodyBytes(key) + 3 + valueJsonBytes(itemValue(item));
    mapEntries++;
  }
  let textBytes = 0;
  let hasText = false;
  let elementBytes = 0;
  let elements = 0;
  for (let item = type._start; item !== null; item = item.right) {
    if (item.deleted) continue;
    const content = item.content;
    if (content instanceof Y.ContentString) {
      textBytes += jsonStringBodyBytes(content.str);
      hasText = true;
    } else if (content instanceof Y.ContentFormat) {
      textBytes += jsonStringBodyBytes(content.key) + valueJsonBytes(content.value);
    } else if (content instanceof Y.ContentEmbed) {
      textBytes += valueJsonBytes(content.embed);
    } else {
      for (const value of content.getContent()) {
        elementBytes += valueJsonBytes(value);
        elements++;
      }
    }
  }
  let total = 0;
  if (mapEntries > 0) total += 2 + mapBytes + (mapEntries - 1);
  if (hasText || textBytes > 0) total += 2 + textBytes;
  if (elements > 0) total += 2 + elementBytes + (elements - 1);
  if (total === 0 && !atRoot) return 2;
  return total;
}
