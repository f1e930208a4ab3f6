/**
 * What `MockHost` answers with: the `data` option of its constructor, filled
 * in with small, plausible defaults for everything not given. The state is
 * mutable, so a test sees the effect of a plugin's writes (`sendChat`
 * appends to `chat`, `setUserData` writes `userData`, …).
 */
import type {
  AgentActivity,
  ChatMessage,
  JsonRecord,
  JsonValue,
  Participant,
  Permission,
  PluginId,
  RegisteredPlugin,
  SessionId,
  SessionInfo,
  ShellInfo,
  StatusLabel,
  Theme,
  WorkspaceLayout,
} from "@taiku/engine";

/** Data a `MockHost` starts with; every field is optional. */
export interface MockData {
  /** Session title and owner (`sessionId` comes from the host's options). */
  readonly session?: { readonly title?: string; readonly ownerId?: string; readonly plugins?: SessionInfo["plugins"] };
  /** The participants; the first one is the current user. */
  readonly users?: readonly Participant[];
  /** The shared shells. */
  readonly shells?: readonly ShellInfo[];
  /** Buffered output of each shell, by shell id. */
  readonly shellOutput?: Readonly<Record<string, string>>;
  /** Chat messages, oldest first. */
  readonly chat?: readonly ChatMessage[];
  /** Agent activity, oldest first. */
  readonly agentActivity?: readonly AgentActivity[];
  /** This plugin's local secrets. */
  readonly secrets?: Readonly<Record<string, string>>;
  /** This plugin's local settings (as if defaults from the manifest). */
  readonly settings?: JsonRecord;
  /** Initial entries of this plugin's session KV. */
  readonly pluginData?: JsonRecord;
  /** Other plugins' session KV entries, by plugin id (readable with `kv.read`). */
  readonly otherPluginData?: Readonly<Record<string, JsonRecord>>;
  /** The current user's data for this plugin. */
  readonly userData?: JsonRecord;
  /** The current user's files for this plugin. */
  readonly files?: Readonly<Record<string, string | Uint8Array>>;
  /** Text files of the session's working directory, by relative path. */
  readonly workspace?: Readonly<Record<string, string>>;
  /** What `getLayout()` answers; the built-in tools and one panel of the plugin, side bars shown, by default. */
  readonly layout?: WorkspaceLayout;
}

/** The mutable state behind a `MockHost`; tests may read and change it. */
export interface MockState {
  /** The session's id. */
  readonly sessionId: SessionId;
  /** The plugin's id. */
  readonly pluginId: PluginId;
  /** What `getSession()` answers; `getPlugin()` answers the plugin's own entry of its `plugins`. */
  session: SessionInfo;
  /** What `getLayout()` answers. */
  layout: WorkspaceLayout;
  /** The participants; the first is the current user (author of `sendChat`). */
  users: Participant[];
  /** The shared shells. */
  shells: ShellInfo[];
  /** Buffered output by shell id. */
  shellOutput: Map<string, string>;
  /** Everything written to each shell with `writeToShell`. */
  shellInput: Map<string, string>;
  /** Chat messages, oldest first; `sendChat` appends. */
  chat: ChatMessage[];
  /** Agent activity, oldest first. */
  agentActivity: AgentActivity[];
  /** Local secrets by name. */
  secrets: Map<string, string>;
  /** Local settings by key; `setSetting` writes. */
  settings: Map<string, JsonValue>;
  /** Other plugins' session KV, by plugin id then key. */
  otherPluginData: Map<string, Map<string, JsonValue>>;
  /** The current user's data; `setUserData` writes. */
  userData: Map<string, JsonValue>;
  /** The current user's files; `writePluginFile` writes. */
  files: Map<string, Uint8Array>;
  /** Files of the session's working directory by relative path; `writeFile` writes. */
  workspace: Map<string, string>;
  /** Toasts shown, oldest first. */
  toasts: { message: string; kind: string }[];
  /** Badges by panel id. */
  badges: Map<string, string | number | null>;
  /** The current status labels. */
  labels: StatusLabel[];
  /** Palette actions' enablement by action id. */
  actionsEnabled: Map<string, boolean>;
  /** Panels the plugin asked to open, in order. */
  openedPanels: string[];
  /** Custom events the plugin emitted, in order. */
  emitted: { name: string; data: JsonValue }[];
}

const encoder = new TextEncoder();

/** Builds the state for a host from its options (`permissions` and `theme` describe the plugin's own registration and screen). */
export function createMockState(
  sessionId: SessionId,
  pluginId: PluginId,
  data: MockData = {},
  permissions: readonly Permission[] = [],
  theme: Theme = "dark",
): MockState {
  const self: RegisteredPlugin = { id: pluginId, name: pluginId, version: "0.0.0", permissions: [...permissions], source: "local", serverManaged: false };
  const users = [...(data.users ?? [
    { userId: "user-1", name: "Owner", color: "#4f9dff" },
    { userId: "user-2", name: "Guest", color: "#f5a524" },
  ])];
  return {
    sessionId,
    pluginId,
    session: {
      sessionId,
      title: data.session?.title ?? "Test session",
      ownerId: data.session?.ownerId ?? users[0]?.userId ?? "user-1",
      plugins: [...(data.session?.plugins ?? [self])],
    },
    layout: data.layout ?? { panels: ["shells", "files", "git", `${pluginId}/main`], openPanel: "shells", sidebars: true, theme },
    users,
    shells: [...(data.shells ?? [{ id: "shell-1", title: "bash", cwd: "/work", host: "localhost", status: "running" }])],
    shellOutput: new Map(Object.entries(data.shellOutput ?? { "shell-1": "$ echo ready\nready\n" })),
    shellInput: new Map(),
    chat: [...(data.chat ?? [])],
    agentActivity: [...(data.agentActivity ?? [])],
    secrets: new Map(Object.entries(data.secrets ?? {})),
    settings: new Map(Object.entries(data.settings ?? {})),
    otherPluginData: new Map(
      Object.entries(data.otherPluginData ?? {}).map(([id, entries]) => [id, new Map(Object.entries(entries))]),
    ),
    userData: new Map(Object.entries(data.userData ?? {})),
    files: new Map(
      Object.entries(data.files ?? {}).map(([name, content]) => [
        name,
        typeof content === "string" ? encoder.encode(content) : new Uint8Array(content),
      ]),
    ),
    workspace: new Map(Object.entries(data.workspace ?? { "README.md": "# Test workspace\n" })),
    toasts: [],
    badges: new Map(),
    labels: [],
    actionsEnabled: new Map(),
    openedPanels: [],
    emitted: [],
  };
}
