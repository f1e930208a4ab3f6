/**
 * `@taiku/plugin-sdk`: the public surface for plugin authors. Everything
 * exported here is documented in the generated API reference; nothing else
 * is public.
 */
export { TaikuPlugin, DEFAULT_TIMEOUT_MS } from "./TaikuPlugin";
export type { TaikuPluginOptions } from "./TaikuPlugin";
export type { TypedEvent } from "./typedEvent";
export { BridgeError, PermissionDeniedError, QuotaExceededError, NotFoundError, TimeoutError } from "./errors";
export { API_VERSION, ErrorCode } from "@taiku/engine";
export type {
  AgentActivity,
  ChatMessage,
  FileEntry,
  JsonRecord,
  JsonValue,
  KvRejection,
  Participant,
  Permission,
  PluginFileInfo,
  PluginFileLimits,
  PluginId,
  PluginSummary,
  RegisteredPlugin,
  QuotaUsage,
  SessionId,
  SessionInfo,
  ShellInfo,
  StatusLabel,
  StorageUsage,
  TaikuEvent,
  TaikuEventMap,
  Theme,
  ToastKind,
  WorkspaceLayout,
} from "@taiku/engine";
export type {
  HtmlTag,
  PiWebPlugin,
  PiWebTaiku,
  PluginAction,
  PluginActivationContext,
  PluginActivationResult,
  PluginContributions,
  PluginRuntimeContext,
  QualifiedContributionId,
  TemplateResult,
  Workspace,
  WorkspaceContext,
  WorkspaceLabelContribution,
  WorkspaceLabelItem,
  WorkspaceLabelLinkItem,
  WorkspaceLabelRenderItem,
  WorkspaceLabelTextItem,
  WorkspacePanelContribution,
} from "./piWeb";
