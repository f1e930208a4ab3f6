/**
 * The Files tool: the selected workspace's folder as a tree, read lazily one
 * folder page at a time (a huge folder shows its first 500 entries and a
 * "Show more"; nothing walks the whole tree), and a viewer for one text
 * file that says when a file is binary or cut short. Everything comes from
 * the host CLI sharing the workspace, through the workspace endpoints; it
 * reloads on Refresh, on `refreshFiles()`, and when the workspace changes.
 * A whole text file can be edited and saved: the save goes to the same host
 * (`fs:request` `write`), which writes only when it runs with `--fs`, and
 * only members reach it.
 */
import { createEffect, createSignal, For, on, Show, type Accessor, type JSX } from "solid-js";
import type { SessionWorkspace } from "@taiku/engine";
import { LoadedView, ToolHeader, type Loaded } from "./toolParts";
import { childPath, formatSize, readFile, readTree, type FileView, type TreeEntry } from "./workspaceApi";

interface FolderState {
  readonly entries: readonly TreeEntry[];
  readonly next: string | null;
  readonly total: number;
}


/** Props of {@link FilesTool}. */
export interface FilesToolProps {
  readonly workspace: Accessor<SessionWorkspace | undefined>;
  /** Changes when the tool should reload (`refreshFiles()`). */
  readonly version: Accessor<number>;
  readonly onRefresh: () => void;
  /** Writes `content` to file `path` of workspace `workspaceId`; rejects with the host's reason. */
  readonly onSave?: (workspaceId: string, path: string, content: string) => Promise<unknown>;
}

/** The Files tool. */
export function FilesTool(props: FilesToolProps): JSX.Element {
  const [folders, setFolders] = createSignal<ReadonlyMap<string, Loaded<FolderState>>>(new Map());
  const [open, setOpen] = createSignal<ReadonlySet<string>>(new Set([""]));
  const [selected, setSelected] = createSignal<string | undefined>(undefined);
  const [view, setView] = createSignal<Loaded<FileView> | undefined>(undefined);
  const [draft, setDraft] = createSignal<string | undefined>(undefined);
  const [saving, setSaving] = createSignal<{ readonly error?: string; readonly busy?: boolean; readonly saved?: boolean } | undefined>(undefined);

  async function save(path: string): Promise<void> {
    const workspace = props.workspace();
    const content = draft();
    if (workspace === undefined || content === undefined || props.onSave === undefined) return;
    setSaving({ busy: true });
    try {
      await props.onSave(workspace.id, path, content);
    } catch (cause) {
      setSaving({ error: `Not saved: ${cause instanceof Error ? cause.message : String(cause)}. Your text is kept.` });
      return;
    }
    setDraft(undefined);
    setSaving({ saved: true });
    void showFile(path);
  }

  const setFolder = (path: string, state: Loaded<FolderState>): void => {
    setFolders((current) => new Map(current).set(path, state));
  };

  async function loadFolder(path: string, more = false): Promise<void> {
    const workspace = props.workspace();
    if (workspace === undefined) return;
    const previous = folders().get(path);
    const kept = more && previous !== undefined && "value" in previous ? previous.value : undefined;
    if (kept === undefined) setFolder(path, { loading: true });
    const page = await readTree(workspace, path, kept?.next ?? undefined);
    if (props.workspace()?.id !== workspace.id) return;
    if (page.error) return setFolder(path, { error: page.error.message });
    setFolder(path, { value: { entries: [...(kept?.entries ?? []), ...page.value.entries], next: page.value.next, total: page.value.total } });
  }

  async function showFile(path: string): Promise<void> {
    const workspace = props.workspace();
    if (workspace === undefined) return;
    if (selected() !== path) {
      setDraft(undefined);
      setSaving(undefined);
    }
    setSelected(path);
    setView({ loading: true });
    const file = await readFile(workspace, path);
    if (selected() !== path || props.workspace()?.id !== workspace.id) return;
    setView(file.error ? { error: file.error.message } : { value: file.value });
  }

  // A new workspace, or a refresh: forget what was read, read the open folders and the shown file again.
  createEffect(
    on([() => props.workspace()?.id, props.version] as const, (_now, previous) => {
      const sameWorkspace = previous !== undefined && previous[0] === props.workspace()?.id;
      setFolders(new Map());
      if (!sameWorkspace) {
        setOpen(new Set([""]));
        setSelected(undefined);
        setView(undefined);
      }
      for (const path of open()) void loadFolder(path);
      const file = selected();
      if (file !== undefined) void showFile(file);
    }),
  );

  function toggle(path: string): void {
    const next = new Set(open());
    if (next.has(path)) next.delete(path);
    else {
      next.add(path);
      if (!folders().has(path)) void loadFolder(path);
    }
    setOpen(next);
  }

  function Folder(folderProps: { path: string }): JSX.Element {
    const state = () => folders().get(folderProps.path);
    return (
      <LoadedView state={state()} fallback={<p class="muted">Loading…</p>}>
        {(folder) => (
          <ul class="tree">
            <Show when={folder().entries.length === 0}>
              <li class="muted">Empty folder</li>
            </Show>
            <For each={folder().entries}>
              {(entry) => {
                const path = childPath(folderProps.path, entry.name);
                return (
                  <li data-path={path} data-kind={entry.kind}>
                    <Show
                      when={entry.kind === "dir"}
                      fallback={
                        <button class="tree-item" classList={{ selected: selected() === path }} onClick={() => void showFile(path)} disabled={entry.kind === "other"}>
                          {entry.kind === "symlink" ? "↪ " : ""}
                          {entry.name} <span class="muted">{entry.kind === "file" ? formatSize(entry.size) : ""}</span>
                        </button>
                      }
                    >
                      <button class="tree-item folder" aria-expanded={open().has(path)} onClick={() => toggle(path)}>
                        {open().has(path) ? "▾ " : "▸ "}
                        {entry.name}/
                      </button>
                      <Show when={open().has(path)}>
                        <Folder path={path} />
                      </Show>
                    </Show>
                  </li>
                );
              }}
            </For>
            <Show when={folder().next !== null}>
              <li>
                <button class="link show-more" onClick={() => void loadFolder(folderProps.path, true)}>
                  Show more ({Math.max(0, folder().total - folder().entries.length)} more)
                </button>
              </li>
            </Show>
          </ul>
    )}
      </LoadedView>
    );
  }

  return (
    <section class="workspace-tool files-tool" data-tool="files">
      <ToolHeader title="Files" workspace={props.workspace()} onRefresh={props.onRefresh} />
      <Show
        when={props.workspace()}
        fallback={<p class="empty">No folder is shared into this session yet. Share one with <code>taiku share --fs</code> (see the Terminal tab's "Share a shell").</p>}
      >
        <div class="files-body">
          <nav class="files-tree" aria-label="Files">
            <Folder path="" />
          </nav>
          <div class="viewer">
            <LoadedView state={view()} fallback={<p class="empty">Pick a file to view it.</p>}>
              {(file) => (
                <>
                  <p class="muted file-meta">
                    {file().path} · {formatSize(file().size)}
                    {file().truncated ? " · truncated: showing the first 512 KiB" : ""}
                  </p>
                  <Show when={!file().binary} fallback={<p class="empty">Binary file — not shown.</p>}>
                    <Show
                      when={draft() !== undefined}
                      fallback={
                        <>
                          <Show when={props.onSave !== undefined && !file().truncated}>
                            <div class="row file-actions">
                              <button class="secondary" onClick={() => setDraft(file().content)}>
                                Edit
                              </button>
                              <Show when={saving()?.saved}>
                                <span class="muted">Saved.</span>
                              </Show>
                            </div>
                          </Show>
                          <pre class="file-content">{file().content}</pre>
                        </>
                      }
                    >
                      <div class="row file-actions">
                        <button onClick={() => void save(file().path)} disabled={saving()?.busy === true}>
                          {saving()?.busy === true ? "Saving…" : "Save"}
                        </button>
                        <button class="secondary" onClick={() => (setDraft(undefined), setSaving(undefined))} disabled={saving()?.busy === true}>
                          Cancel
                        </button>
                        <Show when={saving()?.error}>{(error) => <span class="tool-error">{error()}</span>}</Show>
                      </div>
                      <textarea class="file-editor" aria-label={`Edit ${file().path}`} value={draft()} onInput={(event) => setDraft(event.currentTarget.value)} />
                    </Show>
                  </Show>
                </>
              )}
            </LoadedView>
          </div>
        </div>
      </Show>
    </section>
  );
}
