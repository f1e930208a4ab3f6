/**
 * `@taiku/engine` — the isomorphic core shared by server, client and SDK.
 * It imports `yjs` and `lib0` only.
 */
export type { SessionId, PluginId, UserId, DocName, ParsedDocName } from "./ids";
export { isSessionId, isUserId, isPluginId, sessionDocName, kvDocName, parseDocName } from "./ids";
export type { QuotaFigures } from "./errors";
export { ErrorCode, CLOSE_CODES, TaikuError, QuotaExceededError, isErrorCode, unexpectedCase } from "./errors";
