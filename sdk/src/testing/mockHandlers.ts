/**
 * How `MockHost` answers each bridge method, over its `MockState` and the
 * host client's replica of the plugin's session KV. Answers follow the real
 * host: missing keys read as `null`, missing shells and files are
 * `not_found`, own-KV writes are quota-checked before they apply, and
 * `sharedDoc()` updates go through the engine's judge.
 */
import {
  ErrorCode,
  TaikuError,
  type BridgeMethod,
  type BridgeMethodParams,
  type BridgeMethodResults,
  type JsonValue,
  type PluginFileInfo,
  type QuotaUsage,
  type SessionKv,
} from "@taiku/engine";
import * as Y from "yjs";
import type { MockState } from "./mockData";

/** What a handler may touch besides the state. */
export interface HandlerContext {
  readonly state: MockState;
  /** The host client's replica of the plugin's session KV. */
  readonly kv: SessionKv;
  /** Starts forwarding KV updates to the plugin (after its first `kv.sync`). */
  readonly startKvForwarding: () => void;
  /** Live bytes used and the quota, from the host replica's judge. */
  readonly usage: () => QuotaUsage;
  /** Applies a Yjs update from the plugin's `sharedDoc()` through the judge, as the real host does (throws `QuotaExceededError` after telling the plugin). */
  readonly applyPluginUpdate: (update: Uint8Array) => void;
  /** Sends the plugin an event if its permissions allow (chat echo and the like). */
  readonly deliver: (type: string, data: JsonValue) => void;
}

type Handler<M extends BridgeMethod> = (
  params: BridgeMethodParams[M],
  context: HandlerContext,
) => BridgeMethodResults[M] | Promise<BridgeMethodResults[M]>;

const encoder = new TextEncoder();

function notFound(what: string): never {
  throw new TaikuError(ErrorCode.NotFound, `${what} does not exist`);
}

function lastLines(text: string, lines: number | undefined): string {
  if (lines === undefined) return text;
  const parts = text.split("\n");
  const trailing = parts[parts.length - 1] === "" ? 1 : 0;
  return parts.slice(Math.max(0, parts.length - trailing - lines)).join("\n");
}

/** The stored files, as `listPluginFiles` and `getStorageUsage` list them. */
function fileInfos(state: MockState): PluginFileInfo[] {
  return [...state.files].map(([name, bytes]) => ({ name, size: bytes.byteLength }));
}

const HANDLERS: { [M in BridgeMethod]: Handler<M> } = {
  getSession: (_p, { state }) => structuredClone(state.session),
  getPlugin: (_p, { state }) => {
    const self = state.session.plugins.find((plugin) => plugin.id === state.pluginId);
    if (self === undefined) throw new TaikuError(ErrorCode.NotFound, `plugin ${state.pluginId} is not registered in this host`);
    return structuredClone(self);
  },
  getLayout: (_p, { state }) => structuredClone(state.layout),
  getUsers: (_p, { state }) => structuredClone(state.users),
  getShells: (_p, { state }) => structuredClone(state.shells),
  getShellOutput: ({ shellId, lines }, { state }) => {
    const output = state.shellOutput.get(shellId);
    if (output === undefined && !state.shells.some((shell) => shell.id === shellId)) notFound(`shell ${shellId}`);
    return lastLines(output ?? "", lines);
  },
  writeToShell: ({ shellId, data }, { state }) => {
    if (!state.shells.some((shell) => shell.id === shellId)) notFound(`shell ${shellId}`);
    state.shellInput.set(shellId, (state.shellInput.get(shellId) ?? "") + data);
    return null;
  },
  getChat: ({ limit }, { state }) => structuredClone(state.chat.slice(limit === undefined ? 0 : -limit)),
  sendChat: ({ text }, { state, deliver }) => {
    const author = state.users[0] ?? { userId: "user-1", name: "Owner", color: "#4f9dff" };
    const message = { id: `chat-${state.chat.length + 1}`, userId: author.userId, name: author.name, text, ts: Date.now() };
    state.chat.push(message);
    deliver("chat:message", message);
    return null;
  },
  getAgentActivity: ({ limit }, { state }) => structuredClone(state.agentActivity.slice(limit === undefined ? 0 : -limit)),
  showToast: ({ message, kind }, { state }) => {
    state.toasts.push({ message, kind: kind ?? "info" });
    return null;
  },
  getSecret: ({ name }, { state }) => state.secrets.get(name) ?? null,
  getSetting: ({ key }, { state }) => state.settings.get(key) ?? null,
  getSettings: (_p, { state }) => Object.fromEntries(state.settings),
  setSetting: ({ key, value }, { state }) => {
    state.settings.set(key, value);
    return null;
  },
  setPluginData: ({ key, value }, { kv }) => {
    kv.set(key, value);
    return null;
  },
  getPluginData: ({ key }, { kv }) => kv.get(key) ?? null,
  getAllPluginData: (_p, { kv }) => Object.fromEntries(kv.entries()),
  deletePluginData: ({ key }, { kv }) => {
    kv.delete(key);
    return null;
  },
  getOtherPluginData: ({ pluginId, key }, { state }) => state.otherPluginData.get(pluginId)?.get(key) ?? null,
  getPluginDataUsage: (_p, { usage }) => usage(),
  setUserData: ({ key, value }, { state }) => {
    state.userData.set(key, value);
    return null;
  },
  getUserData: ({ key }, { state }) => state.userData.get(key) ?? null,
  listUserData: (_p, { state }) => [...state.userData.keys()],
  deleteUserData: ({ key }, { state }) => {
    state.userData.delete(key);
    return null;
  },
  writePluginFile: ({ name, data }, { state }) => {
    state.files.set(name, typeof data === "string" ? encoder.encode(data) : new Uint8Array(data));
    return null;
  },
  readPluginFile: ({ name }, { state }) => {
    const bytes = state.files.get(name);
    if (bytes === undefined) notFound(`file ${name}`);
    return new Uint8Array(bytes);
  },
  listPluginFiles: (_p, { state }) => fileInfos(state),
  deletePluginFile: ({ name }, { state }) => {
    state.files.delete(name);
    return null;
  },
  getStorageUsage: (_p, { state }) => {
    const files = fileInfos(state);
    return { totalBytes: files.reduce((sum, file) => sum + file.size, 0), fileCount: files.length, files };
  },
  emit: ({ name, data }, { state }) => {
    state.emitted.push({ name, data });
    return null;
  },
  setBadge: ({ panelId, badge }, { state }) => {
    state.badges.set(panelId, badge);
    return null;
  },
  setLabels: ({ labels }, { state }) => {
    state.labels = structuredClone(labels);
    return null;
  },
  setActionEnabled: ({ actionId, enabled }, { state }) => {
    state.actionsEnabled.set(actionId, enabled);
    return null;
  },
  openPanel: ({ panelId }, { state }) => {
    state.openedPanels.push(panelId);
    return null;
  },
  listFiles: ({ path }, { state }) => {
    const prefix = path === undefined || path === "." || path === "" ? "" : `${path.replace(/\/+$/, "")}/`;
    const entries = new Map<string, { name: string; kind: "file" | "dir"; size: number }>();
    for (const [file, content] of state.workspace) {
      if (!file.startsWith(prefix)) continue;
      const [name, ...rest] = file.slice(prefix.length).split("/");
      if (name === undefined || name === "") continue;
      entries.set(name, rest.length > 0 ? { name, kind: "dir", size: 0 } : { name, kind: "file", size: encoder.encode(content).byteLength });
    }
    if (prefix !== "" && entries.size === 0) notFound(`directory ${path}`);
    return [...entries.values()];
  },
  readFile: ({ path }, { state }) => state.workspace.get(path) ?? notFound(`file ${path}`),
  writeFile: ({ path, content }, { state }) => {
    state.workspace.set(path, content);
    return null;
  },
  "kv.sync": ({ stateVector }, { kv, startKvForwarding }) => {
    startKvForwarding();
    return { update: Y.encodeStateAsUpdate(kv.doc, stateVector) };
  },
  "kv.update": ({ update }, { applyPluginUpdate }) => {
    applyPluginUpdate(update);
    return null;
  },
  reportError: () => null,
  pong: () => null,
};

/** The handler table, as a `Map` of own entries. */
export const MOCK_HANDLERS: ReadonlyMap<string, Handler<BridgeMethod>> = new Map(
  Object.entries(HANDLERS) as [string, Handler<BridgeMethod>][],
);
