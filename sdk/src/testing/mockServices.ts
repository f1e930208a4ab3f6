/**
 * The in-memory `BridgeServices` behind `MockHost`: the same seam the real
 * host fills with the live session, the server and the browser, filled with
 * {@link MockState}. The engine's one handler table answers from it, so
 * every rule a plugin can observe (validation, permissions, the 100-entry
 * defaults, shell numbers, setting defaults and the plugin-state cap, file
 * limits, not-found) is the real host's. What only the server would refuse
 * is refused here the way the server does: a user-KV value over 1 MiB of
 * JSON, and file writes past `state.fileLimits` (one judge, `judgeFileWrite`).
 */
import {
  ErrorCode,
  TaikuError,
  fileRefusalError,
  judgeFileWrite,
  type BridgeServices,
  type JsonValue,
  type PluginKvHost,
  type SessionShell,
} from "@taiku/engine";
import type { MockState } from "./mockData";

/** The largest user-KV value, in bytes of JSON (the server's default). */
export const MOCK_USER_KV_VALUE_BYTES = 1024 * 1024;

const encoder = new TextEncoder();

/** The internal id `MockHost` gives the shell numbered `number`. */
export function mockShellId(number: number): string {
  return `mock-shell-${number}`;
}

function numberOf(shellId: string): number {
  return Number(shellId.slice("mock-shell-".length));
}

function lastLines(text: string, lines: number): string {
  const parts = text.split("\n");
  const trailing = parts[parts.length - 1] === "" ? 1 : 0;
  return parts.slice(Math.max(0, parts.length - trailing - lines)).join("\n");
}

/** What the services need from their `MockHost` besides the state. */
export interface MockServicesHost {
  readonly state: MockState;
  /** The host client's replica of the plugin's session KV, judged by the engine. */
  readonly kvHost: PluginKvHost;
  /** Delivers a session event to the plugin, if its permissions allow (the real host's event path). */
  deliver(type: string, data: JsonValue): void;
}

/** Builds the services over `host`. */
export function createMockServices(host: MockServicesHost): BridgeServices {
  const { state } = host;
  return {
    sessionId: state.sessionId,
    session: () => ({ title: state.session.title, ownerId: state.session.ownerId, plugins: state.session.plugins }),
    layout: () => state.layout,
    participants: () => state.users,
    shells: (): SessionShell[] => state.shells.map((shell) => ({ ...shell, id: mockShellId(shell.id), number: shell.id })),
    shellOutput: (shellId, lines) => lastLines(state.shellOutput.get(numberOf(shellId)) ?? "", lines),
    writeToShell(shellId, data) {
      const number = numberOf(shellId);
      state.shellInput.set(number, (state.shellInput.get(number) ?? "") + data);
    },
    chat: () => state.chat,
    sendChat(text) {
      const author = state.users[0] ?? { userId: "user-1", name: "Owner", color: "#4f9dff" };
      const message = { id: `chat-${state.chat.length + 1}`, userId: author.userId, name: author.name, text, ts: Date.now() };
      state.chat.push(message);
      host.deliver("chat:message", message);
    },
    activity: () => state.agentActivity,
    publish(type, data) {
      state.emitted.push({ name: type.slice(type.lastIndexOf(":") + 1), data });
      host.deliver(type, data);
    },
    kv: (pluginId) => {
      if (pluginId !== state.pluginId) throw new TaikuError(ErrorCode.Internal, `MockHost keeps only ${state.pluginId}'s session KV`);
      return host.kvHost;
    },
    // Every document of a MockHost is in memory: always in sync.
    otherKvSynced: () => true,
    otherPluginData: (pluginId, key) =>
      pluginId === state.pluginId ? host.kvHost.kv.get(key) : state.otherPluginData.get(pluginId)?.get(key),
    userKv: {
      get: async (_pluginId, key) => state.userData.get(key),
      async set(_pluginId, key, value) {
        const bytes = encoder.encode(JSON.stringify(value)).byteLength;
        if (bytes > MOCK_USER_KV_VALUE_BYTES) {
          throw new TaikuError(ErrorCode.QuotaExceeded, `value is ${bytes} bytes of JSON; the limit is ${MOCK_USER_KV_VALUE_BYTES}`);
        }
        state.userData.set(key, structuredClone(value));
      },
      list: async () => Object.fromEntries([...state.userData].map(([key, value]) => [key, structuredClone(value)])),
      async delete(_pluginId, key) {
        state.userData.delete(key);
      },
    },
    files: {
      async write(_pluginId, name, bytes) {
        const files = [...state.files].map(([file, content]) => ({ name: file, size: content.byteLength }));
        const refusal = judgeFileWrite(files, name, bytes.byteLength, state.fileLimits);
        if (refusal !== undefined) throw fileRefusalError(refusal);
        state.files.set(name, bytes);
      },
      read: async (_pluginId, name) => {
        const bytes = state.files.get(name);
        return bytes === undefined ? undefined : bytes.slice();
      },
      list: async () => ({
        files: [...state.files].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([name, bytes]) => ({ name, size: bytes.byteLength })),
        limits: state.fileLimits,
      }),
      async delete(_pluginId, name) {
        state.files.delete(name);
      },
    },
    storedSettings: () => Object.fromEntries(state.settings),
    writeSetting(_pluginId, key, value) {
      state.settings.set(key, structuredClone(value));
    },
    secret: (_pluginId, name) => state.secrets.get(name) ?? null,
    toast(_pluginId, message, kind) {
      state.toasts.push({ message, kind });
    },
    setBadge(_pluginId, panelId, badge) {
      state.badges.set(panelId, badge);
    },
    setLabels(_pluginId, labels) {
      state.labels = structuredClone([...labels]);
    },
    setActionEnabled(_pluginId, actionId, enabled) {
      state.actionsEnabled.set(actionId, enabled);
    },
    openPanel(pluginId, panelId) {
      state.openedPanels.push(panelId);
      // The panel's tab is shown, as on the real screen: the layout follows and plugins hear `layout:change`.
      const key = `${pluginId}/${panelId}`;
      if (state.layout.openPanel === key || !state.layout.panels.includes(key)) return;
      state.layout = { ...state.layout, openPanel: key };
      host.deliver("layout:change", { ...state.layout, panels: [...state.layout.panels] });
    },
    async fs(op, path, content) {
      const workspace = state.workspace;
      if (workspace === null) throw new TaikuError(ErrorCode.Unavailable, "no host in this session shares its files (taiku share --fs)");
      if (op === "write") {
        workspace.set(path, content ?? "");
        return null;
      }
      if (op === "read") {
        const text = workspace.get(path);
        if (text === undefined) throw new TaikuError(ErrorCode.NotFound, `file ${path} does not exist`);
        return text;
      }
      const prefix = path === "." || path === "" ? "" : `${path.replace(/\/+$/, "")}/`;
      const entries = new Map<string, { name: string; kind: "file" | "dir"; size: number }>();
      for (const [file, text] of workspace) {
        if (!file.startsWith(prefix)) continue;
        const [name, ...rest] = file.slice(prefix.length).split("/");
        if (name === undefined || name === "") continue;
        entries.set(name, rest.length > 0 ? { name, kind: "dir", size: 0 } : { name, kind: "file", size: encoder.encode(text).byteLength });
      }
      if (prefix !== "" && entries.size === 0) throw new TaikuError(ErrorCode.NotFound, `directory ${path} does not exist`);
      return [...entries.values()];
    },
  };
}
