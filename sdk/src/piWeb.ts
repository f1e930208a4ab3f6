/**
 * Types of the Pi Web plugin API v1 as taiku runs it: a trusted ES module
 * that default-exports a {@link PiWebPlugin}, activated once in the host page
 * with {@link PluginActivationContext}, contributing actions, workspace
 * panels and workspace labels. These are types only: taiku's host page
 * imports the module, validates it and calls `activate`. Contribution ids are
 * local to the plugin (`^[a-z][a-z0-9.-]*$`); taiku qualifies them as
 * `<plugin-id>:<local-id>` ({@link QualifiedContributionId}).
 *
 * `context.taiku` ({@link PiWebTaiku}) goes beyond the Pi Web seed: the SDK's
 * storage methods bound to this plugin, with the same semantics a sandboxed
 * plugin gets through the bridge.
 */
import type { JsonRecord, JsonValue, PluginFileInfo, QuotaUsage, StorageUsage, Workspace } from "@taiku/engine";

export type { Workspace };

/** A contribution id as taiku uses it everywhere: `<plugin-id>:<local-id>`, e.g. `info:workspace.info`. */
export type QualifiedContributionId = string;

/**
 * What a Lit `html` tagged template returns. Structural, so the SDK needs no
 * Lit dependency: the `html` a plugin receives produces a value of Lit's own
 * `TemplateResult` type, which matches this.
 */
export interface TemplateResult {
  /** The template's literal parts. */
  readonly strings: TemplateStringsArray;
  /** The values interpolated between them. */
  readonly values: readonly unknown[];
}

/** Lit's `html` tag, as handed to `activate`. */
export type HtmlTag = (strings: TemplateStringsArray, ...values: unknown[]) => TemplateResult;

/** The default export of a Pi Web plugin module. */
export interface PiWebPlugin {
  /** Must be `1`. */
  readonly apiVersion: 1;
  /** Shown in the plugin manager and in error messages. */
  readonly name: string;
  /** Called once, when the page loads the module. Keep it cheap and synchronous. */
  activate(context: PluginActivationContext): PluginActivationResult;
}

/** What `activate` receives. */
export interface PluginActivationContext {
  /** Always `1`. */
  readonly apiVersion: 1;
  /** The plugin id from `package.json` (not from the module). */
  readonly pluginId: string;
  /** Lit's `html` tag for panel and label templates. */
  readonly html: HtmlTag;
  /** taiku's storage bound to this plugin (beyond the Pi Web seed). */
  readonly taiku: PiWebTaiku;
}

/** What `activate` returns. */
export interface PluginActivationResult {
  /** The plugin's contributions; every array is optional. */
  readonly contributions: PluginContributions;
}

/** The contribution arrays a plugin may return. */
export interface PluginContributions {
  /** Action-palette commands. */
  readonly actions?: readonly PluginAction[];
  /** Tools beside the built-in workspace tools. */
  readonly workspacePanels?: readonly WorkspacePanelContribution[];
  /** Compact items wherever taiku shows a workspace label. */
  readonly workspaceLabels?: readonly WorkspaceLabelContribution[];
}

/** An action-palette command. */
export interface PluginAction {
  /** Local id, `^[a-z][a-z0-9.-]*$`. */
  readonly id: string;
  /** The palette entry's text. */
  readonly title: string;
  /** Shown after the title, and searched. */
  readonly description?: string;
  /** Like `mod+shift+p` (`mod` is Cmd on macOS, Ctrl elsewhere). A shortcut another action already holds is reported and not bound. */
  readonly shortcut?: string;
  /** The palette group heading (default: the plugin's name). */
  readonly group?: string;
  /** Asked each time the palette lists actions and before a shortcut runs the action. */
  readonly enabled?: (context: PluginRuntimeContext) => boolean;
  /** Runs the action; a rejection shows as an error toast. */
  readonly run: (context: PluginRuntimeContext) => void | Promise<void>;
}

/** What panel and label callbacks receive. */
export interface WorkspaceContext {
  /** The workspace the panel or label is shown for. */
  readonly workspace: Workspace;
}

/** A workspace tool: a tab beside Terminal with its own area. */
export interface WorkspacePanelContribution {
  /** Local id, `^[a-z][a-z0-9.-]*$`. */
  readonly id: string;
  /** The tab's text. */
  readonly title: string;
  /** Position among all plugins' panels (lower first, default 0; ties by qualified id). */
  readonly order?: number;
  /** Whether the tool shows for this workspace (default: always). */
  readonly visible?: (context: WorkspaceContext) => boolean;
  /** A small badge on the tab; `undefined` shows none. */
  readonly badge?: (context: WorkspaceContext) => string | number | TemplateResult | undefined;
  /** The panel's content, rendered with Lit and again whenever the workspace changes. */
  readonly render: (context: WorkspaceContext) => TemplateResult;
}

/** A plain-text label item. */
export interface WorkspaceLabelTextItem {
  /** Discriminant. */
  readonly type: "text";
  /** The text shown. */
  readonly text: string;
  /** Tooltip. */
  readonly title?: string;
}

/** A link label item; `javascript:` and `data:` links render as plain text. */
export interface WorkspaceLabelLinkItem {
  /** Discriminant. */
  readonly type: "link";
  /** The link text. */
  readonly text: string;
  /** An `http:` or `https:` URL. */
  readonly href: string;
  /** Tooltip. */
  readonly title?: string;
  /** `_blank` opens a new tab, always with `rel="noopener noreferrer"`. */
  readonly target?: string;
}

/** A label item rendered by the plugin (keep it compact and inline). */
export interface WorkspaceLabelRenderItem {
  /** Discriminant. */
  readonly type: "render";
  /** Returns the item's Lit template. */
  readonly render: () => TemplateResult;
}

/** One item of a workspace label. */
export type WorkspaceLabelItem = WorkspaceLabelTextItem | WorkspaceLabelLinkItem | WorkspaceLabelRenderItem;

/** Compact metadata shown in the workspace list, the panel header and the status bar. */
export interface WorkspaceLabelContribution {
  /** Local id, `^[a-z][a-z0-9.-]*$`. */
  readonly id: string;
  /** Position among all plugins' labels (lower first, default 0; ties by qualified id). */
  readonly order?: number;
  /** Whether the label shows for this workspace (default: always). */
  readonly visible?: (context: WorkspaceContext) => boolean;
  /** The label's items; an empty array renders nothing. */
  readonly items: (context: WorkspaceContext) => readonly WorkspaceLabelItem[];
}

/**
 * What an action's `enabled` and `run` receive. `state` is a snapshot taken
 * when the palette asks for actions. Helpers with no taiku meaning
 * (`addProject`, `stopActiveWork`) reject with an `unavailable` error.
 */
export interface PluginRuntimeContext {
  /** The stable parts of the UI state. */
  readonly state: {
    /** The workspace selected in the open session. */
    readonly selectedWorkspace?: Workspace;
    /** The open session: `{ id, title, ownerId, isOwner }`. */
    readonly selectedSession?: unknown;
  };
  /** Opens taiku's action palette. */
  openActionPalette(): void;
  /** Focuses the chat input. */
  focusPrompt(): void;
  /** Rejects `unavailable`: taiku projects come from `taiku share`, not from the page. */
  addProject(): Promise<void>;
  /** Signs out and shows the sign-in screen. */
  configureAuth(): Promise<void>;
  /** Signs out. */
  logoutAuth(): Promise<void>;
  /** Opens a workspace tool: `terminal` (taiku's Shells), `files`, `git`, or a qualified panel id. */
  selectWorkspaceTool(tool: QualifiedContributionId): void;
  /** Reloads the Files tool. */
  refreshFiles(): Promise<void>;
  /** Reloads the Git tool. */
  refreshGit(): Promise<void>;
  /** Creates a new session owned by the user and opens it. */
  startSession(): Promise<void>;
  /** Ends the open session (owner only; others get an error). */
  archiveSession(): Promise<void>;
  /** Rejects `unavailable`: taiku has no agent run to stop from the page. */
  stopActiveWork(): Promise<void>;
}

/**
 * taiku's storage bound to one Pi Web plugin: the session KV of the open
 * session (Yjs, 64 KiB quota, rejects `quota_exceeded`), and the user's KV
 * and files on the server. Session KV methods reject `unavailable` while no
 * session is open.
 */
export interface PiWebTaiku {
  /** Sets a key of this plugin's session KV in the open session. */
  setPluginData(key: string, value: JsonValue): Promise<void>;
  /** A key of this plugin's session KV, or `null`. */
  getPluginData(key: string): Promise<JsonValue | null>;
  /** Every entry of this plugin's session KV. */
  getAllPluginData(): Promise<JsonRecord>;
  /** Deletes a key of this plugin's session KV. */
  deletePluginData(key: string): Promise<void>;
  /** Live bytes used and the quota of this plugin's session KV. */
  getPluginDataUsage(): Promise<QuotaUsage>;
  /** Stores a value for the current user. */
  setUserData(key: string, value: JsonValue): Promise<void>;
  /** A value stored for the current user, or `null`. */
  getUserData(key: string): Promise<JsonValue | null>;
  /** Every value stored for the current user, by key. */
  listUserData(): Promise<JsonRecord>;
  /** Deletes a value stored for the current user. */
  deleteUserData(key: string): Promise<void>;
  /** Stores a file for the current user (text as UTF-8). */
  writePluginFile(name: string, data: string | ArrayBuffer | Uint8Array): Promise<void>;
  /** A stored file's bytes. */
  readPluginFile(name: string): Promise<ArrayBuffer>;
  /** The stored files. */
  listPluginFiles(): Promise<PluginFileInfo[]>;
  /** Deletes a stored file. */
  deletePluginFile(name: string): Promise<void>;
  /** Bytes and count of the stored files. */
  getStorageUsage(): Promise<StorageUsage>;
}
