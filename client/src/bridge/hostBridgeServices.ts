/**
 * The real host's `BridgeServices`, over the session runtime's
 * {@link HostServices}: session state from memory, session KV from the
 * plugins' Yjs documents, user KV and files from the server over HTTP
 * (`/api/user-kv/…`, `/api/plugin-files/…`, the server's answers mapped to
 * bridge error codes), settings and secrets from this browser. The engine's
 * handler table (`BRIDGE_HANDLERS`) owns every rule; this only fetches and
 * stores.
 */
import {
  ErrorCode,
  TaikuError,
  type BridgeServices,
  type JsonValue,
  type PluginFileInfo,
  type PluginFileLimits,
} from "@taiku/engine";
import type { ApiResult } from "../api/apiRequest";
import type { HostServices } from "./hostServices";

function unwrap<T>(result: ApiResult<T>): T {
  if (result.error !== undefined) {
    const code = Object.values(ErrorCode).includes(result.error.code as ErrorCode) ? (result.error.code as ErrorCode) : ErrorCode.Unavailable;
    throw new TaikuError(code, result.error.message);
  }
  return result.value;
}

function userKvPath(pluginId: string, key?: string): string {
  return `/api/user-kv/${encodeURIComponent(pluginId)}${key === undefined ? "" : `/${encodeURIComponent(key)}`}`;
}

function filePath(pluginId: string, name?: string): string {
  return `/api/plugin-files/${encodeURIComponent(pluginId)}${name === undefined ? "" : `/${encodeURIComponent(name)}`}`;
}

/** The buffer of `bytes` itself when it spans all of it (no copy), else a copy of its bytes. */
function bufferOf(bytes: Uint8Array): ArrayBuffer {
  if (bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength && bytes.buffer instanceof ArrayBuffer) return bytes.buffer;
  return bytes.slice().buffer as ArrayBuffer;
}

/** The engine's services over the runtime's host services. */
export function createHostBridgeServices(host: HostServices): BridgeServices {
  return {
    sessionId: host.sessionId,
    session: () => ({ ...host.sessionInfo(), plugins: host.registeredPlugins() }),
    layout: host.layout,
    participants: () => host.participants().map((p) => ({ userId: p.userId, name: p.name, color: p.colour })),
    shells: host.shells,
    shellOutput: (shellId, lines) => host.events.shellOutput(shellId, lines),
    writeToShell(shellId, data) {
      const outcome = host.writeToShell(shellId, data);
      if (outcome.error !== undefined) throw new TaikuError(ErrorCode.Unavailable, outcome.error);
    },
    chat: host.chat,
    sendChat: host.sendChat,
    activity: host.activity,
    publish: host.publish,
    kv: host.kv,
    async otherKvSynced(pluginId, timeoutMs) {
      const other = host.kv(pluginId);
      // A document the relay refuses (a plugin this server does not know) holds nothing: its keys read as unset, as in MockHost.
      return other.whenSynced === undefined || (await other.whenSynced(timeoutMs)) !== "timeout";
    },
    otherPluginData: (pluginId, key) => host.kv(pluginId).kv.get(key),
    userKv: {
      async get(pluginId, key) {
        const result = await host.http<{ value: JsonValue; found?: boolean }>(userKvPath(pluginId, key));
        // An unset key is `found: false`; a server from before that answers 404.
        if (result.error?.status === 404) return undefined;
        const { value, found } = unwrap(result);
        return found === false ? undefined : value;
      },
      async set(pluginId, key, value) {
        unwrap(await host.http(userKvPath(pluginId, key), { method: "PUT", body: { value } }));
      },
      async list(pluginId) {
        const { entries } = unwrap(await host.http<{ entries: { key: string; value: JsonValue }[] }>(userKvPath(pluginId)));
        return Object.fromEntries(entries.map(({ key, value }) => [key, value]));
      },
      async delete(pluginId, key) {
        unwrap(await host.http(userKvPath(pluginId, key), { method: "DELETE" }));
      },
    },
    files: {
      async write(pluginId, name, bytes) {
        unwrap(await host.http(filePath(pluginId, name), { method: "PUT", raw: bufferOf(bytes) }));
      },
      async read(pluginId, name) {
        const result = await host.http<ArrayBuffer>(filePath(pluginId, name), { binary: true });
        if (result.error?.status === 404) return undefined;
        return new Uint8Array(unwrap(result));
      },
      async list(pluginId) {
        const listing = unwrap(await host.http<{ files: PluginFileInfo[]; limits: PluginFileLimits }>(filePath(pluginId)));
        return { files: listing.files, limits: listing.limits };
      },
      async delete(pluginId, name) {
        unwrap(await host.http(filePath(pluginId, name), { method: "DELETE" }));
      },
    },
    storedSettings: host.settings,
    writeSetting: host.setSetting,
    secret: host.secret,
    toast: host.toast,
    setBadge: host.setBadge,
    setLabels: host.setLabels,
    setActionEnabled: host.setActionEnabled,
    openPanel: host.openPanel,
    fs: (op, path, content) => host.fs(op, path, content),
  };
}
