/**
 * The sync socket's wire, declared once: the message types of the standard
 * y-websocket protocol (y-protocols sync, awareness, auth), taiku's own
 * extension message types, the version of those extensions, and how a
 * client opts in to them.
 *
 * Invariant: a frame whose type is {@link FIRST_EXTENSION_MESSAGE} or more
 * reaches only a socket that opted in (`?taiku=<version>` on the sync URL,
 * see {@link extensionOptIn}). A stock y-websocket client logs "Unable to
 * compute message" for any type it has no handler for, so it is sent the
 * standard protocol only.
 *
 * Frame format (lib0 encoding): `varUint(messageType)` then the message. The
 * auth message is `varUint(MESSAGE_AUTH) varUint(AUTH_PERMISSION_DENIED)
 * varString(reason)`, as y-protocols' `auth.js` writes and reads it.
 */
import * as decoding from "lib0/decoding";
import * as encoding from "lib0/encoding";

/** y-websocket message type: sync step 1, step 2 or update (y-protocols `sync.js`). */
export const MESSAGE_SYNC = 0;
/** y-websocket message type: awareness update (y-protocols `awareness.js`). */
export const MESSAGE_AWARENESS = 1;
/** y-websocket message type: auth (y-protocols `auth.js`). */
export const MESSAGE_AUTH = 2;
/** y-websocket message type: query awareness. */
export const MESSAGE_QUERY_AWARENESS = 3;
/** The one auth message y-protocols defines: the server refuses this client. */
export const AUTH_PERMISSION_DENIED = 0;

/** The lowest extension message type; everything from here up is taiku's own. */
export const FIRST_EXTENSION_MESSAGE = 100;
/** taiku's message type for relay notices (`relayNotice.ts`). */
export const MESSAGE_TAIKU_NOTICE = 100;
/** taiku's message type for session events (`sessionEvents.ts`). */
export const MESSAGE_TAIKU_EVENT = 101;

/** The version of taiku's extension messages a client opts in to. */
export const EXTENSIONS_VERSION = 1;
/** The sync URL's query parameter carrying the opt-in: `?taiku=<EXTENSIONS_VERSION>`. */
export const EXTENSIONS_PARAM = "taiku";

/** True for the message types of the standard protocol (sync, awareness, auth, query awareness): all a stock client reads. */
export function isStandardMessage(type: number): boolean {
  return type === MESSAGE_SYNC || type === MESSAGE_AWARENESS || type === MESSAGE_AUTH || type === MESSAGE_QUERY_AWARENESS;
}

/** True for taiku's own message types (sent only to sockets that opted in). */
export function isExtensionMessage(type: number): boolean {
  return type >= FIRST_EXTENSION_MESSAGE;
}

/** The query parameters a taiku client adds to its sync URL to receive extension messages. */
export function extensionParams(): Record<string, string> {
  return { [EXTENSIONS_PARAM]: String(EXTENSIONS_VERSION) };
}

/**
 * Whether the sync URL's query opted in to extension messages: `true` for
 * `?taiku=<EXTENSIONS_VERSION>`, `false` without the parameter, and an
 * error for any other value (a client speaking a version this relay does
 * not know).
 */
export function extensionOptIn(params: URLSearchParams): { readonly optedIn: boolean } | { readonly error: string } {
  const value = params.get(EXTENSIONS_PARAM);
  if (value === null) return { optedIn: false };
  if (value === String(EXTENSIONS_VERSION)) return { optedIn: true };
  return { error: `taiku extension version ${JSON.stringify(value)} is not supported; this relay speaks ${EXTENSIONS_VERSION}` };
}

/** The message type a frame starts with; `undefined` for an empty or truncated one. */
export function messageTypeOf(frame: Uint8Array): number | undefined {
  if (frame.byteLength === 0) return undefined;
  // One byte holds types 0–127, which covers every type in use.
  const first = frame[0] as number;
  if (first < 0x80) return first;
  try {
    return decoding.readVarUint(decoding.createDecoder(frame));
  } catch (cause) {
    if (cause instanceof Error) return undefined;
    throw cause;
  }
}

/** The auth frame refusing a client, with `reason` shown to whoever runs it. */
export function encodePermissionDenied(reason: string): Uint8Array {
  const encoder = encoding.createEncoder();
  encoding.writeVarUint(encoder, MESSAGE_AUTH);
  encoding.writeVarUint(encoder, AUTH_PERMISSION_DENIED);
  encoding.writeVarString(encoder, reason);
  return encoding.toUint8Array(encoder);
}

/** Decodes an auth frame written by {@link encodePermissionDenied}; never throws. */
export function decodePermissionDenied(frame: Uint8Array): { readonly reason: string } | { readonly error: string } {
  try {
    const decoder = decoding.createDecoder(frame);
    if (decoding.readVarUint(decoder) !== MESSAGE_AUTH) return { error: "not an auth message" };
    if (decoding.readVarUint(decoder) !== AUTH_PERMISSION_DENIED) return { error: "not a permission-denied message" };
    const reason = decoding.readVarString(decoder);
    if (decoding.hasContent(decoder)) return { error: "trailing bytes after the auth message" };
    return { reason };
  } catch (cause) {
    return { error: `malformed auth message: ${cause instanceof Error ? cause.message : String(cause)}` };
  }
}
