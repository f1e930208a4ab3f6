/**
 * Everything one open session needs, without the UI: the session document
 * and its awareness, the reactive model, the event stream, each loaded
 * plugin's session KV, the plugin UI state and the bridge host with the
 * services it answers from. The session view renders from it; tests and the
 * benchmark drive it through the UI.
 */
import { createEffect, createMemo, createSignal, on, type Accessor } from "solid-js";
import { isPluginEventType, sessionDocName, sessionEvent, type SessionId, type StatusLabel, type WorkspaceLayout } from "@taiku/engine";
import { theme } from "../app/theme";
import { apiRequest } from "../api/apiRequest";
import type { Auth } from "../api/authStore";
import type { SessionInfo } from "../api/taikuApi";
import { createBridgeHost, type BridgeHost } from "../bridge/bridgeHost";
import type { HostServices } from "../bridge/hostServices";
import { configuredRateLimit } from "../bridge/rateLimiter";
import { openPluginKv, type PluginKv } from "../kv/openPluginKv";
import { catalog, findPlugin, type CatalogPlugin } from "../plugins/pluginCatalog";
import { readSecret, readStoredSettings, userEnabledPlugins, writeSetting } from "../plugins/pluginPreferences";
import { createPluginUiState, type PluginUiState } from "../plugins/pluginUiState";
import { rememberedPanel, rememberPanel } from "./openPanelMemory";
import { openSyncedDoc, setDocsOnline, type SyncedDoc } from "../sync/syncedDoc";
import { showToast } from "../ui/toastStore";
import { attachChatEvents, createSessionEvents, type SessionEvents } from "./sessionEvents";
import { attachEventChannel, type SessionEventChannel } from "./sessionEventChannel";
import { createSessionModel, type SessionModel } from "./sessionModel";
import { createWorkspaceModel, type WorkspaceModel } from "./workspaceModel";
import { createWorkspaceTools, type WorkspaceTools } from "../workspace/workspaceTools";
import { trackPresence } from "./presence";
import { createWorkspaceLayout } from "./workspaceLayout";

/** One open session. */
export interface SessionRuntime {
  readonly sessionId: string;
  readonly auth: Auth;
  readonly info: Accessor<SessionInfo | undefined>;
  readonly synced: SyncedDoc;
  readonly model: SessionModel;
  /** The folders host CLIs share into the session, and which one is selected. */
  readonly workspaces: WorkspaceModel;
  /** The Files and Git tools' refresh counters (`refreshFiles()`, `refreshGit()`). */
  readonly tools: WorkspaceTools;
  readonly events: SessionEvents;
  /** Event frames to and from the relay (shell input, file requests, plugin events). */
  readonly channel: SessionEventChannel;
  readonly ui: PluginUiState;
  readonly bridge: BridgeHost;
  /** Plugins this client runs: enabled by the user or by the session, and discovered; none once the session ended. */
  readonly plugins: Accessor<readonly CatalogPlugin[]>;
  /** The workspace layout on screen (what plugins read with `getLayout()`). */
  readonly layout: Accessor<WorkspaceLayout>;
  /** Open plugin KV documents, reactive. */
  readonly kvDocs: Accessor<readonly SyncedDoc[]>;
  /** A plugin's session KV as shown in the plugin manager: live bytes and entries. */
  sharedData(pluginId: string): { used: number; limit: number; entries: [string, unknown][] };
  /** A plugin's session KV, opened on first use (Pi Web modules reach theirs through it). */
  kv(pluginId: string): PluginKv;
  /** Whether the browser reports a network. */
  readonly online: Accessor<boolean>;
  sendChat(text: string): void;
  /** Runs a plugin's palette action (unless disabled). */
  runAction(pluginId: string, actionId: string): void;
  dispose(): void;
}

/** Opens a session for `auth`. */
export function openSessionRuntime(sessionId: string, auth: Auth, info: Accessor<SessionInfo | undefined>): SessionRuntime {
  const [online, setOnline] = createSignal(navigator.onLine);
  const synced = openSyncedDoc({ name: sessionDocName(sessionId as SessionId), token: auth.token, userId: auth.userId });
  const awareness = synced.provider.awareness;
  const stopPresence = trackPresence(synced.provider, auth);
  const model = createSessionModel(synced.doc, awareness);
  const workspaces = createWorkspaceModel(synced.doc);
  const tools = createWorkspaceTools();
  const events = createSessionEvents();
  const stopChat = attachChatEvents(events, synced.doc, (origin, local) => local || (origin === synced.provider && synced.provider.synced));
  const channel = attachEventChannel(synced.provider, events);
  const ui = createPluginUiState(rememberedPanel(sessionId) ?? "shells", (panel) => rememberPanel(sessionId, panel));
  const kvs = new Map<string, PluginKv>();
  const [kvDocs, setKvDocs] = createSignal<readonly SyncedDoc[]>([]);

  /** The owner ended the session: the session document says so, or the server did when the view opened. */
  const ended = (): boolean => model.ended() !== undefined || info()?.ended === true;
  const plugins = createMemo<readonly CatalogPlugin[]>(() => {
    if (ended()) return [];
    const wanted = new Set([...userEnabledPlugins(), ...model.managedPlugins()]);
    return catalog().plugins.filter((plugin) => wanted.has(plugin.id));
  });
  const layout = createWorkspaceLayout(plugins, ui.openPanel, theme);

  function kvFor(pluginId: string): PluginKv {
    const open = kvs.get(pluginId);
    if (open !== undefined) return open;
    const created = openPluginKv({
      sessionId,
      pluginId,
      token: auth.token,
      userId: auth.userId,
      offline: !online(),
      onRejected(notice) {
        const { revertedKeys, revertedTypes, used, limit, attempted } = notice;
        bridge.sendToPlugin(pluginId, "kv:rejected", { revertedKeys: [...revertedKeys], revertedTypes: [...revertedTypes], used, limit, attempted });
        const what = [...revertedKeys, ...revertedTypes].join(", ") || "a change";
        showToast(`The relay undid ${what}: it would have used ${attempted} of ${limit} bytes.`, "warning", findPlugin(pluginId)?.name ?? pluginId);
      },
    });
    kvs.set(pluginId, created);
    setKvDocs([...kvs.values()].map((kv) => kv.synced));
    return created;
  }

  // Every plugin this client runs keeps its session KV open, even while its frame
  // cannot load (offline), so its changes persist and sync on reconnect.
  createEffect(() => {
    if (ended()) return;
    for (const plugin of plugins()) kvFor(plugin.id);
  });
  // The session ended: the relay deleted its KV documents, so this device deletes its copies too.
  createEffect(
    on(ended, (isEnded) => {
      if (!isEnded) return;
      const open = [...kvs.values()];
      kvs.clear();
      setKvDocs([]);
      for (const kv of open) void kv.erase();
    }),
  );
  // Plugins hear when the screen changes: the layout (`session.read`) and the theme (their own).
  createEffect(on(layout, (next) => events.emit("layout:change", { ...next, panels: [...next.panels] }), { defer: true }));
  createEffect(on(theme, (next) => events.emit("theme:change", { theme: next }), { defer: true }));

  const services: HostServices = {
    sessionId,
    user: { userId: auth.userId, name: auth.name },
    sessionInfo: () => ({ title: info()?.title ?? sessionId, ownerId: info()?.ownerId ?? "" }),
    registeredPlugins: () => {
      const managed = new Set(model.managedPlugins());
      return plugins().map((plugin) => ({
        id: plugin.id,
        name: plugin.name,
        version: plugin.version,
        ...(plugin.description === undefined ? {} : { description: plugin.description }),
        permissions: [...plugin.permissions],
        source: plugin.source,
        serverManaged: managed.has(plugin.id),
      }));
    },
    layout,
    theme,
    participants: model.participants,
    shells: model.shells,
    chat: model.chat,
    activity: model.activity,
    events,
    sendChat,
    writeToShell: (shellId, data) =>
      channel.send(sessionEvent("shell:input", { shellId, data })) ? {} : { error: "not connected to the session: the input was not sent" },
    publish(type, data) {
      events.emit(type, data);
      if (isPluginEventType(type)) channel.send({ type, data, ts: Date.now() });
    },
    fs: channel.fs,
    kv: kvFor,
    http: apiRequest,
    toast: (pluginId, message, kind) => showToast(message, kind, findPlugin(pluginId)?.name ?? pluginId),
    setBadge: ui.setBadge,
    setLabels: (pluginId, labels: readonly StatusLabel[]) => ui.setLabels(pluginId, labels),
    setActionEnabled: ui.setActionEnabled,
    openPanel: (pluginId, panelId) => ui.setOpenPanel(`${pluginId}/${panelId}`),
    settings: readStoredSettings,
    setSetting: writeSetting,
    secret: readSecret,
  };

  const bridge = createBridgeHost(services, {
    rateLimit: configuredRateLimit(),
    onFailure: ({ pluginId, reason }) => {
      ui.fail(pluginId, reason);
      showToast(`Stopped: ${reason}`, "error", findPlugin(pluginId)?.name ?? pluginId);
    },
  });
  const onWindowMessage = (event: MessageEvent): void => bridge.handleWindowMessage(event);
  window.addEventListener("message", onWindowMessage);

  function allDocs(): SyncedDoc[] {
    return [synced, ...[...kvs.values()].map((kv) => kv.synced)];
  }
  const onOnline = (): void => {
    setOnline(true);
    setDocsOnline(allDocs(), true);
  };
  const onOffline = (): void => {
    setOnline(false);
    setDocsOnline(allDocs(), false);
  };
  window.addEventListener("online", onOnline);
  window.addEventListener("offline", onOffline);

  /** Appends a chat message as this user (the relay keeps it only under this user's id and member name; it syncs when offline ends). */
  function sendChat(text: string): void {
    const trimmed = text.trim();
    if (trimmed === "") return;
    synced.doc.getArray("chat").push([{ id: crypto.randomUUID(), userId: auth.userId, name: auth.name, text: trimmed, ts: Date.now() }]);
  }

  return {
    sessionId,
    auth,
    info,
    synced,
    model,
    workspaces,
    tools,
    events,
    channel,
    ui,
    bridge,
    plugins,
    layout,
    kvDocs,
    online,
    kv: kvFor,
    sharedData(pluginId) {
      const { kv } = kvFor(pluginId);
      return { used: kv.liveBytes(), limit: kv.limit, entries: kv.entries() };
    },
    sendChat,
    runAction(pluginId, actionId) {
      if (ui.disabledActions().has(`${pluginId}/${actionId}`)) return;
      bridge.sendToPlugin(pluginId, "action:run", { actionId });
    },
    dispose() {
      window.removeEventListener("message", onWindowMessage);
      window.removeEventListener("online", onOnline);
      window.removeEventListener("offline", onOffline);
      bridge.dispose();
      stopChat();
      channel.dispose();
      stopPresence();
      model.dispose();
      workspaces.dispose();
      for (const kv of kvs.values()) kv.destroy();
      synced.destroy();
    },
  };
}
