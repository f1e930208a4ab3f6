/**
 * `context.taiku` of a Pi Web module: the SDK's storage methods bound to
 * the plugin, answered by the same handlers the bridge uses for sandboxed
 * plugins (`storageMethods`), so the semantics are the same: session KV of
 * the open session (quota-checked, `quota_exceeded`, merged by Yjs), user KV
 * and plugin files over HTTP with the user's token. Session KV calls reject
 * `unavailable` while no session is open; bad arguments reject
 * `invalid_params` and change nothing.
 */
import { ErrorCode, TaikuError, type BridgeValue, type JsonValue } from "@taiku/engine";
import type { PiWebTaiku } from "@taiku/plugin-sdk";
import { apiRequest } from "../api/apiRequest";
import type { CallContext } from "../bridge/methodHandlers";
import type { HostServices } from "../bridge/hostServices";
import { storageMethods } from "../bridge/storageMethods";
import { piWebHost } from "./runtimeContext";

type StorageMethod = keyof typeof storageMethods;

function isJson(value: unknown, depth = 0): value is JsonValue {
  if (depth > 64) return false;
  if (value === null || typeof value === "string" || typeof value === "boolean") return true;
  if (typeof value === "number") return Number.isFinite(value);
  if (Array.isArray(value)) return value.every((item) => isJson(item, depth + 1));
  if (typeof value === "object" && Object.getPrototypeOf(value) === Object.prototype) return Object.values(value).every((item) => isJson(item, depth + 1));
  return false;
}

function checkKey(key: unknown, what = "key"): void {
  if (typeof key !== "string" || key === "") throw new TaikuError(ErrorCode.InvalidParams, `${what} must be a non-empty string`);
}

function checkValue(value: unknown): void {
  if (!isJson(value)) throw new TaikuError(ErrorCode.InvalidParams, "value must be JSON (null, boolean, finite number, string, array or plain object)");
}

/** The storage of `pluginId` for a trusted module. */
export function createModuleStorage(pluginId: string): PiWebTaiku {
  async function call(method: StorageMethod, params: Record<string, unknown>, needsSession: boolean): Promise<BridgeValue> {
    const current = piWebHost();
    if (needsSession && current === undefined) throw new TaikuError(ErrorCode.Unavailable, "session KV needs an open session");
    const services = {
      kv: (id: string) => {
        if (current === undefined) throw new TaikuError(ErrorCode.Unavailable, "session KV needs an open session");
        return current.kv(id);
      },
      http: apiRequest,
    } as unknown as HostServices;
    const context = { services, instance: { plugin: { id: pluginId } }, subscribeKv: () => {} } as unknown as CallContext;
    const handler = storageMethods[method] as (params: unknown, context: CallContext) => BridgeValue | Promise<BridgeValue>;
    return handler(params, context);
  }
  return {
    async setPluginData(key, value) {
      checkKey(key);
      checkValue(value);
      await call("setPluginData", { key, value }, true);
    },
    async getPluginData(key) {
      checkKey(key);
      return (await call("getPluginData", { key }, true)) as JsonValue | null;
    },
    async getAllPluginData() {
      return (await call("getAllPluginData", {}, true)) as Record<string, JsonValue>;
    },
    async deletePluginData(key) {
      checkKey(key);
      await call("deletePluginData", { key }, true);
    },
    async getPluginDataUsage() {
      return (await call("getPluginDataUsage", {}, true)) as never;
    },
    async setUserData(key, value) {
      checkKey(key);
      checkValue(value);
      await call("setUserData", { key, value }, false);
    },
    async getUserData(key) {
      checkKey(key);
      return (await call("getUserData", { key }, false)) as JsonValue | null;
    },
    async listUserData() {
      return (await call("listUserData", {}, false)) as string[];
    },
    async deleteUserData(key) {
      checkKey(key);
      await call("deleteUserData", { key }, false);
    },
    async writePluginFile(name, data) {
      checkKey(name, "name");
      if (typeof data !== "string" && !(data instanceof ArrayBuffer) && !(data instanceof Uint8Array)) {
        throw new TaikuError(ErrorCode.InvalidParams, "data must be a string, an ArrayBuffer or a Uint8Array");
      }
      const payload = typeof data === "string" ? data : data instanceof Uint8Array ? new Uint8Array(data) : new Uint8Array(data.slice(0));
      await call("writePluginFile", { name, data: payload }, false);
    },
    async readPluginFile(name) {
      checkKey(name, "name");
      const bytes = (await call("readPluginFile", { name }, false)) as Uint8Array;
      return bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
    },
    async listPluginFiles() {
      return (await call("listPluginFiles", {}, false)) as never;
    },
    async deletePluginFile(name) {
      checkKey(name, "name");
      await call("deletePluginFile", { name }, false);
    },
    async getStorageUsage() {
      return (await call("getStorageUsage", {}, false)) as never;
    },
  };
}
