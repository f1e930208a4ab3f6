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

/** UTF-8 bytes of `JSON.stringify(text)` minus the two quotes. */
export function jsonStringBodyBytes(text: string): number {
  // Most strings are printable ASCII, written as they are: past a few characters, one native scan beats the loop.
  if (text.length > 16 && !NOT_VERBATIM.test(text)) return text.length;
  let bytes = 0;
  let ascii = 0;
  for (; ascii < text.length; ascii++) {
    const c = text.charCodeAt(ascii);
    if (c >= 0x80) break;
    bytes += ASCII_JSON_BYTES[c] as number;
  }
  if (ascii === text.length) return bytes;
  // Past the ASCII prefix: surrogate pairs and lone surrogates need the full rules.
  for (let i = ascii; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x22 || c === 0x5c) bytes += 2;
    else if (c < 0x20) bytes += c === 8 || c === 9 || c === 10 || c === 12 || c === 13 ? 2 : 6;
    else if (c < 0x80) bytes += 1;
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

function isPlainObject(value: object): boolean {
  const proto = Object.getPrototypeOf(value) as unknown;
  return (proto === Object.prototype || proto === null) && typeof (value as { toJSON?: unknown }).toJSON !== "function";
}

/** Decimal length of a finite number as JSON writes it. */
function numberBytes(n: number): number {
  if (Number.isInteger(n) && n >= 0 && n < 1e9) {
    if (n < 10_000) return n < 10 ? 1 : n < 100 ? 2 : n < 1_000 ? 3 : 4;
    return n < 100_000 ? 5 : n < 1_000_000 ? 6 : n < 10_000_000 ? 7 : n < 100_000_000 ? 8 : 9;
  }
  return String(n).length;
}

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
  switch (typeof value) {
    case "string":
      return jsonStringBodyBytes(value) + 2;
    case "number":
      return Number.isFinite(value) ? numberBytes(value) : 4;
    case "boolean":
      return value ? 4 : 5;
    case "object": {
      if (value === null) return 4;
      if (depth > MAX_WALK_DEPTH) break;
      if (Array.isArray(value)) {
        let bytes = 2 + Math.max(0, value.length - 1);
        for (const element of value) bytes += walk(element, depth + 1, false) ?? 4;
        return bytes;
      }
      if (!isPlainObject(value)) break;
      let bytes = 2;
      let members = 0;
      // A plain object's prototype has no enumerable keys, so for…in walks exactly its own keys.
      for (const key in value) {
        if (!hasOwn.call(value, key)) continue;
        const member = (value as Record<string, unknown>)[key];
        // Strings and numbers, most members, weighed here rather than in a call per member.
        const size =
          typeof member === "string"
            ? jsonStringBodyBytes(member) + 2
            : typeof member === "number" && Number.isFinite(member)
              ? numberBytes(member)
              : walk(member, depth + 1, false);
        if (size === undefined) continue;
        bytes += jsonStringBodyBytes(key) + 3 + size;
        members++;
      }
      return bytes + Math.max(0, members - 1);
    }
    case "undefined":
    case "function":
    case "symbol":
      return undefined;
    case "bigint":
      break;
  }
  if (stored && (value instanceof Uint8Array || value instanceof Y.AbstractType || value instanceof Y.Doc)) return valueJsonBytes(value);
  const text = toJsonText(value);
  return text === undefined ? undefined : utf8Length(text);
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
