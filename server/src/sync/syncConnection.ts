/**
 * One sync socket: reads y-websocket frames and hands them to the relay.
 * Untrusted input stops here: a frame that is not binary, cannot be decoded,
 * or breaks a limit closes this socket only, with a close code from
 * `CLOSE_CODES` and a reason, and is logged.
 */
import * as decoding from "lib0/decoding";
import type { WebSocket } from "ws";
import { CLOSE_CODES, ErrorCode, MESSAGE_AUTH, MESSAGE_AWARENESS, MESSAGE_QUERY_AWARENESS, MESSAGE_SYNC } from "@taiku/engine";

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

/** A token bucket: `rate` per second, bursts up to `burst`. */
export class RateLimiter {
  private tokens: number;
  private last = performance.now();

  constructor(
    private readonly rate: number,
    private readonly burst: number,
  ) {
    this.tokens = burst;
  }

  /** Takes one token; false when none is left. */
  take(): boolean {
    const now = performance.now();
    this.tokens = Math.min(this.burst, this.tokens + ((now - this.last) / 1000) * this.rate);
    this.last = now;
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }
}

/** Closes a socket for an error a peer caused or suffers. */
export function closeSocket(ws: WebSocket, code: ErrorCode, reason: string): void {
  if (ws.readyState === ws.CLOSED || ws.readyState === ws.CLOSING) return;
  // Close reasons are limited to 123 bytes.
  ws.close(CLOSE_CODES[code], Buffer.from(reason).subarray(0, 120).toString());
}

export { ErrorCode };
