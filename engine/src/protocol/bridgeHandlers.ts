/**
 * The bridge's one handler table: for every method of the protocol
 * (`bridgeMethods.ts`) the rule a plugin observes, over {@link BridgeServices}.
 * The table's type is a mapped type over `BridgeMethod`, so a method without
 * a handler fails the build. Both hosts (the client's bridge host and
 * `MockHost`) run it through `createBridgeServer`, so they answer alike.
 * Handlers run after `admitRequest` checked the permission and parameters.
 *
 * Shell ids: plugins speak shell numbers (`ShellInfo.id`); the table maps a
 * number to the internal id before it reaches a service, and a number no
 * shell carries is `not_found`. Shells the server has not numbered yet are
 * not listed.
 */
import * as Y from "yjs";
import { ErrorCode, TaikuError } from "../errors";
import { toJsonText, utf8Length } from "../kv/jsonBytes";
import { customEventType } from "./bridgeEvents";
import {
  BridgeDetailedError,
  DEFAULT_LIST_LENGTH,
  judgeFileWrite,
  fileRefusalError,
  MAX_PLUGIN_STATE_BYTES,
  OTHER_KV_SYNC_WAIT_MS,
} from "./bridgeLimits";
import type { BridgeMethod, BridgeMethodParams, BridgeMethodResults } from "./bridgeMethods";
import type { BridgeCaller, BridgeServices } from "./bridgeServices";
import type { JsonRecord, Participant, RegisteredPlugin, SessionShell, ShellInfo } from "./bridgeTypes";
import { FORBIDDEN_KEYS, type JsonValue } from "./bridgeValue";
import type { PluginSettingSpec } from "../manifest/manifestTypes";

/** What a handler gets besides its parameters. */
export interface HandlerContext {
  readonly services: BridgeServices;
  readonly caller: BridgeCaller;
}

/** Runs one admitted call; throws a `TaikuError` for a failure the plugin should see. */
export type BridgeHandler<M extends BridgeMethod> = (
  params: BridgeMethodParams[M],
  context: HandlerContext,
) => BridgeMethodResults[M] | Promise<BridgeMethodResults[M]>;

/** One handler per method; a missing method is a type error. */
export type BridgeHandlerTable = { readonly [M in BridgeMethod]: BridgeHandler<M> };

/** A numbered shell as plugins see it. */
export function pluginShell(shell: SessionShell & { readonly number: number }): ShellInfo {
  return { id: shell.number, title: shell.title, cwd: shell.cwd, host: shell.host, status: shell.status };
}

/** The shell numbered `number`, or `not_found`. */
function shellByNumber(services: BridgeServices, number: number): SessionShell {
  const shell = services.shells().find((candidate) => candidate.number === number);
  if (shell === undefined) throw new TaikuError(ErrorCode.NotFound, `no shell ${number} in this session`);
  return shell;
}

function requireDeclared(kind: "panel" | "action", declared: boolean, id: string): void {
  if (!declared) throw new TaikuError(ErrorCode.NotFound, `the manifest declares no ${kind} ${id}`);
}

/** Why `value` does not fit the declared setting `spec`, or `undefined`. */
function settingProblem(spec: PluginSettingSpec, value: JsonValue): string | undefined {
  switch (spec.type) {
    case "string":
      return typeof value === "string" ? undefined : `setting ${spec.key} is a string`;
    case "number":
      return typeof value === "number" ? undefined : `setting ${spec.key} is a number`;
    case "boolean":
      return typeof value === "boolean" ? undefined : `setting ${spec.key} is a boolean`;
    case "select":
      return typeof value === "string" && spec.options.includes(value)
        ? undefined
        : `setting ${spec.key} is one of ${spec.options.map((option) => JSON.stringify(option)).join(", ")}`;
  }
}

/** Bytes of undeclared plugin state: UTF-8 of each key plus its value's JSON. */
function stateBytes(entries: Iterable<[string, JsonValue]>): number {
  let total = 0;
  for (const [key, value] of entries) total += utf8Length(key) + utf8Length(toJsonText(value) ?? "null");
  return total;
}

/** Declared settings with their defaults, overlaid with stored values; then undeclared state. */
function allSettings(services: BridgeServices, caller: BridgeCaller): JsonRecord {
  const stored = services.storedSettings(caller.plugin.id);
  const settings = new Map<string, JsonValue>();
  for (const spec of caller.plugin.settings) {
    const value = Object.hasOwn(stored, spec.key) ? stored[spec.key] : undefined;
    settings.set(spec.key, value !== undefined && settingProblem(spec, value) === undefined ? value : spec.default);
  }
  for (const [key, value] of Object.entries(stored)) if (!settings.has(key) && !FORBIDDEN_KEYS.has(key)) settings.set(key, value);
  return Object.fromEntries(settings);
}

/** The last `count` items. */
function last<T>(items: readonly T[], count: number | undefined): T[] {
  return items.slice(Math.max(0, items.length - (count ?? DEFAULT_LIST_LENGTH)));
}

/** A copy of a registration, safe to hand to a plugin. */
function registration(plugin: RegisteredPlugin): RegisteredPlugin {
  return { ...plugin, permissions: [...plugin.permissions] };
}

const encoder = new TextEncoder();

/** The handler table. */
export const BRIDGE_HANDLERS: BridgeHandlerTable = {
  getSession: (_params, { services }) => {
    const info = services.session();
    return { sessionId: services.sessionId, title: info.title, ownerId: info.ownerId, plugins: info.plugins.map(registration) };
  },
  getPlugin: (_params, { services, caller }) => {
    const self = services.session().plugins.find((plugin) => plugin.id === caller.plugin.id);
    if (self === undefined) throw new TaikuError(ErrorCode.NotFound, `plugin ${caller.plugin.id} is no longer registered in this client`);
    return registration(self);
  },
  getLayout: (_params, { services }) => {
    const layout = services.layout();
    return { ...layout, panels: [...layout.panels] };
  },
  getUsers: (_params, { services }) => {
    const seen = new Map<string, Participant>();
    for (const p of services.participants()) if (!seen.has(p.userId)) seen.set(p.userId, { userId: p.userId, name: p.name, color: p.color });
    return [...seen.values()];
  },
  getShells: (_params, { services }) =>
    services.shells().flatMap((shell) => (shell.number === undefined ? [] : [pluginShell({ ...shell, number: shell.number })])),
  getShellOutput: ({ shellId, lines }, { services }) =>
    services.shellOutput(shellByNumber(services, shellId).id, lines ?? DEFAULT_LIST_LENGTH),
  writeToShell: ({ shellId, data }, { services }) => {
    services.writeToShell(shellByNumber(services, shellId).id, data);
    return null;
  },
  getChat: ({ limit }, { services }) => last(services.chat(), limit).map((message) => ({ ...message })),
  sendChat: ({ text }, { services }) => {
    services.sendChat(text);
    return null;
  },
  getAgentActivity: ({ limit }, { services }) => last(services.activity(), limit).map((entry) => ({ ...entry })),
  showToast: ({ message, kind }, { services, caller }) => {
    services.toast(caller.plugin.id, message, kind ?? "info");
    return null;
  },
  getSecret: ({ name }, { services, caller }) => services.secret(caller.plugin.id, name),
  getSetting: ({ key }, { services, caller }) => allSettings(services, caller)[key] ?? null,
  getSettings: (_params, { services, caller }) => allSettings(services, caller),
  setSetting: ({ key, value }, { services, caller }) => {
    if (FORBIDDEN_KEYS.has(key)) throw new TaikuError(ErrorCode.InvalidParams, `setSetting: ${JSON.stringify(key)} is not a usable key`);
    const spec = caller.plugin.settings.find((candidate) => candidate.key === key);
    if (spec !== undefined) {
      const problem = settingProblem(spec, value);
      if (problem !== undefined) throw new TaikuError(ErrorCode.InvalidParams, `setSetting: ${problem}`);
    } else {
      const declared = new Set(caller.plugin.settings.map((setting) => setting.key));
      const state = Object.entries(services.storedSettings(caller.plugin.id)).filter(([name]) => !declared.has(name) && name !== key);
      const used = stateBytes(state);
      const attempted = used + stateBytes([[key, value]]);
      if (attempted > MAX_PLUGIN_STATE_BYTES) {
        throw new BridgeDetailedError(
          ErrorCode.QuotaExceeded,
          `plugin state kept with setSetting would use ${attempted} bytes, over the limit of ${MAX_PLUGIN_STATE_BYTES}; nothing was stored`,
          { used, limit: MAX_PLUGIN_STATE_BYTES, attempted },
        );
      }
    }
    services.writeSetting(caller.plugin.id, key, value);
    return null;
  },
  setPluginData: ({ key, value }, { services, caller }) => {
    services.kv(caller.plugin.id).kv.set(key, value);
    return null;
  },
  getPluginData: ({ key }, { services, caller }) => services.kv(caller.plugin.id).kv.get(key) ?? null,
  getAllPluginData: (_params, { services, caller }) => Object.fromEntries(services.kv(caller.plugin.id).kv.entries()) as JsonRecord,
  deletePluginData: ({ key }, { services, caller }) => {
    services.kv(caller.plugin.id).kv.delete(key);
    return null;
  },
  getOtherPluginData: async ({ pluginId, key }, { services }) => {
    // Its document is opened on the first read: `null` before its first sync would only mean "not loaded yet".
    if (!(await services.otherKvSynced(pluginId, OTHER_KV_SYNC_WAIT_MS))) {
      throw new TaikuError(ErrorCode.Unavailable, `the session data of ${pluginId} has not synced within ${OTHER_KV_SYNC_WAIT_MS / 1000} s; try again`);
    }
    return (await services.otherPluginData(pluginId, key)) ?? null;
  },
  getPluginDataUsage: (_params, { services, caller }) => ({ ...services.kv(caller.plugin.id).usage() }),
  setUserData: async ({ key, value }, { services, caller }) => {
    await services.userKv.set(caller.plugin.id, key, value);
    return null;
  },
  getUserData: async ({ key }, { services, caller }) => (await services.userKv.get(caller.plugin.id, key)) ?? null,
  listUserData: async (_params, { services, caller }) => ({ ...(await services.userKv.list(caller.plugin.id)) }),
  deleteUserData: async ({ key }, { services, caller }) => {
    await services.userKv.delete(caller.plugin.id, key);
    return null;
  },
  writePluginFile: async ({ name, data }, { services, caller }) => {
    const bytes = typeof data === "string" ? encoder.encode(data) : data;
    const { files, limits } = await services.files.list(caller.plugin.id);
    const refusal = judgeFileWrite(files, name, bytes.byteLength, limits);
    if (refusal !== undefined) throw fileRefusalError(refusal);
    await services.files.write(caller.plugin.id, name, bytes);
    return null;
  },
  readPluginFile: async ({ name }, { services, caller }) => {
    const bytes = await services.files.read(caller.plugin.id, name);
    if (bytes === undefined) throw new TaikuError(ErrorCode.NotFound, `no file named ${JSON.stringify(name)}`);
    return bytes;
  },
  listPluginFiles: async (_params, { services, caller }) =>
    (await services.files.list(caller.plugin.id)).files.map(({ name, size }) => ({ name, size })),
  deletePluginFile: async ({ name }, { services, caller }) => {
    await services.files.delete(caller.plugin.id, name);
    return null;
  },
  getStorageUsage: async (_params, { services, caller }) => {
    const { files, limits } = await services.files.list(caller.plugin.id);
    return {
      totalBytes: files.reduce((sum, file) => sum + file.size, 0),
      fileCount: files.length,
      files: files.map(({ name, size }) => ({ name, size })),
      limits: { maxFileBytes: limits.maxFileBytes, maxTotalBytes: limits.maxTotalBytes, maxFiles: limits.maxFiles },
    };
  },
  emit: ({ name, data }, { services, caller }) => {
    services.publish(customEventType(caller.plugin.id, name), data);
    return null;
  },
  setBadge: ({ panelId, badge }, { services, caller }) => {
    requireDeclared("panel", caller.plugin.contributions.panels.some((panel) => panel.id === panelId), panelId);
    services.setBadge(caller.plugin.id, panelId, badge);
    return null;
  },
  setLabels: ({ labels }, { services, caller }) => {
    services.setLabels(caller.plugin.id, labels.map((label) => ({ ...label })));
    return null;
  },
  setActionEnabled: ({ actionId, enabled }, { services, caller }) => {
    requireDeclared("action", caller.plugin.contributions.actions.some((action) => action.id === actionId), actionId);
    services.setActionEnabled(caller.plugin.id, actionId, enabled);
    return null;
  },
  openPanel: ({ panelId }, { services, caller }) => {
    requireDeclared("panel", caller.plugin.contributions.panels.some((panel) => panel.id === panelId), panelId);
    services.openPanel(caller.plugin.id, panelId);
    return null;
  },
  listFiles: async ({ path }, { services }) => (await services.fs("list", path ?? "")) as unknown as BridgeMethodResults["listFiles"],
  readFile: async ({ path }, { services }) => (await services.fs("read", path)) as string,
  writeFile: async ({ path, content }, { services }) => {
    await services.fs("write", path, content);
    return null;
  },
  "kv.sync": ({ stateVector }, { services, caller }) => {
    const { kv } = services.kv(caller.plugin.id);
    try {
      Y.decodeStateVector(stateVector);
    } catch (cause) {
      throw new TaikuError(ErrorCode.InvalidParams, `kv.sync: params.stateVector is not a Yjs state vector (${cause instanceof Error ? cause.message : String(cause)})`);
    }
    caller.startKvForwarding();
    return { update: Y.encodeStateAsUpdate(kv.doc, stateVector) };
  },
  "kv.update": ({ update }, { services, caller }) => {
    services.kv(caller.plugin.id).applyPluginUpdate(update, caller.frame);
    return null;
  },
  reportError: ({ message, stack, starting }, { caller }) => {
    caller.reportError(stack === undefined ? { message } : { message, stack }, starting === true);
    return null;
  },
  pong: ({ n }, { caller }) => {
    caller.pong(n);
    return null;
  },
};
