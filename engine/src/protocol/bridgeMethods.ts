/**
 * Every bridge method: the permission it needs (DESIGN.md "The bridge") and
 * the schema of its parameters. {@link BRIDGE_METHODS} is the one lookup
 * table, a `Map` of own entries, so no inherited name (`toString`,
 * `__proto__`) is ever a method. The host checks the permission before it
 * runs a method, and a method the table lacks is `method_not_found`.
 *
 * Plugin-facing names are the SDK's method names. Two internal methods carry
 * the `sharedDoc()` replica: `kv.sync { stateVector }` answers
 * `{ update }` (what the plugin's replica lacks), and `kv.update { update }`
 * applies a plugin's local Yjs update to its own session KV document. The
 * host sends remote changes to the plugin as `kv:update` events
 * (`{ update: Uint8Array }`). Updates travel as `Uint8Array`. The host judges
 * each `kv.update` with the engine's quota judge against its own replica
 * (which may hold more than the plugin's) and never drops it: an over-quota
 * update is applied together with its compensation, the compensation comes
 * back to the frame as `kv:update`, then a `kv:rejected` event, and the
 * request is answered `quota_exceeded` (details `used`, `limit`,
 * `attempted`). `getPluginDataUsage {}` answers the plugin's headroom
 * `{ used, limit }` from the same judge; like every method on the plugin's
 * own session KV it needs no permission.
 *
 * Two methods carry the plugin's health, so the host can show a panel's error
 * state although it cannot see inside the sandboxed frame: `reportError
 * { message, stack?, starting? }` reports an uncaught error of the plugin
 * (the panel shows it, the plugin keeps running; `starting: true` marks one
 * thrown before the host had started the plugin, i.e. before `ready()`, and
 * the panel shows it as an error card in place of the frame), and `pong { n }` answers the host's
 * `host:ping { n }` event (an instance that stops answering is shown as not
 * responding). Neither needs a permission; both answer `null`.
 *
 * `getPlugin {}` answers the calling plugin's own {@link RegisteredPlugin}
 * (no permission: it is the plugin's own registration). `getLayout {}`
 * answers the {@link WorkspaceLayout} on this participant's screen
 * (`session.read`); the host sends `layout:change` whenever it changes.
 */
import { MAX_BRIDGE_BINARY_BYTES, type BridgeValue, type JsonValue } from "./bridgeValue";
import type {
  AgentActivity,
  ChatMessage,
  FileEntry,
  JsonRecord,
  Participant,
  PluginFileInfo,
  QuotaUsage,
  RegisteredPlugin,
  SessionInfo,
  ShellInfo,
  StorageUsage,
  WorkspaceLayout,
} from "./bridgeTypes";
import type { Permission } from "./permission";
import {
  arrayOf,
  boolean,
  bytes,
  either,
  integer,
  json,
  literal,
  nullable,
  number,
  object,
  optional,
  string,
  type Infer,
  type Schema,
} from "./paramSchema";

const id = string({ min: 1, max: 128 });
/** A shell's number in the session (see `ShellInfo.id`). */
const shellNumber = integer({ min: 1, max: Number.MAX_SAFE_INTEGER });
const key = string({ min: 1, max: 256 });
const pluginId = string({ min: 1, max: 64, pattern: /^[a-z][a-z0-9.-]*$/ });
/** A plugin file name: no slashes, backslashes, control characters, `.` or `..`. */
const fileName = string({ min: 1, max: 255, pattern: /^(?!\.{1,2}$)[^/\\\u0000-\u001f]+$/ });
const path = string({ min: 1, max: 4096, pattern: /^[^\u0000]+$/ });
const customEventName = string({ min: 1, max: 64, pattern: /^[a-z][a-z0-9._-]*$/ });
const MAX_SHELL_INPUT = 64 * 1024;
const MAX_FILE_BYTES = 1024 * 1024;
/** The longest `reportError` message, in UTF-16 code units. */
export const MAX_ERROR_MESSAGE = 2000;
/** The longest `reportError` stack, in UTF-16 code units. */
export const MAX_ERROR_STACK = 8000;

function spec<P extends Schema<unknown>>(permission: Permission | null, params: P) {
  return { permission, params };
}

/** The source of {@link BRIDGE_METHODS}, kept as an object literal so parameter types can be inferred. */
const METHOD_SPECS = {
  getSession: spec("session.read", object({})),
  getPlugin: spec(null, object({})),
  getLayout: spec("session.read", object({})),
  getUsers: spec("session.read", object({})),
  getShells: spec("session.read", object({})),
  getShellOutput: spec("terminal.read", object({ shellId: shellNumber, lines: optional(integer({ min: 1, max: 100_000 })) })),
  writeToShell: spec("terminal.write", object({ shellId: shellNumber, data: string({ min: 1, max: MAX_SHELL_INPUT }) })),
  getChat: spec("session.read", object({ limit: optional(integer({ min: 1, max: 1000 })) })),
  sendChat: spec("session.write", object({ text: string({ min: 1, max: 8000 }) })),
  getAgentActivity: spec("session.read", object({ limit: optional(integer({ min: 1, max: 1000 })) })),
  showToast: spec(
    "ui.panel",
    object({
      message: string({ min: 1, max: 1000 }),
      kind: optional(literal("info", "success", "warning", "error")),
    }),
  ),
  getSecret: spec(null, object({ name: key })),
  getSetting: spec(null, object({ key })),
  getSettings: spec(null, object({})),
  setSetting: spec(null, object({ key, value: json() })),
  setPluginData: spec(null, object({ key, value: json() })),
  getPluginData: spec(null, object({ key })),
  getAllPluginData: spec(null, object({})),
  deletePluginData: spec(null, object({ key })),
  getOtherPluginData: spec("kv.read", object({ pluginId, key })),
  getPluginDataUsage: spec(null, object({})),
  setUserData: spec(null, object({ key, value: json() })),
  getUserData: spec(null, object({ key })),
  listUserData: spec(null, object({})),
  deleteUserData: spec(null, object({ key })),
  writePluginFile: spec(
    null,
    object({ name: fileName, data: either(string({ max: MAX_FILE_BYTES }), bytes({ max: MAX_BRIDGE_BINARY_BYTES })) }),
  ),
  readPluginFile: spec(null, object({ name: fileName })),
  listPluginFiles: spec(null, object({})),
  deletePluginFile: spec(null, object({ name: fileName })),
  getStorageUsage: spec(null, object({})),
  emit: spec("session.write", object({ name: customEventName, data: json() })),
  setBadge: spec("ui.panel", object({ panelId: id, badge: nullable(either(string({ max: 16 }), number())) })),
  setLabels: spec(
    "ui.panel",
    object({
      labels: arrayOf(
        object({
          id,
          text: string({ max: 200 }),
          href: optional(string({ min: 1, max: 2048 })),
          tooltip: optional(string({ max: 500 })),
        }),
        { max: 20 },
      ),
    }),
  ),
  setActionEnabled: spec("ui.panel", object({ actionId: id, enabled: boolean() })),
  openPanel: spec("ui.panel", object({ panelId: id })),
  listFiles: spec("fs.read", object({ path: optional(path) })),
  readFile: spec("fs.read", object({ path })),
  writeFile: spec("fs.write", object({ path, content: string({ max: MAX_FILE_BYTES }) })),
  "kv.sync": spec(null, object({ stateVector: bytes({ max: 1024 * 1024 }) })),
  "kv.update": spec(null, object({ update: bytes({ max: 1024 * 1024 }) })),
  reportError: spec(
    null,
    object({
      message: string({ max: MAX_ERROR_MESSAGE }),
      stack: optional(string({ max: MAX_ERROR_STACK })),
      starting: optional(boolean()),
    }),
  ),
  pong: spec(null, object({ n: integer({ min: 0, max: Number.MAX_SAFE_INTEGER }) })),
} as const;

/** Every bridge method name. */
export type BridgeMethod = keyof typeof METHOD_SPECS;

/** The parameters object of each method. */
export type BridgeMethodParams = { [M in BridgeMethod]: Infer<(typeof METHOD_SPECS)[M]["params"]> };

/** What each method's successful response carries as `result`. */
export interface BridgeMethodResults {
  getSession: SessionInfo;
  getPlugin: RegisteredPlugin;
  getLayout: WorkspaceLayout;
  getUsers: Participant[];
  getShells: ShellInfo[];
  getShellOutput: string;
  writeToShell: null;
  getChat: ChatMessage[];
  sendChat: null;
  getAgentActivity: AgentActivity[];
  showToast: null;
  getSecret: string | null;
  getSetting: JsonValue | null;
  getSettings: JsonRecord;
  setSetting: null;
  setPluginData: null;
  getPluginData: JsonValue | null;
  getAllPluginData: JsonRecord;
  deletePluginData: null;
  getOtherPluginData: JsonValue | null;
  getPluginDataUsage: QuotaUsage;
  setUserData: null;
  getUserData: JsonValue | null;
  listUserData: JsonRecord;
  deleteUserData: null;
  writePluginFile: null;
  readPluginFile: Uint8Array;
  listPluginFiles: PluginFileInfo[];
  deletePluginFile: null;
  getStorageUsage: StorageUsage;
  emit: null;
  setBadge: null;
  setLabels: null;
  setActionEnabled: null;
  openPanel: null;
  listFiles: FileEntry[];
  readFile: string;
  writeFile: null;
  "kv.sync": { update: Uint8Array };
  "kv.update": null;
  reportError: null;
  pong: null;
}

/** One method's entry in {@link BRIDGE_METHODS}. */
export interface MethodSpec {
  /** The permission a plugin needs to call it; `null` when none. */
  readonly permission: Permission | null;
  /** Validates its parameters object. */
  readonly params: Schema<unknown>;
}

/** The result type of one method (for handler tables typed per method). */
export type BridgeMethodResult<M extends BridgeMethod> = BridgeMethodResults[M];

/** The method table: name → permission and parameter schema. Own entries only. */
export const BRIDGE_METHODS: ReadonlyMap<string, MethodSpec> = new Map<string, MethodSpec>(
  Object.entries(METHOD_SPECS),
);

/** True when `name` is a bridge method. */
export function isBridgeMethod(name: unknown): name is BridgeMethod {
  return typeof name === "string" && BRIDGE_METHODS.has(name);
}

/**
 * The permission `method` needs: a {@link Permission}, `null` when it needs
 * none, or `undefined` when there is no such method.
 */
export function requiredPermission(method: string): Permission | null | undefined {
  return BRIDGE_METHODS.get(method)?.permission;
}

/** Checks `params` against `method`'s schema; returns a reason or `undefined`. */
export function checkMethodParams(method: BridgeMethod, params: { readonly [key: string]: BridgeValue }): string | undefined {
  const found = BRIDGE_METHODS.get(method);
  if (found === undefined) return `no method ${JSON.stringify(method)}`;
  return found.params.check(params, "params");
}
