/**
 * What `MockHost` answers with: the `data` option of its constructor, filled
 * in with small, plausible defaults for everything not given. The state is
 * mutable, so a test sees the effect of a plugin's writes (`sendChat`
 * appends to `chat`, `setUserData` writes `userData`, …).
 */
import { DEFAULT_PLUGIN_FILE_LIMITS } from "@taiku/engine";
import type {
  AgentActivity,
  ChatMessage,
  JsonRecord,
  JsonValue,
  Participant,
  Permission,
  PluginFileLimits,
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
  /** The shared shells; `id` is the shell's number, as plugins see it. */
  readonly shells?: readonly ShellInfo[];
  /** Buffered output of each shell, by shell number. */
  readonly shellOutput?: Readonly<Record<number, string>>;
  /** Chat messages, oldest first. */
  readonly chat?: readonly ChatMessage[];
  /** Agent activity, oldest first. */
  readonly agentActivity?: readonly AgentActivity[];
  /** This plugin's local secrets. */
  readonly secrets?: Readonly<Record<string, string>>;
  /**
   * Values stored for this plugin's local settings, as if the user or
   * `setSetting` had stored them; declared settings without one read as
   * their manifest default (see `MockHostOptions.manifest`).
   */
  readonly settings?: JsonRecord;
  /** Initial entries of this plugin's session KV. */
  readonly pluginData?: JsonRecord;
  /** Other plugins' session KV entries, by plugin id (readable with `kv.read`). */
  readonly otherPluginData?: Readonly<Record<string, JsonRecord>>;
  /** The current user's data for this plugin. */
  readonly userData?: JsonRecord;
  /** The current user's files for this plugin. */
  readonly files?: Readonly<Record<string, string | Uint8Array>>;
  /** The server's limits on this plugin's files; {@link DEFAULT_PLUGIN_FILE_LIMITS} when omitted. */
  readonly fileLimits?: Partial<PluginFileLimits>;
  /**
   * Text files of the session's working directory, by relative path; `null`
   * for a session where no host shares its files (`fs` calls are then
   * `unavailable`, as in a session without `taiku share --fs`).
   */
  readonly workspace?: Readonly<Record<string, string>> | null;
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
  /** Buffered output by shell number. */
  shellOutput: Map<number, string>;
  /** Everything written to each shell with `writeToShell`, by shell number. */
  shellInput: Map<number, string>;
  /** Chat messages, oldest first; `sendChat` appends. */
  chat: ChatMessage[];
  /** Agent activity, oldest first. */
  agentActivity: AgentActivity[];
  /** Local secrets by name. */
  secrets: Map<string, string>;
  /** Stored local setting values by key (declared or not; defaults are not stored); `setSetting` writes. */
  settings: Map<string, JsonValue>;
  /** Other plugins' session KV, by plugin id then key. */
  otherPluginData: Map<string, Map<string, JsonValue>>;
  /** The current user's data; `setUserData` writes. */
  userData: Map<string, JsonValue>;
  /** The current user's files; `writePluginFile` writes. */
  files: Map<string, Uint8Array>;
  /** The limits file writes are judged against. */
  fileLimits: PluginFileLimits;
  /** Files of the session's working directory by relative path (`writeFile` writes); `null` when no host shares them. */
  workspace: Map<string, string> | null;
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

/** The plugin as its host registered it: its own entry of `getSession().plugins` (what `getPlugin()` answers) and its screen's theme. */
export interface MockSelf {
  /** Its display name (the manifest's `name`). */
  readonly name: string;
  /** The permissions it was granted. */
  readonly permissions: readonly Permission[];
  /** The theme sent in `taiku:init`, and the default layout's. */
  readonly theme: Theme;
}

/** Builds the state for a host from its options and the plugin's own registration. */
export function createMockState(
  sessionId: SessionId,
  pluginId: PluginId,
  data: MockData = {},
  registration: MockSelf = { name: pluginId, permissions: [], theme: "dark" },
): MockState {
  const { theme } = registration;
  const self: RegisteredPlugin = {
    id: pluginId,
    name: registration.name,
    version: "0.0.0",
    permissions: [...registration.permissions],
    source: "local",
    serverManaged: false,
  };
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
    shells: [...(data.shells ?? [{ id: 1, title: "bash", cwd: "/work", host: "localhost", status: "running" }])],
    shellOutput: new Map(Object.entries(data.shellOutput ?? { 1: "$ echo ready\nready\n" }).map(([number, text]) => [Number(number), text])),
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
    fileLimits: { ...DEFAULT_PLUGIN_FILE_LIMITS, ...data.fileLimits },
    workspace: data.workspace === null ? null : new Map(Object.entries(data.workspace ?? { "README.md": "# Test workspace\n" })),
    toasts: [],
    badges: new Map(),
    labels: [],
    actionsEnabled: new Map(),
    openedPanels: [],
    emitted: [],
  };
}
