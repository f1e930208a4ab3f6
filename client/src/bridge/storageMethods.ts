/**
 * Bridge handlers for the plugin's own storage, which needs no permission:
 * secrets and settings (this client's localStorage), session KV (the
 * plugin's Yjs document, quota-checked before each write), user KV and
 * files (the server, over HTTP with the user's token), the `sharedDoc()`
 * channel (`kv.sync`, and `kv.update`, judged by the engine and never
 * dropped: see `createHostKv`), and other plugins' session KV for holders of
 * `kv.read`.
 */
import * as Y from "yjs";
import { ErrorCode, TaikuError, type JsonValue } from "@taiku/engine";
import type { ApiResult } from "../api/apiRequest";
import type { MethodGroup } from "./methodHandlers";

/**
 * How long `getOtherPluginData` waits for the other plugin's session KV to
 * sync with the relay on its first read (it is opened then) before it
 * answers `unavailable` instead of a `null` that only means "not loaded yet".
 */
export const OTHER_KV_SYNC_WAIT_MS = 5_000;

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

/** Handlers for storage methods. */
export const storageMethods: MethodGroup = {
  getSecret: ({ name }, { services, instance }) => services.secret(instance.plugin.id, name),
  getSetting: ({ key }, { services, instance }) => services.settings(instance.plugin)[key] ?? null,
  getSettings: (_params, { services, instance }) => services.settings(instance.plugin),
  setSetting: ({ key, value }, { services, instance }) => {
    if (!instance.plugin.settings.some((spec) => spec.key === key)) {
      throw new TaikuError(ErrorCode.InvalidParams, `the manifest declares no setting ${key}`);
    }
    services.setSetting(instance.plugin.id, key, value);
    return null;
  },

  setPluginData: ({ key, value }, { services, instance }) => {
    services.kv(instance.plugin.id).kv.set(key, value);
    return null;
  },
  getPluginData: ({ key }, { services, instance }) => services.kv(instance.plugin.id).kv.get(key) ?? null,
  getAllPluginData: (_params, { services, instance }) => Object.fromEntries(services.kv(instance.plugin.id).kv.entries()),
  deletePluginData: ({ key }, { services, instance }) => {
    services.kv(instance.plugin.id).kv.delete(key);
    return null;
  },
  getPluginDataUsage: (_params, { services, instance }) => ({ ...services.kv(instance.plugin.id).usage() }),
  getOtherPluginData: async ({ pluginId, key }, { services }) => {
    const other = services.kv(pluginId);
    if (other.whenSynced !== undefined && !(await other.whenSynced(OTHER_KV_SYNC_WAIT_MS))) {
      throw new TaikuError(ErrorCode.Unavailable, `the session data of ${pluginId} has not synced within ${OTHER_KV_SYNC_WAIT_MS / 1000} s; try again`);
    }
    return other.kv.get(key) ?? null;
  },
  "kv.sync": ({ stateVector }, context) => {
    const { kv } = context.services.kv(context.instance.plugin.id);
    context.subscribeKv();
    return { update: Y.encodeStateAsUpdate(kv.doc, stateVector) };
  },
  "kv.update": ({ update }, { services, instance }) => {
    services.kv(instance.plugin.id).applyPluginUpdate(update, instance);
    return null;
  },

  setUserData: async ({ key, value }, { services, instance }) => {
    unwrap(await services.http(userKvPath(instance.plugin.id, key), { method: "PUT", body: { value } }));
    return null;
  },
  getUserData: async ({ key }, { services, instance }) => {
    const result = await services.http<{ value: JsonValue; found?: boolean }>(userKvPath(instance.plugin.id, key));
    // An unset key is `found: false`; a server from before that answers 404.
    if (result.error?.status === 404) return null;
    return unwrap(result).value;
  },
  listUserData: async (_params, { services, instance }) => {
    const { entries } = unwrap(await services.http<{ entries: { key: string }[] }>(userKvPath(instance.plugin.id)));
    return entries.map((entry) => entry.key);
  },
  deleteUserData: async ({ key }, { services, instance }) => {
    unwrap(await services.http(userKvPath(instance.plugin.id, key), { method: "DELETE" }));
    return null;
  },

  writePluginFile: async ({ name, data }, { services, instance }) => {
    const bytes = typeof data === "string" ? new TextEncoder().encode(data) : data;
    const raw = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
    unwrap(await services.http(filePath(instance.plugin.id, name), { method: "PUT", raw }));
    return null;
  },
  readPluginFile: async ({ name }, { services, instance }) =>
    new Uint8Array(unwrap(await services.http<ArrayBuffer>(filePath(instance.plugin.id, name), { binary: true }))),
  listPluginFiles: async (_params, { services, instance }) => {
    const { files } = unwrap(await services.http<{ files: { name: string; size: number }[] }>(filePath(instance.plugin.id)));
    return files.map(({ name, size }) => ({ name, size }));
  },
  deletePluginFile: async ({ name }, { services, instance }) => {
    unwrap(await services.http(filePath(instance.plugin.id, name), { method: "DELETE" }));
    return null;
  },
  getStorageUsage: async (_params, { services, instance }) => {
    const usage = unwrap(
      await services.http<{ files: { name: string; size: number }[]; totalBytes: number; fileCount: number }>(filePath(instance.plugin.id)),
    );
    return { totalBytes: usage.totalBytes, fileCount: usage.fileCount, files: usage.files.map(({ name, size }) => ({ name, size })) };
  },
};
