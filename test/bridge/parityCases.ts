/**
 * The parity matrix: one list of raw bridge calls, run in order against
 * `MockHost` (Node) and against the real host in Chromium, whose answers must
 * be equal. Every method of the protocol appears, with the cases that apply
 * to it: allowed, denied (from a plugin holding no permission), invalid
 * params, over quota, not found. Both hosts start from the same state: a
 * session with no shells, no chat, no activity and no host sharing files;
 * one participant; the plugins `parity` (every permission, the reference's
 * three declared settings, a panel `main`, an action `go`) and
 * `parity-none` (no permission); plugin file limits {@link FILE_LIMITS}.
 *
 * Params are plain JSON; `{ $bytes: n }` stands for a `Uint8Array` of `n`
 * bytes (value `i & 255` at index `i`), built inside the plugin. Answers are
 * made plain by the plugin the same way (`{ $bytes: n }`), then
 * {@link normaliseAnswer} replaces what naturally differs (ids, timestamps).
 */
import { BRIDGE_METHODS, PERMISSIONS, type PluginFileLimits, type RegisteredPlugin, type WorkspaceLayout } from "@taiku/engine";

/** Which fixture plugin makes the call. */
export type CallerName = "parity" | "parity-none";

/** One call of the matrix. */
export interface ParityCase {
  readonly name: string;
  readonly caller: CallerName;
  readonly method: string;
  readonly params: { readonly [key: string]: unknown };
}

/** The plugin file limits both hosts run with. */
export const FILE_LIMITS: PluginFileLimits = { maxFileBytes: 4 * 1024 * 1024, maxTotalBytes: 6 * 1024 * 1024, maxFiles: 8 };

/** The session title both hosts show. */
export const SESSION_TITLE = "Parity checks";

/** The `taiku.plugins` entries of the two fixture plugins. */
export const PARITY_MANIFESTS = {
  parity: {
    id: "parity",
    name: "Parity",
    entry: "index.html",
    permissions: [...PERMISSIONS],
    settings: [
      { key: "refresh_interval", type: "number", label: "Refresh interval (ms)", default: 5000 },
      { key: "theme", type: "select", label: "Theme", default: "dark", options: ["dark", "light"] },
      { key: "show_timestamps", type: "boolean", label: "Show timestamps", default: true },
    ],
    secrets: [],
    network: [],
    contributions: { panels: [{ id: "main", title: "Parity", order: 90 }], actions: [{ id: "go", title: "Go" }], statusLabels: [] },
  },
  "parity-none": {
    id: "parity-none",
    name: "Parity (no permissions)",
    entry: "index.html",
    permissions: [],
    settings: [],
    secrets: [],
    network: [],
    contributions: { panels: [{ id: "main", title: "Parity none", order: 91 }], actions: [], statusLabels: [] },
  },
} as const;

/** The plugins both hosts have registered, as `getSession()` lists them and `getPlugin()` answers each (the fixtures' packages are version 0.0.1). */
export const PARITY_PLUGINS: readonly RegisteredPlugin[] = Object.values(PARITY_MANIFESTS).map((manifest) => ({
  id: manifest.id,
  name: manifest.name,
  version: "0.0.1",
  permissions: [...manifest.permissions],
  source: "local",
  serverManaged: false,
}));

/** The layout on the screen when the matrix starts: both plugins' panels open, `parity-none`'s last. */
export const PARITY_LAYOUT: WorkspaceLayout = {
  panels: ["shells", "files", "git", "parity/main", "parity-none/main"],
  openPanel: "parity-none/main",
  sidebars: true,
  theme: "dark",
};

const c = (name: string, method: string, params: ParityCase["params"] = {}, caller: CallerName = "parity"): ParityCase => ({ name, caller, method, params });
const denied = (method: string, params: ParityCase["params"] = {}): ParityCase => c(`${method} without its permission`, method, params, "parity-none");

/** The calls, in the order both hosts run them. */
export const PARITY_CASES: readonly ParityCase[] = [
  c("an unknown method", "noSuchMethod"),
  c("an inherited name is no method", "toString"),

  c("getSession", "getSession"),
  denied("getSession"),
  c("getSession with an unexpected key", "getSession", { extra: 1 }),
  c("getPlugin: the caller's own registration", "getPlugin"),
  c("getPlugin works without a permission", "getPlugin", {}, "parity-none"),
  c("getPlugin with an unexpected key", "getPlugin", { extra: 1 }),
  c("getLayout", "getLayout"),
  denied("getLayout"),
  c("getUsers", "getUsers"),
  denied("getUsers"),
  c("getShells in a session without shells", "getShells"),
  denied("getShells"),
  c("getShellOutput of a shell number nobody has", "getShellOutput", { shellId: 1 }),
  c("getShellOutput with a string shell id", "getShellOutput", { shellId: "1" }),
  c("getShellOutput with zero lines", "getShellOutput", { shellId: 1, lines: 0 }),
  denied("getShellOutput", { shellId: 1 }),
  c("writeToShell to a shell number nobody has", "writeToShell", { shellId: 1, data: "ls\n" }),
  c("writeToShell with empty data", "writeToShell", { shellId: 1, data: "" }),
  denied("writeToShell", { shellId: 1, data: "rm -rf ~\n" }),

  c("getChat of an empty chat", "getChat"),
  c("sendChat", "sendChat", { text: "hello from a plugin" }),
  c("getChat after sending", "getChat", { limit: 5 }),
  c("getChat with a limit over the maximum", "getChat", { limit: 1001 }),
  c("sendChat with empty text", "sendChat", { text: "" }),
  denied("sendChat", { text: "sneaky" }),
  denied("getChat"),
  c("getAgentActivity", "getAgentActivity"),
  c("getAgentActivity with a negative limit", "getAgentActivity", { limit: -1 }),
  denied("getAgentActivity"),

  c("showToast", "showToast", { message: "hi", kind: "success" }),
  c("showToast of an unknown kind", "showToast", { message: "hi", kind: "shout" }),
  denied("showToast", { message: "hi" }),

  c("getSecret that is not set", "getSecret", { name: "api_key" }),
  c("getSecret with an empty name", "getSecret", { name: "" }),
  c("getSettings: declared settings with their manifest defaults", "getSettings"),
  c("getSetting of a declared setting", "getSetting", { key: "refresh_interval" }),
  c("getSetting of an unknown key", "getSetting", { key: "nothing_here" }),
  c("setSetting of a declared setting", "setSetting", { key: "refresh_interval", value: 1000 }),
  c("setSetting of a declared setting with the wrong type", "setSetting", { key: "show_timestamps", value: "yes" }),
  c("setSetting of a select outside its options", "setSetting", { key: "theme", value: "sepia" }),
  c("setSetting of an undeclared key stores plugin state", "setSetting", { key: "last_used_shell", value: 3 }),
  c("setSetting of undeclared state past its cap", "setSetting", { key: "big_state", value: "x".repeat(40_000) }),
  c("setSetting of a binary value", "setSetting", { key: "bin", value: { $bytes: 4 } }),
  c("setSetting of a prototype key", "setSetting", { key: "__proto__", value: { polluted: true } }),
  c("getSettings after setting", "getSettings"),
  c("getSetting of undeclared state", "getSetting", { key: "last_used_shell" }),
  c("setSetting works without a permission", "setSetting", { key: "mine", value: true }, "parity-none"),

  c("setPluginData", "setPluginData", { key: "build_status", value: { state: "running", startedBy: "user-42" } }),
  c("getPluginData", "getPluginData", { key: "build_status" }),
  c("getPluginData of a missing key", "getPluginData", { key: "nope" }),
  c("getAllPluginData", "getAllPluginData"),
  c("setPluginData past the session KV quota", "setPluginData", { key: "huge", value: "x".repeat(70_000) }),
  c("setPluginData with an empty key", "setPluginData", { key: "", value: 1 }),
  c("getPluginDataUsage", "getPluginDataUsage"),
  c("deletePluginData", "deletePluginData", { key: "build_status" }),
  c("getAllPluginData after deleting", "getAllPluginData"),
  c("kv.sync from an empty replica", "kv.sync", { stateVector: { $bytes: 1 } }),
  c("kv.sync with bytes that are no state vector", "kv.sync", { stateVector: { $bytes: 0 } }),
  c("kv.sync with a JSON state vector", "kv.sync", { stateVector: [0] }),
  c("kv.update with bytes that are no update", "kv.update", { update: { $bytes: 3 } }),
  c("getOtherPluginData of a key nobody set", "getOtherPluginData", { pluginId: "parity-none", key: "k" }),
  c("getOtherPluginData with an invalid plugin id", "getOtherPluginData", { pluginId: "Not An Id", key: "k" }),
  denied("getOtherPluginData", { pluginId: "parity", key: "build_status" }),

  c("setUserData", "setUserData", { key: "preferred_layout", value: "vertical-split" }),
  c("setUserData of a list", "setUserData", { key: "favorite_shells", value: [1, 3, 7] }),
  c("getUserData", "getUserData", { key: "preferred_layout" }),
  c("getUserData of a missing key", "getUserData", { key: "nope" }),
  c("listUserData: key → value", "listUserData"),
  c("setUserData past the per-value limit", "setUserData", { key: "too_big", value: "x".repeat(1024 * 1024 + 10) }),
  c("deleteUserData", "deleteUserData", { key: "favorite_shells" }),
  c("listUserData after deleting", "listUserData"),
  c("setUserData with an empty key", "setUserData", { key: "", value: 1 }),

  c("writePluginFile of text", "writePluginFile", { name: "config.json", data: '{"version":2}' }),
  c("writePluginFile of binary", "writePluginFile", { name: "notification.wav", data: { $bytes: 44_100 } }),
  c("listPluginFiles", "listPluginFiles"),
  c("readPluginFile", "readPluginFile", { name: "notification.wav" }),
  c("readPluginFile of a missing file", "readPluginFile", { name: "missing.bin" }),
  c("writePluginFile with a traversing name", "writePluginFile", { name: "../escape", data: "x" }),
  c("writePluginFile past the per-file limit", "writePluginFile", { name: "big.bin", data: { $bytes: 4 * 1024 * 1024 + 1 } }),
  c("writePluginFile up to the per-file limit", "writePluginFile", { name: "full.bin", data: { $bytes: 4 * 1024 * 1024 } }),
  c("writePluginFile past the per-plugin total", "writePluginFile", { name: "more.bin", data: { $bytes: 2 * 1024 * 1024 } }),
  c("getStorageUsage with its limits", "getStorageUsage"),
  c("deletePluginFile", "deletePluginFile", { name: "full.bin" }),
  c("deletePluginFile of a missing file", "deletePluginFile", { name: "full.bin" }),
  c("getStorageUsage after deleting", "getStorageUsage"),

  c("emit", "emit", { name: "ping", data: { n: 1 } }),
  c("emit with an invalid name", "emit", { name: "Bad Name", data: null }),
  denied("emit", { name: "ping", data: null }),
  c("setBadge of a declared panel", "setBadge", { panelId: "main", badge: 3 }),
  c("setBadge of an undeclared panel", "setBadge", { panelId: "nope", badge: 1 }),
  c("setBadge with a too long text", "setBadge", { panelId: "main", badge: "x".repeat(17) }),
  denied("setBadge", { panelId: "main", badge: 1 }),
  c("setLabels", "setLabels", { labels: [{ id: "l", text: "ok" }] }),
  c("setLabels with too many labels", "setLabels", { labels: Array.from({ length: 21 }, (_, i) => ({ id: `l${i}`, text: "x" })) }),
  denied("setLabels", { labels: [] }),
  c("setActionEnabled of a declared action", "setActionEnabled", { actionId: "go", enabled: false }),
  c("setActionEnabled of an undeclared action", "setActionEnabled", { actionId: "nope", enabled: true }),
  denied("setActionEnabled", { actionId: "go", enabled: true }),
  c("openPanel of a declared panel", "openPanel", { panelId: "main" }),
  c("openPanel of an undeclared panel", "openPanel", { panelId: "nope" }),
  c("getLayout after openPanel shows that panel", "getLayout"),
  denied("openPanel", { panelId: "main" }),

  c("listFiles where no host shares files", "listFiles"),
  c("readFile where no host shares files", "readFile", { path: "README.md" }),
  c("writeFile where no host shares files", "writeFile", { path: "notes.txt", content: "x" }),
  c("readFile with a NUL in the path", "readFile", { path: "a\u0000b" }),
  denied("listFiles"),
  denied("readFile", { path: "README.md" }),
  denied("writeFile", { path: "notes.txt", content: "x" }),

  c("reportError", "reportError", { message: "boom", stack: "at parity.js:1" }),
  c("reportError with a too long message", "reportError", { message: "x".repeat(2001) }),
  c("pong", "pong", { n: 7 }),
  c("pong with a negative n", "pong", { n: -1 }),
  c("pong works without a permission", "pong", { n: 1 }, "parity-none"),
];

/** Methods of the protocol the matrix never calls (must stay empty). */
export function uncoveredMethods(): string[] {
  const called = new Set(PARITY_CASES.map((entry) => entry.method));
  return [...BRIDGE_METHODS.keys()].filter((method) => !called.has(method));
}

/** What a host answered, made plain (binary as `{ $bytes: n }`). */
export type PlainAnswer = { readonly result: unknown } | { readonly error: { readonly code: string; readonly message: string; readonly details?: unknown } };

const VARYING = new Set(["sessionId", "ownerId", "userId", "ts", "color", "id"]);

/** Replaces what naturally differs between hosts (ids, timestamps, colours, Yjs bytes) and keeps the rest. */
export function normaliseAnswer(answer: PlainAnswer, method: string): unknown {
  if ("error" in answer) return { error: answer.error.code, ...(answer.error.details === undefined ? {} : { details: answer.error.details }) };
  const walk = (value: unknown, key: string | undefined): unknown => {
    if (key !== undefined && VARYING.has(key) && (typeof value === "string" || typeof value === "number")) return `<${key}>`;
    if (Array.isArray(value)) return value.map((item) => walk(item, undefined));
    if (typeof value === "object" && value !== null) return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, walk(v, k)]));
    return value;
  };
  if (method === "kv.sync") return { result: "<yjs update>" };
  if (method === "getSession") {
    const session = answer.result as { plugins?: { id: string }[] };
    return { result: { ...(walk(session, undefined) as object), plugins: session.plugins?.map((plugin) => ({ ...plugin })) } };
  }
  return { result: walk(answer.result, undefined) };
}

/**
 * The plugin-side raw caller, as source text for the browser and as a
 * function for Node: builds `{ $bytes }` params, posts one request on the
 * host port, waits for its answer and makes it plain.
 */
export const RAW_CALLER_SOURCE = `
function toBridge(value) {
  if (Array.isArray(value)) return value.map(toBridge);
  if (value !== null && typeof value === "object") {
    if (typeof value.$bytes === "number") {
      const bytes = new Uint8Array(value.$bytes);
      for (let i = 0; i < bytes.length; i++) bytes[i] = i & 255;
      return bytes;
    }
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, toBridge(v)]));
  }
  return value;
}
function toPlain(value) {
  if (value instanceof Uint8Array) return { $bytes: value.byteLength };
  if (Array.isArray(value)) return value.map(toPlain);
  if (value !== null && typeof value === "object") return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, toPlain(v)]));
  return value;
}
let rawCount = 0;
function rawCall(port, method, params) {
  const id = "raw-" + ++rawCount;
  return new Promise((resolve) => {
    const onMessage = (event) => {
      const data = event.data;
      if (data === null || typeof data !== "object" || data.type !== "taiku:response" || data.id !== id) return;
      port.removeEventListener("message", onMessage);
      resolve("error" in data ? { error: toPlain(data.error) } : { result: toPlain(data.result) });
    };
    port.addEventListener("message", onMessage);
    const built = toBridge(params);
    const transfer = [];
    for (const value of Object.values(built)) if (value instanceof Uint8Array) transfer.push(value.buffer);
    port.postMessage({ type: "taiku:request", id, method, params: built }, transfer);
  });
}
`;
