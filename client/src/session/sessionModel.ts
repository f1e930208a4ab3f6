/**
 * The in-memory session state the UI renders and the bridge answers from:
 * Solid signals mirroring the session document `sessions/<sid>` (members and
 * plugins, activity and shells written by the server; chat by clients, each
 * entry kept by the relay only under its sender's id and name; layout by
 * clients) and the awareness states of the participants (whose user id and
 * name the relay sets).
 *
 * Document layout: `members` Y.Map userId → { name, … }; `plugins` Y.Map
 * pluginId → { … }; `chat` Y.Array of {@link ChatMessage}; `layout` Y.Map;
 * `activity` Y.Array of {@link ActivityEntry}; `shells` Y.Map shellId →
 * {@link ShellInfo}; `lifecycle` Y.Map (server-written) with `ended`:
 * {@link SessionEnd} once the owner ended the session.
 */
import type { AgentActivity, ChatMessage, SessionShell as ShellInfo } from "@taiku/engine";
import * as Y from "yjs";
import type { Awareness } from "y-protocols/awareness";
import { createSignal, type Accessor } from "solid-js";

/** Chat messages have the shape the bridge hands to plugins; shells carry internal ids (the bridge maps them to numbers). */
export type { ChatMessage, ShellInfo };

/** One entry of the agent activity feed (the bridge's `AgentActivity`). */
export type ActivityEntry = AgentActivity;

/** A connected participant, from awareness. */
export interface Participant {
  readonly clientId: number;
  readonly userId: string;
  readonly name: string;
  readonly colour: string;
  readonly idle: boolean;
  /** True for this client's own state. */
  readonly self: boolean;
}

/** A member of the session (server-written). */
export interface Member {
  readonly userId: string;
  readonly name: string;
}

/** When and by whom the session was ended. */
export interface SessionEnd {
  /** Milliseconds since the epoch. */
  readonly at: number;
  /** The owner's user id. */
  readonly by: string;
}

/** The reactive session state. */
export interface SessionModel {
  /** Set once the owner has ended the session (the server writes it). */
  readonly ended: Accessor<SessionEnd | undefined>;
  readonly members: Accessor<readonly Member[]>;
  /** Ids of the session-managed plugins. */
  readonly managedPlugins: Accessor<readonly string[]>;
  readonly chat: Accessor<readonly ChatMessage[]>;
  readonly activity: Accessor<readonly ActivityEntry[]>;
  readonly shells: Accessor<readonly ShellInfo[]>;
  readonly layout: Accessor<Readonly<Record<string, unknown>>>;
  readonly participants: Accessor<readonly Participant[]>;
  /** Stops observing. */
  dispose(): void;
}

function record(value: unknown): Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
}

function text(value: unknown, fallback = ""): string {
  return typeof value === "string" ? value : typeof value === "number" ? String(value) : fallback;
}

function readMembers(map: Y.Map<unknown>): Member[] {
  return [...map.entries()].map(([userId, value]) => ({ userId, name: text(record(value).name, userId) }));
}

function readEnded(map: Y.Map<unknown>): SessionEnd | undefined {
  if (!map.has("ended")) return undefined;
  const r = record(map.get("ended"));
  return { at: Number(r.at) || 0, by: text(r.by) };
}

function readChat(array: Y.Array<unknown>): ChatMessage[] {
  return array.toArray().map((raw) => {
    const r = record(raw);
    return { id: text(r.id), userId: text(r.userId), name: text(r.name), text: text(r.text), ts: Number(r.ts) || 0 };
  });
}

function readActivity(array: Y.Array<unknown>): ActivityEntry[] {
  return array.toArray().map((raw) => {
    const r = record(raw);
    const poster = record(r.poster);
    return {
      id: text(r.id),
      actor: text(r.actor),
      kind: text(r.kind),
      text: text(r.text),
      ts: Number(r.ts) || 0,
      poster: typeof poster.userId === "string" ? { userId: poster.userId, name: text(poster.name, poster.userId) } : null,
    };
  });
}

/** A shell without a status is running; one with a status other than the protocol's has ended. */
function shellStatus(value: unknown): ShellInfo["status"] {
  const status = text(value, "running");
  return status === "running" || status === "closed" ? status : "exited";
}

function readShells(map: Y.Map<unknown>): ShellInfo[] {
  return [...map.entries()].map(([id, raw]) => {
    const r = record(raw);
    const shell = { id, title: text(r.title, id), cwd: text(r.cwd), host: text(r.host), status: shellStatus(r.status) };
    return Number.isSafeInteger(r.number) && (r.number as number) > 0 ? { ...shell, number: r.number as number } : shell;
  });
}

function readParticipants(awareness: Awareness): Participant[] {
  const list: Participant[] = [];
  for (const [clientId, state] of awareness.getStates()) {
    const user = record(record(state).user);
    if (typeof user.userId !== "string") continue;
    list.push({
      clientId,
      userId: user.userId,
      name: text(user.name, user.userId),
      colour: /^#[0-9a-fA-F]{6}$/.test(text(user.colour)) ? text(user.colour) : "#a1a1aa",
      idle: record(state).idle === true,
      self: clientId === awareness.clientID,
    });
  }
  return list.sort((a, b) => a.name.localeCompare(b.name));
}

/** Mirrors `doc` and `awareness` into signals until disposed. */
export function createSessionModel(doc: Y.Doc, awareness: Awareness): SessionModel {
  const membersMap = doc.getMap<unknown>("members");
  const pluginsMap = doc.getMap<unknown>("plugins");
  const chatArray = doc.getArray<unknown>("chat");
  const activityArray = doc.getArray<unknown>("activity");
  const shellsMap = doc.getMap<unknown>("shells");
  const layoutMap = doc.getMap<unknown>("layout");
  const lifecycleMap = doc.getMap<unknown>("lifecycle");

  const [members, setMembers] = createSignal(readMembers(membersMap));
  const [managedPlugins, setManagedPlugins] = createSignal<readonly string[]>([...pluginsMap.keys()]);
  const [chat, setChat] = createSignal(readChat(chatArray));
  const [activity, setActivity] = createSignal(readActivity(activityArray));
  const [shells, setShells] = createSignal(readShells(shellsMap));
  const [layout, setLayout] = createSignal<Readonly<Record<string, unknown>>>(layoutMap.toJSON());
  const [participants, setParticipants] = createSignal(readParticipants(awareness));
  const [ended, setEnded] = createSignal(readEnded(lifecycleMap));

  const observers: [Y.Map<unknown> | Y.Array<unknown>, () => void][] = [
    [membersMap, () => setMembers(readMembers(membersMap))],
    [pluginsMap, () => setManagedPlugins([...pluginsMap.keys()])],
    [chatArray, () => setChat(readChat(chatArray))],
    [activityArray, () => setActivity(readActivity(activityArray))],
    [shellsMap, () => setShells(readShells(shellsMap))],
    [layoutMap, () => setLayout(layoutMap.toJSON())],
    [lifecycleMap, () => setEnded(readEnded(lifecycleMap))],
  ];
  for (const [type, observer] of observers) type.observeDeep(observer);
  const onAwareness = (): void => {
    setParticipants(readParticipants(awareness));
  };
  awareness.on("change", onAwareness);

  return {
    ended,
    members,
    managedPlugins,
    chat,
    activity,
    shells,
    layout,
    participants,
    dispose() {
      for (const [type, observer] of observers) type.unobserveDeep(observer);
      awareness.off("change", onAwareness);
    },
  };
}
