/**
 * What the bridge's request server needs from a host, as one interface: the
 * seam between the one handler table (`bridgeHandlers.ts`) and a host. The
 * real host (the client) backs it with the live session, the plugins' Yjs
 * documents, the server over HTTP and this browser's storage; `MockHost`
 * with in-memory state. Handlers own every rule a plugin can observe
 * (validation, limits, not-found, shell numbers, setting defaults); services
 * only store and fetch, and throw a `TaikuError` for a failure they detect
 * (the server refusing a write, a shell host being gone).
 */
import type { PluginManifest } from "../manifest/manifestTypes";
import type { SessionKv } from "../kv/sessionKv";
import type { PluginFrame } from "../arbiter/createPluginKvHost";
import type { Permission } from "./permission";
import type {
  AgentActivity,
  ChatMessage,
  Participant,
  PluginFileInfo,
  PluginFileLimits,
  QuotaUsage,
  RegisteredPlugin,
  SessionShell,
  StatusLabel,
  ToastKind,
  WorkspaceLayout,
} from "./bridgeTypes";
import type { BridgeValue, JsonValue } from "./bridgeValue";

/** The plugin frame a request came from. */
export interface BridgeCaller {
  /** The plugin's validated manifest (its id, settings, panels and actions). */
  readonly plugin: PluginManifest;
  /** The permissions it holds. */
  readonly granted: ReadonlySet<Permission>;
  /** Sends this frame an event about the plugin itself. */
  sendEvent(type: string, data: BridgeValue): void;
  /**
   * Hands the frame's reported uncaught error to its panel; `starting` when
   * the SDK says it was thrown before the plugin called `ready()`.
   */
  reportError(report: { readonly message: string; readonly stack?: string }, starting: boolean): void;
  /** Records the frame's answer to `host:ping { n }`. */
  pong(n: number): void;
  /** Starts sending the frame remote updates of its session KV as `kv:update` (after its first `kv.sync`; idempotent). */
  startKvForwarding(): void;
  /** The frame as its session KV's judge knows it (the origin of its updates, who hears verdicts). */
  readonly frame: PluginFrame;
}

/** One plugin's session KV, as the host holds it. */
export interface BridgeKv {
  /** The quota-checked entries over the plugin's document. */
  readonly kv: SessionKv;
  /** Live bytes used and the quota, from the engine's judge. */
  usage(): QuotaUsage;
  /** Applies a plugin's Yjs update through the engine's judge (throws `QuotaExceededError` after telling `frame`). */
  applyPluginUpdate(update: Uint8Array, frame: PluginFrame): void;
}

/** The user's data for each plugin (server-backed in a real host). */
export interface BridgeUserKv {
  /** A value, or `undefined` when the key is unset. */
  get(pluginId: string, key: string): Promise<JsonValue | undefined>;
  /** Stores a value (throws `quota_exceeded` past the per-value limit). */
  set(pluginId: string, key: string, value: JsonValue): Promise<void>;
  /** Every key and value. */
  list(pluginId: string): Promise<{ readonly [key: string]: JsonValue }>;
  /** Removes a key (no error when it was unset). */
  delete(pluginId: string, key: string): Promise<void>;
}

/** The user's files for each plugin (server-backed in a real host). */
export interface BridgeFiles {
  /**
   * Stores a file, replacing any of the same name; throws `quota_exceeded`
   * (see `judgeFileWrite`) past a limit, and then nothing is written.
   * `bytes` may be the caller's own buffer: the service may keep it.
   */
  write(pluginId: string, name: string, bytes: Uint8Array): Promise<void>;
  /** A file's bytes, or `undefined` when there is none. */
  read(pluginId: string, name: string): Promise<Uint8Array | undefined>;
  /** Every file and the limits that apply. */
  list(pluginId: string): Promise<{ readonly files: readonly PluginFileInfo[]; readonly limits: PluginFileLimits }>;
  /** Removes a file (no error when there was none). */
  delete(pluginId: string, name: string): Promise<void>;
}

/** The host as the request server sees it. */
export interface BridgeServices {
  /** The session's id. */
  readonly sessionId: string;
  /** Session title, owner and the plugins registered in this client (the caller's own entry is what `getPlugin()` answers). */
  session(): { readonly title: string; readonly ownerId: string; readonly plugins: readonly RegisteredPlugin[] };
  /** The workspace layout on this participant's screen. */
  layout(): WorkspaceLayout;
  /** Who is connected (one entry per connection is fine; handlers keep one per user). */
  participants(): readonly Participant[];
  /** The session's shells, with internal ids and numbers. */
  shells(): readonly SessionShell[];
  /** The last `lines` lines of a shell's buffered output, by internal id. */
  shellOutput(shellId: string, lines: number): string;
  /** Sends input to a shell by internal id; throws `unavailable` when no host can take it. */
  writeToShell(shellId: string, data: string): void;
  /** Chat messages, oldest first. */
  chat(): readonly ChatMessage[];
  /** Appends a chat message as the current user. */
  sendChat(text: string): void;
  /** Agent activity, oldest first. */
  activity(): readonly AgentActivity[];
  /** Emits a custom plugin event to this client's plugins and every other member's. */
  publish(type: string, data: JsonValue): void;
  /** The session KV of `pluginId` (opened on first use). */
  kv(pluginId: string): BridgeKv;
  /**
   * Whether another plugin's session KV (opened on first use) has synced
   * with the relay, waiting up to `timeoutMs` for its first sync; `false`
   * when it did not sync in that time or was refused. A host whose documents
   * are always in sync answers `true`.
   */
  otherKvSynced(pluginId: string, timeoutMs: number): boolean | Promise<boolean>;
  /** A key of another plugin's session KV, or `undefined`. */
  otherPluginData(pluginId: string, key: string): JsonValue | undefined | Promise<JsonValue | undefined>;
  /** User KV. */
  readonly userKv: BridgeUserKv;
  /** Plugin files. */
  readonly files: BridgeFiles;
  /** Every setting value stored for a plugin on this client (declared or not); defaults are the handlers' business. */
  storedSettings(pluginId: string): { readonly [key: string]: JsonValue };
  /** Stores one setting value for a plugin on this client. */
  writeSetting(pluginId: string, key: string, value: JsonValue): void;
  /** A secret of a plugin on this client, or `null`. */
  secret(pluginId: string, name: string): string | null;
  /** UI contributions. */
  toast(pluginId: string, message: string, kind: ToastKind): void;
  setBadge(pluginId: string, panelId: string, badge: string | number | null): void;
  setLabels(pluginId: string, labels: readonly StatusLabel[]): void;
  setActionEnabled(pluginId: string, actionId: string, enabled: boolean): void;
  openPanel(pluginId: string, panelId: string): void;
  /** A file operation in the session's shared working directory (throws `TaikuError`, `unavailable` when nobody shares one). */
  fs(op: "list" | "read" | "write", path: string, content?: string): Promise<BridgeValue>;
}
