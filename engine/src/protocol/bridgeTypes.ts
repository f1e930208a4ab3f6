/**
 * The data shapes that bridge methods return and events carry. They are
 * plain JSON (plus `Uint8Array` where noted) so they survive structured
 * clone over a `MessagePort` unchanged.
 */
import type { Theme } from "./bridgeMessage";
import type { JsonValue } from "./bridgeValue";
import type { Permission } from "./permission";

/**
 * A plugin registered in this client, as `getPlugin()` answers for the
 * caller and `getSession()` lists every one. Its fields come from the
 * plugin's package (`name`, `version`, `description`) and manifest
 * (`permissions`); `serverManaged` says whether the session's owner enabled
 * it for everyone (it was loaded without this user choosing it, and is
 * unloaded when the session ends).
 */
export interface RegisteredPlugin {
  /** The plugin's id. */
  readonly id: string;
  /** Its display name. */
  readonly name: string;
  /** Its package's `version`, or `""` when the package has none. */
  readonly version: string;
  /** What it is for, from its package's `description`, when there is one. */
  readonly description?: string;
  /** The permissions its manifest requests, all granted while it runs. */
  readonly permissions: readonly Permission[];
  /** Where the server found it: `bundled` with taiku or `local` under `TAIKU_DATA_DIR/plugins`. */
  readonly source: string;
  /** True when the session owner enabled it for the session (every client loads it). */
  readonly serverManaged: boolean;
}

/** A plugin known to this client, as `getSession()` lists it (the same object as {@link RegisteredPlugin}). */
export type PluginSummary = RegisteredPlugin;

/**
 * The workspace as this participant's screen shows it, as `getLayout()`
 * answers and `layout:change` carries: the tabs in their order, the open one,
 * whether the side bars (participants, chat and activity) are shown, and the
 * colour scheme. Panels are named `shells`, `files` and `git` (the host's
 * own tools, always first) or `<pluginId>/<panelId>`.
 */
export interface WorkspaceLayout {
  /** Every tab, in the order shown. */
  readonly panels: readonly string[];
  /** The tab shown. */
  readonly openPanel: string;
  /** Whether the participants and chat side bars are shown next to the tabs (false on a narrow screen). */
  readonly sidebars: boolean;
  /** The host's colour scheme. */
  readonly theme: Theme;
}

/** What `getSession()` returns. */
export interface SessionInfo {
  /** The session's id. */
  readonly sessionId: string;
  /** The session's title. */
  readonly title: string;
  /** The user who owns the session. */
  readonly ownerId: string;
  /** Plugins registered in this client. */
  readonly plugins: readonly RegisteredPlugin[];
}

/** A participant, as `getUsers()` lists them and `user:join` carries. */
export interface Participant {
  /** The user's id. */
  readonly userId: string;
  /** Display name. */
  readonly name: string;
  /** A CSS colour identifying the user. */
  readonly color: string;
}

/**
 * A shared shell, as `getShells()` lists it and `shell:open` carries. Its
 * `id` is the shell's number in the session: assigned by the server when
 * the shell is first shared (1, 2, 3, … in order), the same for every
 * participant and kept for the session's lifetime, restarts included.
 */
export interface ShellInfo {
  /** The shell's number in the session. */
  readonly id: number;
  /** Its title. */
  readonly title: string;
  /** Working directory where the shell started. */
  readonly cwd: string;
  /** The machine the shell runs on. */
  readonly host: string;
  /** Whether the shell runs, exited on its own, or was closed because its host left. */
  readonly status: "running" | "exited" | "closed";
}

/**
 * A shell as the session document's `shells` map holds it, inside taiku:
 * `id` is the internal string id the CLI and relay use, `number` the
 * plugin-facing {@link ShellInfo.id} (absent only on entries written before
 * shells were numbered). Plugins never see this shape.
 */
export interface SessionShell {
  /** The internal shell id (`<tokenId>.<…>`). */
  readonly id: string;
  /** The shell's number in the session, once the server assigned one. */
  readonly number?: number;
  /** Its title. */
  readonly title: string;
  /** Working directory where the shell started. */
  readonly cwd: string;
  /** The machine the shell runs on. */
  readonly host: string;
  /** Whether the shell runs, exited on its own, or was closed because its host left. */
  readonly status: "running" | "exited" | "closed";
}

/** One chat message, as `getChat()` lists it and `chat:message` carries. */
export interface ChatMessage {
  /** The message's id. */
  readonly id: string;
  /** The author's user id. */
  readonly userId: string;
  /** The author's display name at the time. */
  readonly name: string;
  /** The text. */
  readonly text: string;
  /** Milliseconds since the epoch. */
  readonly ts: number;
}

/** One agent activity entry, as `getAgentActivity()` lists it and `agent:activity` carries. */
export interface AgentActivity {
  /** The entry's id. */
  readonly id: string;
  /** Who acted (an agent's or a person's display name), as the poster named it. */
  readonly actor: string;
  /**
   * The member who posted the entry, as the server verified them (the actor
   * is only what they claim); `null` for entries recorded before posters
   * were. Always set on entries a plugin receives from taiku; optional so
   * that entries built by hand (a test's `MockHost`) need not name one.
   */
  readonly poster?: { readonly userId: string; readonly name: string } | null;
  /** What kind of activity this is (free-form, e.g. "edit", "run", "note"). */
  readonly kind: string;
  /** What it did, in a sentence. */
  readonly text: string;
  /** Milliseconds since the epoch. */
  readonly ts: number;
}

/** Live bytes used by a plugin's session KV and its quota. */
export interface QuotaUsage {
  /** Live bytes in use. */
  readonly used: number;
  /** The quota in bytes. */
  readonly limit: number;
}

/** A stored plugin file. */
export interface PluginFileInfo {
  /** The file's name. */
  readonly name: string;
  /** Its size in bytes. */
  readonly size: number;
}

/**
 * The server's limits on plugin files, one configuration for every plugin
 * (`TAIKU_MAX_FILE_BYTES`, `TAIKU_MAX_PLUGIN_BYTES`, `TAIKU_MAX_PLUGIN_FILES`).
 * A write past any of them fails with `quota_exceeded` naming the limit, and
 * nothing is written.
 */
export interface PluginFileLimits {
  /** Largest single file, in bytes (10 MiB by default). */
  readonly maxFileBytes: number;
  /** Largest total of one user's files of one plugin, in bytes (50 MiB by default). */
  readonly maxTotalBytes: number;
  /** Most files one user may keep for one plugin (1000 by default). */
  readonly maxFiles: number;
}

/** What `getStorageUsage()` returns. */
export interface StorageUsage {
  /** Bytes of all the plugin's files. */
  readonly totalBytes: number;
  /** How many files. */
  readonly fileCount: number;
  /** Each file. */
  readonly files: readonly PluginFileInfo[];
  /** The limits the server enforces on them. */
  readonly limits: PluginFileLimits;
}

/** An entry of the session's working directory, as `listFiles()` returns it. */
export interface FileEntry {
  /** Name within the listed directory. */
  readonly name: string;
  /** File or directory. */
  readonly kind: "file" | "dir";
  /** Size in bytes (0 for directories). */
  readonly size: number;
}

/** A status label item: text, or a link when `href` is set. */
export interface StatusLabel {
  /** Stable id of the label within the plugin. */
  readonly id: string;
  /** The text shown. */
  readonly text: string;
  /** Makes the label a link; `javascript:` and `data:` links render as text. */
  readonly href?: string;
  /** Shown on hover. */
  readonly tooltip?: string;
}

/** The kind of a toast, which sets its colour. */
export type ToastKind = "info" | "success" | "warning" | "error";

/** A plugin's settings or session KV entries, by key. */
export type JsonRecord = { readonly [key: string]: JsonValue };
