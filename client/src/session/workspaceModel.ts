/**
 * The session's workspaces as the UI and plugins see them: a signal
 * mirroring the session document's server-written `workspaces` map
 * (`workspaceId → SessionWorkspace`, one per folder a host CLI shares), and
 * which one is selected. The selection is the one the user picked while it
 * exists; before a pick, or once the picked one is gone, it is the first
 * online workspace (then the first at all), in label order.
 */
import { createSignal, type Accessor } from "solid-js";
import type * as Y from "yjs";
import type { SessionWorkspace } from "@taiku/engine";

export type { SessionWorkspace };

/** The reactive workspaces of one session. */
export interface WorkspaceModel {
  /** Every workspace the session document names, sorted by label then id. */
  readonly workspaces: Accessor<readonly SessionWorkspace[]>;
  /** The selected workspace, if the session has any. */
  readonly selected: Accessor<SessionWorkspace | undefined>;
  /** Selects workspace `id` (ignored when the session has no such workspace). */
  select(id: string): void;
  /** The workspace shell `shellId` runs in, if its host shares one. */
  workspaceOfShell(shellId: string): SessionWorkspace | undefined;
  /** Stops observing. */
  dispose(): void;
}

function record(value: unknown): Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
}

/** The entry as a workspace, or `undefined` when the server never wrote such a shape. */
function readWorkspace(id: string, raw: unknown): SessionWorkspace | undefined {
  const r = record(raw);
  const strings = [r.projectId, r.path, r.label, r.host];
  if (!strings.every((value) => typeof value === "string")) return undefined;
  return {
    id,
    projectId: r.projectId as string,
    path: r.path as string,
    label: r.label as string,
    ...(typeof r.branch === "string" ? { branch: r.branch } : {}),
    isMain: r.isMain === true,
    isGitRepo: r.isGitRepo === true,
    isGitWorktree: r.isGitWorktree === true,
    host: r.host as string,
    status: r.status === "offline" ? "offline" : "online",
  };
}

function readWorkspaces(map: Y.Map<unknown>): SessionWorkspace[] {
  return [...map.entries()]
    .flatMap(([id, raw]) => readWorkspace(id, raw) ?? [])
    .sort((a, b) => a.label.localeCompare(b.label) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

/** Mirrors `doc`'s `workspaces` map until disposed. */
export function createWorkspaceModel(doc: Y.Doc): WorkspaceModel {
  const map = doc.getMap<unknown>("workspaces");
  const shells = doc.getMap<unknown>("shells");
  const [workspaces, setWorkspaces] = createSignal<readonly SessionWorkspace[]>(readWorkspaces(map));
  const [picked, setPicked] = createSignal<string | undefined>(undefined);
  const observer = (): void => {
    setWorkspaces(readWorkspaces(map));
  };
  map.observe(observer);

  const selected = (): SessionWorkspace | undefined => {
    const all = workspaces();
    const id = picked();
    return all.find((workspace) => workspace.id === id) ?? all.find((workspace) => workspace.status === "online") ?? all[0];
  };

  return {
    workspaces,
    selected,
    select(id) {
      if (workspaces().some((workspace) => workspace.id === id)) setPicked(id);
    },
    workspaceOfShell(shellId) {
      const workspaceId = record(shells.get(shellId)).workspaceId;
      return typeof workspaceId === "string" ? workspaces().find((workspace) => workspace.id === workspaceId) : undefined;
    },
    dispose() {
      map.unobserve(observer);
    },
  };
}
