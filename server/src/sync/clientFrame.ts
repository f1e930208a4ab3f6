/**
 * Decodes one frame a client sent on a sync socket. Untrusted input stops
 * here: anything that is not a frame of the standard protocol or of an
 * extension message type some extension owns is returned as `{ error }`,
 * never thrown.
 */
import * as decoding from "lib0/decoding";
import { MESSAGE_AUTH, MESSAGE_AWARENESS, MESSAGE_QUERY_AWARENESS, MESSAGE_SYNC } from "@taiku/engine";

/** A decoded client frame. */
export type ClientFrame =
  | { readonly kind: "sync-step-1"; readonly stateVector: Uint8Array }
  | { readonly kind: "update"; readonly update: Uint8Array }
  | { readonly kind: "awareness"; readonly update: Uint8Array }
  | { readonly kind: "query-awareness" }
  | { readonly kind: "auth" }
  | { readonly kind: "extension"; readonly type: number; readonly payload: Uint8Array };

/** Decodes one client frame; `{ error }` for anything else. */
export function decodeClientFrame(data: Uint8Array, extensionTypes: ReadonlySet<number> = new Set()): { frame: ClientFrame } | { error: string } {
  if (data.byteLength === 0) return { error: "empty frame" };
  const decoder = decoding.createDecoder(data);
  try {
    const type = decoding.readVarUint(decoder);
    switch (type) {
      case MESSAGE_SYNC: {
        const sub = decoding.readVarUint(decoder);
        const payload = decoding.readVarUint8Array(decoder);
        if (sub === 0) return { frame: { kind: "sync-step-1", stateVector: payload } };
        if (sub === 1 || sub === 2) return { frame: { kind: "update", update: payload } };
        return { error: `unknown sync message ${sub}` };
      }
      case MESSAGE_AWARENESS:
        return { frame: { kind: "awareness", update: decoding.readVarUint8Array(decoder) } };
      case MESSAGE_QUERY_AWARENESS:
        return { frame: { kind: "query-awareness" } };
      case MESSAGE_AUTH:
        return { frame: { kind: "auth" } };
      default:
        if (extensionTypes.has(type)) return { frame: { kind: "extension", type, payload: data.subarray(decoder.pos) } };
        return { error: `unknown message type ${type}` };
    }
  } catch (cause) {
    return { error: `truncated or malformed frame (${cause instanceof Error ? cause.message : String(cause)})` };
  }
}
