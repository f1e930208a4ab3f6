/**
 * WebSocket framing for broadcasts (RFC 6455 §5.2): one unmasked, final,
 * binary frame, header and payload in one buffer. The relay frames a
 * broadcast once and writes the same bytes to every peer's socket, instead
 * of letting `ws` frame it again per peer (two writes and several
 * allocations each).
 *
 * Writing these bytes straight to a socket is only correct while `ws` never
 * holds frames back itself, i.e. without permessage-deflate (the relay's
 * `WebSocketServer` sets `perMessageDeflate: false`), and only while the
 * socket is open (the relay checks `readyState` before every write).
 */

/** Payloads up to this length fit the 7-bit length field. */
const SHORT = 125;
/** Payloads up to this length fit the 16-bit extended length field. */
const MEDIUM = 0xffff;

/** The complete server-to-client WebSocket frame carrying `payload` as one binary message. */
export function binaryFrame(payload: Uint8Array): Buffer {
  const length = payload.byteLength;
  const headerLength = length <= SHORT ? 2 : length <= MEDIUM ? 4 : 10;
  const frame = Buffer.allocUnsafe(headerLength + length);
  frame[0] = 0x82; // FIN + opcode 2 (binary)
  if (length <= SHORT) {
    frame[1] = length;
  } else if (length <= MEDIUM) {
    frame[1] = 126;
    frame.writeUInt16BE(length, 2);
  } else {
    frame[1] = 127;
    frame.writeUInt32BE(Math.floor(length / 2 ** 32), 2);
    frame.writeUInt32BE(length >>> 0, 6);
  }
  frame.set(payload, headerLength);
  return frame;
}
