/**
 * Which permissions a plugin needs to receive each event type, and the data
 * each built-in event carries. Session events need `events.subscribe` plus
 * the permission of what they reveal: `shell:data` needs `terminal.read`;
 * `shell:open`, `shell:exit`, `user:join`, `user:leave`, `chat:message`,
 * `agent:activity`, `layout:change` and custom `plugin:<pluginId>:<name>`
 * events need `session.read`. Events about the plugin itself (`kv:change`, `kv:rejected`
 * and `kv:update` of its own session KV, `action:run` for its own palette
 * actions, `theme:change`) need no permission, and neither does the host's
 * liveness probe `host:ping`, which the SDK answers with a `pong` request
 * carrying the same `n`. Any other type is never delivered.
 */
import type { KvRejection } from "../arbiter/kvRejection";
import type { AgentActivity, ChatMessage, Participant, ShellInfo, WorkspaceLayout } from "./bridgeTypes";
import type { Theme } from "./bridgeMessage";
import type { Permission } from "./permission";
import { isPluginEventType, type SessionEventMap } from "./sessionEvents";

/** The data of each built-in event type. Custom `plugin:<id>:<name>` events carry any JSON. */
export interface TaikuEventMap {
  /** Output from a shell (`shellId` is its number, `ShellInfo.id`). Plugins get new output only, never the relay's replay. */
  "shell:data": { shellId: number; data: string };
  /** A shell was shared into the session. */
  "shell:open": ShellInfo;
  /** A shell ended; `code` is its exit code when known. */
  "shell:exit": { shellId: number; code: number | null };
  /** A participant connected. */
  "user:join": Participant;
  /** A participant left (closed their last connection to the session). */
  "user:leave": SessionEventMap["user:leave"];
  /** A chat message was sent. */
  "chat:message": ChatMessage;
  /** An agent did something. */
  "agent:activity": AgentActivity;
  /** Keys of the plugin's own session KV changed (locally or remotely). */
  "kv:change": { keys: string[] };
  /**
   * The host or the relay undid an update of the plugin's own session KV that went over the quota (the undo has
   * reached the plugin's `sharedDoc()` replica by then): the keys and root types reverted, live bytes before it,
   * the quota, and the live bytes it would have produced.
   */
  "kv:rejected": KvRejection;
  /** A Yjs update of the plugin's own session KV document, for `sharedDoc()`. */
  "kv:update": { update: Uint8Array };
  /** The user ran one of the plugin's palette actions. */
  "action:run": { actionId: string };
  /** The workspace on this participant's screen changed (a tab opened, the side bars shown or hidden, the theme). */
  "layout:change": WorkspaceLayout;
  /** The host's colour scheme changed. */
  "theme:change": { theme: Theme };
  /** The host asks whether the plugin's thread is alive; the SDK answers `pong { n }` with the same `n`. */
  "host:ping": { n: number };
}

const SELF: readonly Permission[] = [];
const SESSION: readonly Permission[] = ["events.subscribe", "session.read"];

const EVENT_PERMISSIONS: ReadonlyMap<string, readonly Permission[]> = new Map<string, readonly Permission[]>([
  ["shell:data", ["events.subscribe", "terminal.read"]],
  ["shell:open", SESSION],
  ["shell:exit", SESSION],
  ["user:join", SESSION],
  ["user:leave", SESSION],
  ["chat:message", SESSION],
  ["agent:activity", SESSION],
  ["layout:change", SESSION],
  ["kv:change", SELF],
  ["kv:rejected", SELF],
  ["kv:update", SELF],
  ["action:run", SELF],
  ["theme:change", SELF],
  ["host:ping", SELF],
]);

/** The name of a custom event emitted by `pluginId` with `emit(name, data)`. */
export function customEventType(pluginId: string, name: string): string {
  return `plugin:${pluginId}:${name}`;
}

/**
 * Every permission a plugin needs to receive events of `type`, or
 * `undefined` when the type is not deliverable to plugins.
 */
export function eventPermissions(type: string): readonly Permission[] | undefined {
  const known = EVENT_PERMISSIONS.get(type);
  if (known !== undefined) return known;
  return isPluginEventType(type) ? SESSION : undefined;
}

/** True when a plugin holding `granted` may receive an event of `type`. */
export function mayReceiveEvent(type: string, granted: ReadonlySet<Permission>): boolean {
  const needed = eventPermissions(type);
  return needed !== undefined && needed.every((permission) => granted.has(permission));
}
