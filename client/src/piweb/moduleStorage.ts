/**
 * `context.taiku` of a Pi Web module: the SDK's storage methods bound to
 * the plugin, answered by the engine's bridge handler table
 * (`BRIDGE_HANDLERS`, after `admitRequest` checked the parameters) over the
 * client's real bridge services (`createHostBridgeServices`), exactly as
 * for a sandboxed plugin: session KV of the open session (quota-checked,
 * `quota_exceeded`, merged by Yjs), user KV and plugin files over HTTP
 * with the user's credentials, file limits judged before a write. Session KV
 * calls reject `unavailable` while no session is open; bad arguments reject
 * `invalid_params` and change nothing.
 */
import {
  admitRequest,
  BRIDGE_HANDLERS,
  checkBridgeValue,
  ErrorCode,
  TaikuError,
  type BridgeCaller,
  type BridgeMethod,
  type BridgeValue,
  type JsonRecord,
  type JsonValue,
  type PluginFileInfo,
  type QuotaUsage,
  type StorageUsage,
} from "@taiku/engine";
import type { PiWebTaiku } from "@taiku/plugin-sdk";
import { apiRequest } from "../api/apiRequest";
import { createHostBridgeServices } from "../bridge/hostBridgeServices";
import type { HostServices } from "../bridge/hostServices";
import { piWebHost } from "./runtimeContext";

type StorageMethod = Extract<
  BridgeMethod,
  | "setPluginData"
  | "getPluginData"
  | "getAllPluginData"
  | "deletePluginData"
  | "getPluginDataUsage"
  | "setUserData"
  | "getUserData"
  | "listUserData"
  | "deleteUserData"
  | "writePluginFile"
  | "readPluginFile"
  | "listPluginFiles"
  | "deletePluginFile"
  | "getStorageUsage"
>;

const NEEDS_SESSION: ReadonlySet<StorageMethod> = new Set(["setPluginData", "getPluginData", "getAllPluginData", "deletePluginData", "getPluginDataUsage"]);

/** The storage services a module's calls reach: the open session's KV, and HTTP. */
function storageServices(): ReturnType<typeof createHostBridgeServices> {
  const host = {
    sessionId: "",
    kv: (pluginId: string) => {
      const current = piWebHost();
      if (current === undefined) throw new TaikuError(ErrorCode.Unavailable, "session KV needs an open session");
      return current.kv(pluginId);
    },
    http: apiRequest,
  } as Partial<HostServices> as HostServices;
  return createHostBridgeServices(host);
}

let sequence = 0;

/** The storage of `pluginId` for a trusted module. */
export function createModuleStorage(pluginId: string): PiWebTaiku {
  const caller = { plugin: { id: pluginId } } as unknown as BridgeCaller;
  async function call(method: StorageMethod, params: Record<string, unknown>): Promise<BridgeValue> {
    if (NEEDS_SESSION.has(method) && piWebHost() === undefined) throw new TaikuError(ErrorCode.Unavailable, "session KV needs an open session");
    // A frame's parameters arrive structured-cloned; a module's are live objects, so check them as the wire would: no functions, cycles, getters that throw.
    const problem = checkBridgeValue(params);
    if (problem !== undefined) throw new TaikuError(ErrorCode.InvalidParams, `${method}: ${problem}`);
    const admitted = admitRequest({ type: "taiku:request", id: `module-${++sequence}`, method, params: params as Record<string, BridgeValue> }, new Set());
    if (admitted.error !== undefined) throw new TaikuError(admitted.error.code, admitted.error.message);
    const handler = BRIDGE_HANDLERS[method] as (params: unknown, context: { services: ReturnType<typeof createHostBridgeServices>; caller: BridgeCaller }) => unknown;
    return (await handler(admitted.call.params, { services: storageServices(), caller })) as BridgeValue;
  }
  return {
    async setPluginData(key, value) {
      await call("setPluginData", { key, value });
    },
    async getPluginData(key) {
      return (await call("getPluginData", { key })) as JsonValue | null;
    },
    async getAllPluginData() {
      return (await call("getAllPluginData", {})) as JsonRecord;
    },
    async deletePluginData(key) {
      await call("deletePluginData", { key });
    },
    async getPluginDataUsage() {
      return (await call("getPluginDataUsage", {})) as unknown as QuotaUsage;
    },
    async setUserData(key, value) {
      await call("setUserData", { key, value });
    },
    async getUserData(key) {
      return (await call("getUserData", { key })) as JsonValue | null;
    },
    async listUserData() {
      return (await call("listUserData", {})) as JsonRecord;
    },
    async deleteUserData(key) {
      await call("deleteUserData", { key });
    },
    async writePluginFile(name, data) {
      const payload = typeof data === "string" ? data : data instanceof Uint8Array ? new Uint8Array(data) : data instanceof ArrayBuffer ? new Uint8Array(data.slice(0)) : data;
      await call("writePluginFile", { name, data: payload });
    },
    async readPluginFile(name) {
      const bytes = (await call("readPluginFile", { name })) as Uint8Array;
      return bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
    },
    async listPluginFiles() {
      return (await call("listPluginFiles", {})) as unknown as PluginFileInfo[];
    },
    async deletePluginFile(name) {
      await call("deletePluginFile", { name });
    },
    async getStorageUsage() {
      return (await call("getStorageUsage", {})) as unknown as StorageUsage;
    },
  };
}
