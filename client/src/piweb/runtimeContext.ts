/**
 * The runtime context Pi Web actions get (`enabled(context)`, `run(context)`),
 * built from the open session view (the *host*, set by `SessionView` while it
 * is mounted). Each helper does the nearest taiku thing:
 *
 * | helper | in taiku |
 * |---|---|
 * | `openActionPalette` | opens the action palette |
 * | `focusPrompt` | focuses the chat input |
 * | `selectWorkspaceTool(id)` | opens a workspace tool (`terminal`/`shells`, `files`, `git`, or a qualified panel id; an unknown id throws `not_found`) |
 * | `startSession` | creates a session and opens it |
 * | `archiveSession` | ends the open session (owner only; others get `permission_denied`) |
 * | `logoutAuth` / `configureAuth` | sign out / sign out and show the sign-in screen |
 * | `refreshFiles` / `refreshGit` | reload the Files / Git tool |
 * | `addProject` / `stopActiveWork` | reject `unavailable`: no taiku meaning |
 *
 * `state` is a snapshot taken when the context is built.
 */
import { createSignal } from "solid-js";
import { ErrorCode, TaikuError } from "@taiku/engine";
import type { PluginRuntimeContext, Workspace } from "@taiku/plugin-sdk";
import type { HostKv } from "../bridge/hostServices";

/** The open session as `state.selectedSession` shows it. */
export interface SelectedSession {
  readonly id: string;
  readonly title: string;
  readonly ownerId: string;
  readonly isOwner: boolean;
}

/** What the open session view offers Pi Web modules. */
export interface PiWebHost {
  selectedWorkspace(): Workspace | undefined;
  selectedSession(): SelectedSession | undefined;
  openActionPalette(): void;
  focusPrompt(): void;
  /** Opens a tool; throws `not_found` for an id no tool has. */
  selectWorkspaceTool(id: string): void;
  startSession(): Promise<void>;
  archiveSession(): Promise<void>;
  logoutAuth(): Promise<void>;
  configureAuth(): Promise<void>;
  refreshFiles(): void;
  refreshGit(): void;
  /** The open session's KV of `pluginId`. */
  kv(pluginId: string): HostKv;
}

const [host, setHost] = createSignal<PiWebHost | undefined>();

/** The host of the open session view, reactive; `undefined` outside a session. */
export const piWebHost = host;

/** Makes `next` the host; returns a function that unsets it (only if still current). */
export function setPiWebHost(next: PiWebHost): () => void {
  setHost(() => next);
  return () => {
    if (host() === next) setHost(undefined);
  };
}

function noSession(): TaikuError {
  return new TaikuError(ErrorCode.Unavailable, "no session is open");
}

/** A runtime context over `current` (a snapshot of its state now). */
export function createRuntimeContext(current: PiWebHost | undefined): PluginRuntimeContext {
  const selectedWorkspace = current?.selectedWorkspace();
  const selectedSession = current?.selectedSession();
  const need = (): PiWebHost => {
    if (current === undefined) throw noSession();
    return current;
  };
  const unavailable = (what: string, why: string) => () => Promise.reject(new TaikuError(ErrorCode.Unavailable, `${what} is unavailable in taiku: ${why}`));
  return {
    state: { ...(selectedWorkspace === undefined ? {} : { selectedWorkspace }), ...(selectedSession === undefined ? {} : { selectedSession }) },
    openActionPalette: () => need().openActionPalette(),
    focusPrompt: () => need().focusPrompt(),
    selectWorkspaceTool: (tool) => need().selectWorkspaceTool(tool),
    startSession: async () => need().startSession(),
    archiveSession: async () => need().archiveSession(),
    logoutAuth: async () => need().logoutAuth(),
    configureAuth: async () => need().configureAuth(),
    refreshFiles: async () => need().refreshFiles(),
    refreshGit: async () => need().refreshGit(),
    addProject: unavailable("addProject", "projects are folders shared with `taiku share`"),
    stopActiveWork: unavailable("stopActiveWork", "taiku runs no agent work this page could stop"),
  };
}
