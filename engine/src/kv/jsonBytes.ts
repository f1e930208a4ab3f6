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

/** UTF-8 byte length of a string (lone surrogates count 3, as the encoder writes them). */
export function utf8Length(text: string): number {
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

function isLowSurrogate(c: number): boolean {
  return c >= 0xdc00 && c <= 0xdfff;
}

/** UTF-8 bytes of `JSON.stringify(text)` minus the two quotes. */
export function jsonStringBodyBytes(text: string): number {
  let bytes = 0;
  for (let i = 0; i < text.length; i++) {
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

/** Serialises a value as JSON, writing bigints as their decimal digits. */
export function toJsonText(value: unknown): string | undefined {
  if (typeof value === "bigint") return value.toString();
  return JSON.stringify(value, (_key, v: unknown) => (typeof v === "bigint" ? v.toString() : v));
}

/** Weight of one value stored in a shared type or a `kv` entry. */
export function valueJsonBytes(value: unknown): number {
  if (value instanceof Y.AbstractType) return typeJsonBytes(value, false);
  if (value instanceof Uint8Array) return value.byteLength;
  if (value instanceof Y.Doc) return jsonStringBodyBytes(value.guid) + 2;
  if (typeof value === "string") return jsonStringBodyBytes(value) + 2;
  if (value === undefined) return 4;
  const text = toJsonText(value);
  return text === undefined ? 4 : utf8Length(text);
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
