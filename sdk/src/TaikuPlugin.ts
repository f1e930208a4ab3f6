/**
 * `TaikuPlugin`: everything a plugin does with its host. Create one, await
 * `ready()`, then call the typed methods; each is one bridge request checked
 * by the host against the permissions in the plugin's manifest. Failures
 * reject with `PermissionDeniedError`, `QuotaExceededError`, `NotFoundError`,
 * `TimeoutError` or `BridgeError`. Once the host has started the plugin, it
 * also answers the host's liveness pings and reports the window's uncaught
 * errors to the host, so the panel can show them (see `pluginHealth`).
 */
import {
  ErrorCode,
  type AgentActivity,
  type ChatMessage,
  type FileEntry,
  type JsonRecord,
  type JsonValue,
  type Participant,
  type PluginFileInfo,
  type PluginId,
  type QuotaUsage,
  type RegisteredPlugin,
  type SessionId,
  type SessionInfo,
  type ShellInfo,
  type StatusLabel,
  type StorageUsage,
  type TaikuEvent,
  type TaikuEventMap,
  type Theme,
  type ToastKind,
  type WorkspaceLayout,
} from "@taiku/engine";
import type * as Y from "yjs";
import { BridgeClient, type EventHandler } from "./bridgeClient";
import type { TypedEvent } from "./typedEvent";
import { BridgeError } from "./errors";
import { openSharedDoc, type SharedDocReplica } from "./sharedDoc";
import { bufferEarlyErrors, watchPluginHealth } from "./pluginHealth";

/** Options of {@link TaikuPlugin}. */
export interface TaikuPluginOptions {
  /** Milliseconds to wait for each answer before rejecting with `TimeoutError`; 10,000 by default. */
  readonly timeout?: number;
}

/** The default request timeout in milliseconds. */
export const DEFAULT_TIMEOUT_MS = 10_000;

/** A plugin's connection to taiku. */
export class TaikuPlugin {
  readonly #client: BridgeClient;
  #sharedDoc: Promise<SharedDocReplica> | null = null;
  #stopHealth: () => void = () => {};
  #theme: Theme | null = null;

  /**
   * Starts listening for the host. Nothing is sent until the first call,
   * except, once the host has started the plugin, answers to its liveness
   * pings and reports of uncaught errors (shown in the plugin's panel).
   */
  constructor(options: TaikuPluginOptions = {}) {
    this.#client = new BridgeClient(options.timeout ?? DEFAULT_TIMEOUT_MS);
    const target = typeof window === "undefined" ? undefined : window;
    // Errors thrown before the host's init arrived (a plugin failing before ready()) are kept and reported then.
    const early = bufferEarlyErrors(target);
    void this.#client.ready().then((init) => {
      this.#theme = init.theme;
      markTheme(init.theme);
      this.#client.on("theme:change", (event) => {
        const theme = (event.data as { theme?: unknown } | null)?.theme;
        if (theme !== "dark" && theme !== "light") return;
        this.#theme = theme;
        markTheme(theme);
      });
      this.#stopHealth = watchPluginHealth(this.#client, target, early.take());
    });
  }

  /** Resolves with this plugin once the host has started it (`taiku:init` arrived). */
  async ready(): Promise<this> {
    await this.#client.ready();
    return this;
  }

  #init() {
    const init = this.#client.init;
    if (init === null) throw new BridgeError(ErrorCode.Unavailable, "the host has not started this plugin yet: await ready() first");
    return init;
  }

  /** This plugin's id. Available after `ready()`. */
  get pluginId(): PluginId {
    return this.#init().pluginId;
  }

  /** The session this plugin runs in. Available after `ready()`. */
  get sessionId(): SessionId {
    return this.#init().sessionId;
  }

  /** Distinguishes this frame from other frames of the same plugin. Available after `ready()`. */
  get instanceId(): string {
    return this.#init().instanceId;
  }

  /**
   * The host's colour scheme: the one in `taiku:init`, then the latest
   * `theme:change` (which needs no permission). The SDK also sets it as
   * `<html data-taiku-theme="dark|light">`, which `/plugin.css` follows.
   * Available after `ready()`.
   */
  get theme(): Theme {
    return this.#theme ?? this.#init().theme;
  }

  /** The host's bridge API version. Available after `ready()`. */
  get apiVersion(): number {
    return this.#init().apiVersion;
  }

  /** Calls `handler` for each event of `type`, or of every type with `"*"`; returns an unsubscribe function. */
  on<T extends keyof TaikuEventMap>(type: T, handler: (event: TypedEvent<T>) => void): () => void;
  on(type: string, handler: (event: TaikuEvent) => void): () => void;
  on(type: string, handler: (event: TaikuEvent) => void): () => void {
    return this.#client.on(type, handler as EventHandler);
  }

  /** Stops calling `handler` for `type`. */
  off(type: string, handler: (event: never) => void): void {
    this.#client.off(type, handler as EventHandler);
  }

  /** Stops talking to the host; pending calls reject with `TimeoutError`. */
  close(): void {
    this.#stopHealth();
    this.#client.close();
  }

  /** Session info, including the plugins registered in this client. Needs `session.read`. */
  getSession(): Promise<SessionInfo> {
    return this.#client.request("getSession", {});
  }

  /** This plugin as the host registered it: id, name, version, permissions, whether the session manages it. No permission needed. */
  getPlugin(): Promise<RegisteredPlugin> {
    return this.#client.request("getPlugin", {});
  }

  /** The workspace on this participant's screen (tabs, the open one, side bars, theme); `layout:change` follows it. Needs `session.read`. */
  getLayout(): Promise<WorkspaceLayout> {
    return this.#client.request("getLayout", {});
  }

  /** The participants. Needs `session.read`. */
  getUsers(): Promise<Participant[]> {
    return this.#client.request("getUsers", {});
  }

  /** The shared shells. Needs `session.read`. */
  getShells(): Promise<ShellInfo[]> {
    return this.#client.request("getShells", {});
  }

  /**
   * The last `lines` lines of a shell's buffered output (the last 100 when
   * omitted); `shellId` is the shell's number (`ShellInfo.id`). Rejects with
   * `NotFoundError` for a number no shell has. Needs `terminal.read`.
   */
  getShellOutput(shellId: number, lines?: number): Promise<string> {
    return this.#client.request("getShellOutput", lines === undefined ? { shellId } : { shellId, lines });
  }

  /** Types `data` into the shell numbered `shellId` (`ShellInfo.id`). Needs `terminal.write`. */
  async writeToShell(shellId: number, data: string): Promise<void> {
    await this.#client.request("writeToShell", { shellId, data });
  }

  /** Chat messages, oldest first: the last `limit` (the last 100 when omitted). Needs `session.read`. */
  getChat(limit?: number): Promise<ChatMessage[]> {
    return this.#client.request("getChat", limit === undefined ? {} : { limit });
  }

  /** Sends a chat message as the current user. Needs `session.write`. */
  async sendChat(text: string): Promise<void> {
    await this.#client.request("sendChat", { text });
  }

  /** Agent activity, oldest first: the last `limit` (the last 100 when omitted). Needs `session.read`. */
  getAgentActivity(limit?: number): Promise<AgentActivity[]> {
    return this.#client.request("getAgentActivity", limit === undefined ? {} : { limit });
  }

  /** Shows a toast. Needs `ui.panel`. */
  async showToast(message: string, kind: ToastKind = "info"): Promise<void> {
    await this.#client.request("showToast", { message, kind });
  }

  /** A secret the user entered for this plugin on this client, or `null`. Never leaves the client. */
  getSecret(name: string): Promise<string | null> {
    return this.#client.request("getSecret", { name });
  }

  /**
   * One local setting: a declared setting's value (its manifest default
   * until the user or `setSetting` changes it), a value stored under an
   * undeclared key, or `null`.
   */
  getSetting(key: string): Promise<JsonValue | null> {
    return this.#client.request("getSetting", { key });
  }

  /** Every declared setting (defaults included), then every value stored under an undeclared key. */
  getSettings(): Promise<JsonRecord> {
    return this.#client.request("getSettings", {});
  }

  /**
   * Stores a local setting on this client. A key the manifest declares must
   * get a value of its type (`InvalidParams` otherwise) and shows in the
   * settings UI; any other key is plugin state: any JSON, kept on this client
   * only, never shown in the settings UI, at most 32 KiB for all such keys
   * of the plugin together (`QuotaExceededError` past it, nothing stored).
   */
  async setSetting(key: string, value: JsonValue): Promise<void> {
    await this.#client.request("setSetting", { key, value });
  }

  /** Sets a key of this plugin's session KV, shared with every participant. Rejects with `QuotaExceededError` past 64 KiB of live data. */
  async setPluginData(key: string, value: JsonValue): Promise<void> {
    await this.#client.request("setPluginData", { key, value });
  }

  /** A key of this plugin's session KV, or `null`. */
  getPluginData(key: string): Promise<JsonValue | null> {
    return this.#client.request("getPluginData", { key });
  }

  /** Every entry of this plugin's session KV. */
  getAllPluginData(): Promise<JsonRecord> {
    return this.#client.request("getAllPluginData", {});
  }

  /** Deletes a key of this plugin's session KV. */
  async deletePluginData(key: string): Promise<void> {
    await this.#client.request("deletePluginData", { key });
  }

  /** A key of another plugin's session KV, or `null`. Needs `kv.read`. */
  getOtherPluginData(pluginId: string, key: string): Promise<JsonValue | null> {
    return this.#client.request("getOtherPluginData", { pluginId, key });
  }

  /**
   * This plugin's headroom in its session KV: the live bytes it uses now
   * (`used`, as the host's replica counts them, `sharedDoc()` types
   * included) and the quota (`limit`, 65,536 bytes). A write fits when it
   * adds no more than `limit - used`. Needs no permission.
   */
  getPluginDataUsage(): Promise<QuotaUsage> {
    return this.#client.request("getPluginDataUsage", {});
  }

  /** Stores a value for the current user (follows them across sessions; 1 MiB per value). */
  async setUserData(key: string, value: JsonValue): Promise<void> {
    await this.#client.request("setUserData", { key, value });
  }

  /** A value stored for the current user, or `null`. */
  getUserData(key: string): Promise<JsonValue | null> {
    return this.#client.request("getUserData", { key });
  }

  /** Every key and value stored for the current user, as one object. */
  listUserData(): Promise<JsonRecord> {
    return this.#client.request("listUserData", {});
  }

  /** Deletes a value stored for the current user. */
  async deleteUserData(key: string): Promise<void> {
    await this.#client.request("deleteUserData", { key });
  }

  /**
   * Stores a file for the current user (text is stored as UTF-8), up to the
   * server's limits (`getStorageUsage().limits`); past one it rejects with
   * `QuotaExceededError`-coded `BridgeError` naming the limit, and nothing is
   * written. Binary data is handed to the host without a copy: an
   * `ArrayBuffer` (or a `Uint8Array` spanning its whole buffer) is
   * transferred and is detached (length 0) once the call is made; pass
   * `data.slice(0)` to keep using it.
   */
  async writePluginFile(name: string, data: string | ArrayBuffer | Uint8Array): Promise<void> {
    const bytes = typeof data === "string" ? new TextEncoder().encode(data) : data instanceof Uint8Array ? data : new Uint8Array(data);
    const whole = bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength && bytes.buffer instanceof ArrayBuffer;
    const payload = whole ? bytes : bytes.slice();
    await this.#client.request("writePluginFile", { name, data: payload }, [payload.buffer as ArrayBuffer]);
  }

  /** A stored file's bytes (transferred from the host, not copied). Rejects with `NotFoundError` when there is none. */
  async readPluginFile(name: string): Promise<ArrayBuffer> {
    const bytes = await this.#client.request("readPluginFile", { name });
    const whole = bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength && bytes.buffer instanceof ArrayBuffer;
    return whole ? (bytes.buffer as ArrayBuffer) : (bytes.slice().buffer as ArrayBuffer);
  }

  /** The stored files. */
  listPluginFiles(): Promise<PluginFileInfo[]> {
    return this.#client.request("listPluginFiles", {});
  }

  /** Deletes a stored file. */
  async deletePluginFile(name: string): Promise<void> {
    await this.#client.request("deletePluginFile", { name });
  }

  /** Bytes and count of the stored files, each file, and the server's limits on them (`limits`). */
  getStorageUsage(): Promise<StorageUsage> {
    return this.#client.request("getStorageUsage", {});
  }

  /** Emits the custom event `plugin:<pluginId>:<name>` to the session. Needs `session.write`. */
  async emit(name: string, data: JsonValue = null): Promise<void> {
    await this.#client.request("emit", { name, data });
  }

  /** Sets (or with `null` clears) the badge of one of this plugin's panels. Needs `ui.panel`. */
  async setBadge(panelId: string, badge: string | number | null): Promise<void> {
    await this.#client.request("setBadge", { panelId, badge });
  }

  /** Replaces this plugin's status labels. Needs `ui.panel`. */
  async setLabels(labels: StatusLabel[]): Promise<void> {
    await this.#client.request("setLabels", { labels: labels.map((label) => ({ ...label })) });
  }

  /** Enables or disables one of this plugin's palette actions. Needs `ui.panel`. */
  async setActionEnabled(actionId: string, enabled: boolean): Promise<void> {
    await this.#client.request("setActionEnabled", { actionId, enabled });
  }

  /** Asks the host to show one of this plugin's panels. Needs `ui.panel`. */
  async openPanel(panelId: string): Promise<void> {
    await this.#client.request("openPanel", { panelId });
  }

  /** Entries of a directory of the session's working directory (its root when omitted). Needs `fs.read`. */
  listFiles(path?: string): Promise<FileEntry[]> {
    return this.#client.request("listFiles", path === undefined ? {} : { path });
  }

  /** A text file of the session's working directory. Needs `fs.read`. */
  readFile(path: string): Promise<string> {
    return this.#client.request("readFile", { path });
  }

  /** Writes a text file in the session's working directory. Needs `fs.write`. */
  async writeFile(path: string, content: string): Promise<void> {
    await this.#client.request("writeFile", { path, content });
  }

  /**
   * A `Y.Doc` replica of this plugin's session KV document, synced with every
   * participant. Entries are in `doc.getMap("kv")`; use any Yjs type for
   * richer merges. A local change that would take live data past the quota
   * is undone before the call that made it returns, and that call throws
   * `QuotaExceededError`. The host judges every change again against its
   * own replica, which may hold more (another participant's write that has
   * not reached this one yet): when it undoes a change, this replica
   * receives the undo, a `kv:rejected` event arrives, and a change made
   * with `transact` rejects. The same document is returned on every call.
   */
  async sharedDoc(): Promise<Y.Doc> {
    return (await this.#replica()).doc;
  }

  /**
   * Changes the `sharedDoc()` replica in one transaction and waits for the
   * host's verdict: resolves once the host applied the change; rejects with
   * `QuotaExceededError` (`used`, `limit`, `attempted`) when the change would
   * take live data past the quota, here or on the host. Either way nothing
   * of the change remains: the replica is already back in step with the
   * host when the promise rejects, and for the host's verdict a
   * `kv:rejected` event naming the reverted keys has arrived. Catch it as
   * `try { await plugin.transact((doc) => …) } catch (error) { if (error
   * instanceof QuotaExceededError) … }` (docs/plugins/patterns.md shows a
   * complete one).
   */
  async transact(change: (doc: Y.Doc) => void): Promise<void> {
    await (await this.#replica()).transact(change);
  }

  #replica(): Promise<SharedDocReplica> {
    this.#sharedDoc ??= openSharedDoc(this.#client);
    return this.#sharedDoc;
  }
}

/** Marks the page with the host's theme (`<html data-taiku-theme>`), which `/plugin.css` follows; nothing outside a page. */
function markTheme(theme: Theme): void {
  if (typeof document === "undefined" || document.documentElement === null) return;
  document.documentElement.dataset.taikuTheme = theme;
}
