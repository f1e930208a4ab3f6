/**
 * The close codes of sync sockets: one table, each code one meaning.
 *
 * Invariant: codes 4400–4499 are permanent (the stock y-websocket 3 client
 * stops reconnecting on them: its `defaultShouldReconnect`); codes
 * 4500–4599 are transient (it reconnects with back-off). A refusal that a
 * reconnect cannot fix is therefore in 44xx, and a failure that a reconnect
 * repairs is in 45xx. The last two digits follow the HTTP status of the
 * same kind of failure.
 */

/** Every close code the relay sends, by meaning. */
export const CloseCode = {
  /** A frame broke the protocol or a per-frame limit (not binary, undecodable, too many awareness states, an unknown extension version). */
  ProtocolViolation: 4400,
  /** No valid credentials: no token, or a token the server does not know. */
  Unauthenticated: 4401,
  /** Authenticated but not allowed: not a member of the session, or a browser page of a foreign origin. */
  PermissionDenied: 4403,
  /** No such document: not a document name, or no such session. */
  DocumentNotFound: 4404,
  /** The session has ended; its plugin documents are deleted. */
  SessionEnded: 4410,
  /** The session already holds as many plugin documents as it may. */
  DocumentCapReached: 4413,
  /** The stored document is damaged (a record of its log or its snapshot is corrupt, or acknowledged events are missing); it stays refused until the operator repairs the data and restarts the relay. */
  DocumentCorrupt: 4422,
  /** The relay failed this document (a write failed, or memory no longer matches the log); a reconnect reloads it. */
  DocumentFailed: 4500,
  /** The relay is busy for this socket (too many frames per second, or a full send buffer); reconnect later. */
  Unavailable: 4503,
} as const;

/** One of the {@link CloseCode} values. */
export type CloseCode = (typeof CloseCode)[keyof typeof CloseCode];

/** What each close code means, for the routes reference and logs. */
export const CLOSE_CODE_MEANINGS: Readonly<Record<CloseCode, string>> = {
  [CloseCode.ProtocolViolation]: "a frame broke the protocol or a per-frame limit, or the extension version is not supported",
  [CloseCode.Unauthenticated]: "no valid token",
  [CloseCode.PermissionDenied]: "not a member of the session, or a foreign browser origin",
  [CloseCode.DocumentNotFound]: "not a document name, or no such session",
  [CloseCode.SessionEnded]: "the session has ended",
  [CloseCode.DocumentCapReached]: "the session holds its maximum of plugin documents",
  [CloseCode.DocumentCorrupt]: "the stored document is damaged; refused until the operator repairs the data and restarts the relay",
  [CloseCode.DocumentFailed]: "the relay failed this document; reconnect to reload it",
  [CloseCode.Unavailable]: "too many frames or a full send buffer; reconnect later",
};

/** True for the close codes after which a client must not reconnect on its own. */
export function isPermanentClose(code: number): boolean {
  return code >= 4400 && code < 4500;
}
