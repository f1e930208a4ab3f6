/**
 * What the client's bridge host needs from the session runtime, as one
 * interface: the in-memory session state, the event stream, each plugin's
 * session KV, HTTP for user KV and files, the UI (toasts, badges, labels,
 * actions, panels) and the local settings and secrets. The session runtime
 * provides the real one; unit tests provide a small fake.
 * `createHostBridgeServices` turns it into the engine's `BridgeServices`,
 * which the shared request server answers from.
 */
import type {
  BridgeValue,
  JsonValue,
  PluginFrame,
  QuotaUsage,
  RegisteredPlugin,
  SessionKv,
  StatusLabel,
  Theme,
  ToastKind,
  WorkspaceLayout,
} from "@taiku/engine";
import type { ApiRequestOptions, ApiResult } from "../api/apiRequest";
import type { ActivityEntry, ChatMessage, Participant, ShellInfo } from "../session/sessionModel";
import type { SessionEvents } from "../session/sessionEvents";
import type { SyncOutcome } from "../sync/syncedDoc";

/** A plugin's session KV as the bridge uses it. */
export interface HostKv {
  /** The quota-checked entries over the plugin's document. */
  readonly kv: SessionKv;
  /** Live bytes used and the quota, from the engine's judge. */
  usage(): QuotaUsage;
  /**
   * Applies a Yjs update from `frame` through the engine's judge (the
   * transaction's origin is `frame`). Never drops it: when compensated, the
   * frame is sent the compensation and `kv:rejected`, then this throws
   * `QuotaExceededError`.
   */
  applyPluginUpdate(update: Uint8Array, frame: PluginFrame): void;
  /** Calls `listener` with every update of the document and its origin; returns an unsubscribe function. */
  onUpdate(listener: (update: Uint8Array, origin: unknown) => void): () => void;
  /** Resolves `synced` once the document has synced with the relay, `refused` when the relay refused it for good, `timeout` after `timeoutMs` (absent: always in sync). */
  whenSynced?(timeoutMs: number): Promise<SyncOutcome>;
}

/** The host as the bridge sees it. */
export interface HostServices {
  readonly sessionId: string;
  readonly user: { readonly userId: string; readonly name: string };
  /** Session title and owner. */
  sessionInfo(): { title: string; ownerId: string };
  /** Plugins registered in this client, and whether the session manages each. */
  registeredPlugins(): RegisteredPlugin[];
  /** The workspace layout on this participant's screen. */
  layout(): WorkspaceLayout;
  /** The app's colour scheme now (sent in `taiku:init`). */
  theme(): Theme;
  participants(): readonly Participant[];
  shells(): readonly ShellInfo[];
  chat(): readonly ChatMessage[];
  activity(): readonly ActivityEntry[];
  readonly events: SessionEvents;
  /** Appends a chat message as the user. */
  sendChat(text: string): void;
  /** Sends input to a shell; `{ error }` when no shell host can take it. */
  writeToShell(shellId: string, data: string): { error?: string };
  /** Emits a custom plugin event here and to every other member's client. */
  publish(type: string, data: JsonValue): void;
  /** A file operation in the session's shared working directory (throws `TaikuError`). */
  fs(op: "list" | "read" | "write", path: string, data?: string): Promise<BridgeValue>;
  /** The session KV of `pluginId` (opened on first use). */
  kv(pluginId: string): HostKv;
  /** HTTP to the server with the user's token. */
  http<T>(path: string, options?: ApiRequestOptions): Promise<ApiResult<T>>;
  toast(pluginId: string, message: string, kind: ToastKind): void;
  setBadge(pluginId: string, panelId: string, badge: string | number | null): void;
  setLabels(pluginId: string, labels: readonly StatusLabel[]): void;
  setActionEnabled(pluginId: string, actionId: string, enabled: boolean): void;
  openPanel(pluginId: string, panelId: string): void;
  /** Every setting value stored for a plugin on this client, declared in its manifest or not. */
  settings(pluginId: string): Record<string, JsonValue>;
  setSetting(pluginId: string, key: string, value: JsonValue): void;
  secret(pluginId: string, key: string): string | null;
}

/** A value the bridge returns to a plugin. */
export type BridgeResult = BridgeValue;
