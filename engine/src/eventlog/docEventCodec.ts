/**
 * Binary codec for one {@link DocEvent}, the value a persistent store keeps
 * per log entry.
 *
 * Layout (lib0 encoding):
 *
 * ```
 * uint8        format version (1)
 * varUint      seq (≥ 1)
 * varString    doc
 * uint8        kind (index into EVENT_KINDS)
 * float64      ts
 * uint8        origin flags: 1 = userId, 2 = connection, 4 = plugin
 * varString    userId      (if flag 1)
 * varString    connection  (if flag 2)
 * varString    plugin      (if flag 4)
 * varUint8Array update
 * ```
 *
 * The decoder treats its input as untrusted: anything malformed, truncated or
 * followed by extra bytes comes back as `{ error }`; it never throws.
 */
import * as decoding from "lib0/decoding";
import * as encoding from "lib0/encoding";
import type { DocName } from "../ids";
import { isPluginId, isUserId } from "../ids";
import type { DocEvent, EventOrigin } from "./docEvent";
import { EVENT_KINDS } from "./docEvent";

const FORMAT_VERSION = 1;
const HAS_USER = 1;
const HAS_CONNECTION = 2;
const HAS_PLUGIN = 4;
const KNOWN_FLAGS = HAS_USER | HAS_CONNECTION | HAS_PLUGIN;

/** Result of {@link decodeDocEvent}: the event, or why the bytes are not one. */
export type DecodedDocEvent =
  | { readonly event: DocEvent; readonly error?: undefined }
  | { readonly error: string; readonly event?: undefined };

/** Encodes one event; {@link decodeDocEvent} reverses it. */
export function encodeDocEvent(event: DocEvent): Uint8Array {
  const encoder = encoding.createEncoder();
  encoding.writeUint8(encoder, FORMAT_VERSION);
  encoding.writeVarUint(encoder, event.seq);
  encoding.writeVarString(encoder, event.doc);
  encoding.writeUint8(encoder, EVENT_KINDS.indexOf(event.kind));
  encoding.writeFloat64(encoder, event.ts);
  const { userId, connection, plugin } = event.origin;
  const flags =
    (userId !== null ? HAS_USER : 0) |
    (connection !== null ? HAS_CONNECTION : 0) |
    (plugin !== undefined ? HAS_PLUGIN : 0);
  encoding.writeUint8(encoder, flags);
  if (userId !== null) encoding.writeVarString(encoder, userId);
  if (connection !== null) encoding.writeVarString(encoder, connection);
  if (plugin !== undefined) encoding.writeVarString(encoder, plugin);
  encoding.writeVarUint8Array(encoder, event.update);
  return encoding.toUint8Array(encoder);
}

/** Decodes bytes written by {@link encodeDocEvent}; `{ error }` for anything else. */
export function decodeDocEvent(bytes: Uint8Array): DecodedDocEvent {
  try {
    return readDocEvent(decoding.createDecoder(bytes));
  } catch (cause) {
    // lib0 signals a truncated input or an oversized varint by throwing.
    return { error: `malformed event: ${cause instanceof Error ? cause.message : String(cause)}` };
  }
}

function readDocEvent(decoder: decoding.Decoder): DecodedDocEvent {
  const version = readByte(decoder);
  if (version !== FORMAT_VERSION) return { error: `unknown event format version ${version}` };
  const seq = decoding.readVarUint(decoder);
  if (seq < 1) return { error: "event seq must be at least 1" };
  const doc = decoding.readVarString(decoder);
  if (doc.length === 0) return { error: "event has an empty document name" };
  const kindIndex = readByte(decoder);
  const kind = EVENT_KINDS[kindIndex];
  if (kind === undefined) return { error: `unknown event kind ${kindIndex}` };
  const ts = decoding.readFloat64(decoder);
  if (!Number.isFinite(ts)) return { error: "event timestamp is not a finite number" };
  const flags = readByte(decoder);
  if ((flags & ~KNOWN_FLAGS) !== 0) return { error: `unknown origin flags ${flags}` };
  const userId = (flags & HAS_USER) !== 0 ? decoding.readVarString(decoder) : null;
  if (userId !== null && !isUserId(userId)) return { error: "event origin has an invalid user id" };
  const connection = (flags & HAS_CONNECTION) !== 0 ? decoding.readVarString(decoder) : null;
  const plugin = (flags & HAS_PLUGIN) !== 0 ? decoding.readVarString(decoder) : undefined;
  if (plugin !== undefined && !isPluginId(plugin)) return { error: "event origin has an invalid plugin id" };
  const length = decoding.readVarUint(decoder);
  if (length > decoder.arr.length - decoder.pos) return { error: "event update is truncated" };
  const update = decoding.readUint8Array(decoder, length);
  if (decoding.hasContent(decoder)) return { error: "unexpected bytes after the event" };
  const origin: EventOrigin =
    plugin === undefined ? { userId, connection } : { userId, connection, plugin };
  return { event: { seq, doc: doc as DocName, update, origin, ts, kind } };
}

function readByte(decoder: decoding.Decoder): number {
  if (!decoding.hasContent(decoder)) throw new RangeError("unexpected end of input");
  return decoding.readUint8(decoder);
}
