/**
 * Branded identifiers. Every id that crosses a boundary (socket, bridge,
 * HTTP, storage key) is one of these, so a session id can never be passed
 * where a plugin id is expected. Brand a raw string only after validating it
 * (see the `parse*` helpers).
 *
 * Document names are formatted and parsed here only ({@link sessionDocName},
 * {@link kvDocName}, {@link kvDocPrefix}, {@link parseDocName}); for every
 * name `parseDocName` accepts, formatting its parts gives the name back.
 */

/** A session's id: 1–64 of `[A-Za-z0-9_-]`. */
export type SessionId = string & { readonly __brand: "SessionId" };
/** A plugin's id: `^[a-z][a-z0-9.-]*$`, at most 64 characters. */
export type PluginId = string & { readonly __brand: "PluginId" };
/** A user's id: 1–64 of `[A-Za-z0-9_-]`. */
export type UserId = string & { readonly __brand: "UserId" };
/** A document name: `sessions/<sid>` or `sessions/<sid>/kv/<pluginId>`. */
export type DocName = string & { readonly __brand: "DocName" };

const OPAQUE_ID = /^[A-Za-z0-9_-]{1,64}$/;
const PLUGIN_ID = /^[a-z][a-z0-9.-]*$/;

/** True when `value` is a syntactically valid session id. */
export function isSessionId(value: unknown): value is SessionId {
  return typeof value === "string" && OPAQUE_ID.test(value);
}

/** True when `value` is a syntactically valid user id. */
export function isUserId(value: unknown): value is UserId {
  return typeof value === "string" && OPAQUE_ID.test(value);
}

/** True when `value` is a syntactically valid plugin id (at most 64 characters). */
export function isPluginId(value: unknown): value is PluginId {
  return typeof value === "string" && value.length <= 64 && PLUGIN_ID.test(value);
}

/** What a document name refers to. */
export type ParsedDocName =
  | { readonly kind: "session"; readonly sessionId: SessionId }
  | { readonly kind: "kv"; readonly sessionId: SessionId; readonly pluginId: PluginId };

/** The name of a session's own document. */
export function sessionDocName(sessionId: SessionId): DocName {
  return `sessions/${sessionId}` as DocName;
}

/** The name of a plugin's session KV document. */
export function kvDocName(sessionId: SessionId, pluginId: PluginId): DocName {
  return `sessions/${sessionId}/kv/${pluginId}` as DocName;
}

/**
 * What every KV document name of a session starts with, for listing them
 * in a store: `sessions/<sid>/kv/`. Nothing but a KV document of that
 * session starts with it.
 */
export function kvDocPrefix(sessionId: SessionId): string {
  return `sessions/${sessionId}/kv/`;
}

/** Parses a document name; `undefined` for anything that is not one. */
export function parseDocName(name: string): ParsedDocName | undefined {
  const parts = name.split("/");
  if (parts[0] !== "sessions" || !isSessionId(parts[1])) return undefined;
  if (parts.length === 2) return { kind: "session", sessionId: parts[1] };
  if (parts.length === 4 && parts[2] === "kv" && isPluginId(parts[3])) {
    return { kind: "kv", sessionId: parts[1], pluginId: parts[3] };
  }
  return undefined;
}
