/**
 * `@taiku/engine` — the isomorphic core shared by server, client and SDK.
 * It imports `yjs` and `lib0` only.
 */
export type { SessionId, PluginId, UserId, DocName, ParsedDocName } from "./ids";
export { isSessionId, isUserId, isPluginId, sessionDocName, kvDocName, parseDocName } from "./ids";
export type { CorruptRecord, QuotaFigures } from "./errors";
export { ErrorCode, TaikuError, QuotaExceededError, CorruptRecordError, isErrorCode, unexpectedCase } from "./errors";

// Event log: events, their codec, the store contract, replay and per-key history.
export type { DocEvent, NewDocEvent, EventKind, EventOrigin } from "./eventlog/docEvent";
export { EVENT_KINDS, SERVER_ORIGIN, isEventKind } from "./eventlog/docEvent";
export type { DecodedDocEvent } from "./eventlog/docEventCodec";
export { encodeDocEvent, decodeDocEvent } from "./eventlog/docEventCodec";
export type { EventStore, Snapshot, EventRange, LoadedDoc } from "./eventlog/eventStore";
export type { NormalizedEventRange } from "./eventlog/eventStoreChecks";
export { normalizeEventRange, checkNewEvents, checkSnapshot, checkPrune, storeClosedError } from "./eventlog/eventStoreChecks";
export type { RetentionWindow, RetentionOptions, RetainingEventStore } from "./eventlog/retention";
export { DEFAULT_RETENTION, checkRetentionWindow, pruneToWindow, withRetention } from "./eventlog/retention";
export { PrunedHistoryError } from "./eventlog/prunedHistoryError";
export type { MemoryEventData } from "./eventlog/memoryEventStore";
export { createMemoryEventStore, createMemoryEventData } from "./eventlog/memoryEventStore";
export { foldEvents, replayTo } from "./eventlog/replay";
export type { AppendedState } from "./eventlog/appendUpdates";
export { appendUpdates } from "./eventlog/appendUpdates";
export type { KeyChange } from "./eventlog/keyHistory";
export { keyHistory } from "./eventlog/keyHistory";

// Protocol: bridge messages, method and event permissions, relay notices.
export { API_VERSION } from "./protocol/apiVersion";
export type { Permission } from "./protocol/permission";
export { PERMISSIONS, isPermission } from "./protocol/permission";
export type { JsonValue, JsonObject, BridgeValue, BridgeLimits } from "./protocol/bridgeValue";
export { DEFAULT_BRIDGE_LIMITS, MAX_BRIDGE_BINARY_BYTES, FORBIDDEN_KEYS, checkBridgeValue, isPlainObject, isBytes } from "./protocol/bridgeValue";
export type {
  Theme,
  InitMessage,
  ConnectMessage,
  RequestMessage,
  BridgeErrorBody,
  SuccessResponseMessage,
  ErrorResponseMessage,
  ResponseMessage,
  TaikuEvent,
  EventMessage,
  BridgeMessage,
} from "./protocol/bridgeMessage";
export {
  isInitMessage,
  isConnectMessage,
  isRequestMessage,
  isResponseMessage,
  isErrorResponse,
  isEventMessage,
  createInit,
  createConnect,
  createRequest,
  createResponse,
  createErrorResponse,
  createEvent,
} from "./protocol/bridgeMessage";
export type { DecodeResult } from "./protocol/decodeBridgeMessage";
export { decodeBridgeMessage, isEventType } from "./protocol/decodeBridgeMessage";
export type {
  PluginSummary,
  RegisteredPlugin,
  WorkspaceLayout,
  SessionInfo,
  Participant,
  ShellInfo,
  SessionShell,
  ChatMessage,
  AgentActivity,
  QuotaUsage,
  PluginFileInfo,
  StorageUsage,
  PluginFileLimits,
  FileEntry,
  StatusLabel,
  ToastKind,
  JsonRecord,
} from "./protocol/bridgeTypes";
export type { BridgeMethod, BridgeMethodParams, BridgeMethodResults, MethodSpec } from "./protocol/bridgeMethods";
export {
  BRIDGE_METHODS,
  isBridgeMethod,
  requiredPermission,
  checkMethodParams,
  MAX_ERROR_MESSAGE,
  MAX_ERROR_STACK,
} from "./protocol/bridgeMethods";
export type { BridgeCaller, BridgeKv, BridgeUserKv, BridgeFiles, BridgeServices } from "./protocol/bridgeServices";
export type { BridgeHandler, BridgeHandlerTable, HandlerContext } from "./protocol/bridgeHandlers";
export { BRIDGE_HANDLERS } from "./protocol/bridgeHandlers";
export type { BridgeOutcome, BridgeServer, BridgeServerOptions } from "./protocol/bridgeServer";
export { createBridgeServer, errorBodyOf } from "./protocol/bridgeServer";
export type { FileRefusal } from "./protocol/bridgeLimits";
export {
  BridgeDetailedError,
  DEFAULT_LIST_LENGTH,
  DEFAULT_PLUGIN_FILE_LIMITS,
  MAX_PLUGIN_STATE_BYTES,
  OTHER_KV_SYNC_WAIT_MS,
  fileRefusalDetails,
  fileRefusalError,
  fileRefusalMessage,
  judgeFileWrite,
} from "./protocol/bridgeLimits";
export type { AdmittedCall } from "./protocol/admitRequest";
export { admitRequest } from "./protocol/admitRequest";
export type { Workspace, SessionWorkspace, WorkspaceReport } from "./protocol/workspace";
export { workspaceReportSchema } from "./protocol/workspace";
export type { TaikuEventMap } from "./protocol/bridgeEvents";
export { eventPermissions, mayReceiveEvent, customEventType } from "./protocol/bridgeEvents";
export type { Schema, Infer } from "./protocol/paramSchema";
export type { QuotaRejectedNotice, ErrorNotice, RelayNotice } from "./protocol/relayNotice";
export type {
  SessionEventMap,
  SessionEventType,
  BuiltinSessionEvent,
  PluginSessionEvent,
  SessionEvent,
  SessionEventDecodeResult,
  WorkspaceOp,
} from "./protocol/sessionEvents";
export {
  MESSAGE_TAIKU_EVENT,
  MAX_EVENT_FRAME_BYTES,
  MAX_SHELL_DATA,
  MAX_SHELL_INPUT,
  MAX_FS_FILE_BYTES,
  MAX_PLUGIN_EVENT_BYTES,
  MAX_TREE_PAGE,
  MAX_VIEW_BYTES,
  WORKSPACE_OPS,
  isSessionEventType,
  isPluginEventType,
  sessionEvent,
  encodeSessionEvent,
  decodeSessionEvent,
  decodeSessionEventPayload,
  checkSessionEvent,
} from "./protocol/sessionEvents";
export { encodeRelayNotice, decodeRelayNotice } from "./protocol/relayNotice";

// Plugin manifests: the strict package.json shape and its validator.
export type {
  PluginManifest,
  PluginSettingType,
  PluginSettingSpec,
  PluginSecretSpec,
  PluginPanelSpec,
  PluginActionSpec,
  PluginStatusLabelSpec,
  PluginContributions,
  ManifestProblem,
  PluginPackageValidation,
} from "./manifest/manifestTypes";
export { validatePluginPackage, formatManifestProblem } from "./manifest/validateManifest";
export { checkEntryPath } from "./manifest/checkEntryPath";
export { checkNetworkOrigin } from "./manifest/checkNetworkOrigin";

// Session KV: live size accounting and the quota-checked entry map.
export { KV_MAP, KV_QUOTA_BYTES, LiveSizeTracker, liveBytes, touchedBy, entryBytes, createSessionKv, acquireTracker, quotaVerdict } from "./kv/index";
export type { Touched, SessionKv, SessionKvOptions, KvChangeEvent, KvKeyChange } from "./kv/index";
export { utf8Length, jsonStringBodyBytes, jsonBytes, valueJsonBytes, typeJsonBytes } from "./kv/index";

// The quota judge: the relay's arbiter, a host's plugin replica, the guard of local changes.
export { createArbiter, rejectionOf, createReverter, MalformedUpdateError, createPluginKvHost, guardLocalChanges } from "./arbiter/index";
export type {
  Arbiter,
  ArbiterPolicy,
  ArbiterResult,
  RejectionReason,
  Reverter,
  RevertibleChange,
  KvRejection,
  PluginFrame,
  PluginKvHost,
  PluginKvHostOptions,
  LocalChangeGuard,
  LocalChangeGuardOptions,
} from "./arbiter/index";

// The sync socket's wire: message types, the extension opt-in, close codes, error codes and HTTP statuses, document names.
export {
  MESSAGE_SYNC,
  MESSAGE_AWARENESS,
  MESSAGE_AUTH,
  MESSAGE_QUERY_AWARENESS,
  AUTH_PERMISSION_DENIED,
  FIRST_EXTENSION_MESSAGE,
  MESSAGE_TAIKU_NOTICE,
  EXTENSIONS_VERSION,
  EXTENSIONS_PARAM,
  isExtensionMessage,
  isStandardMessage,
  extensionParams,
  extensionOptIn,
  messageTypeOf,
  encodePermissionDenied,
  decodePermissionDenied,
} from "./protocol/syncWire";
export { CloseCode, CLOSE_CODE_MEANINGS, isPermanentClose } from "./protocol/closeCodes";
export { HTTP_STATUS_OF, errorCodeForStatus } from "./protocol/httpStatus";
export { kvDocPrefix } from "./ids";
