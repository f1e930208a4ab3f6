/**
 * The Git tool, read-only: the selected workspace's branch with its upstream
 * and ahead/behind, its staged, unstaged, untracked and conflicted files,
 * and the diff of one file (staged or not). Read from the host CLI sharing
 * the workspace through the workspace endpoints; reloads on Refresh, on
 * `refreshGit()`, and when the workspace changes.
 */
import { createEffect, createSignal, For, on, Show, type Accessor, type JSX } from "solid-js";
import type { SessionWorkspace } from "@taiku/engine";
import { LoadedView, ToolHeader, type Loaded } from "./toolParts";
import { readGitDiff, readGitStatus, type ChangedFile, type GitDiff, type GitStatus } from "./workspaceApi";


/** Props of {@link GitTool}. */
export interface GitToolProps {
  readonly workspace: Accessor<SessionWorkspace | undefined>;
  /** Changes when the tool should reload (`refreshGit()`). */
  readonly version: Accessor<number>;
  readonly onRefresh: () => void;
}

const STATUS_WORDS: Readonly<Record<string, string>> = { M: "modified", A: "added", D: "deleted", R: "renamed", C: "copied", T: "type changed", U: "unmerged" };

/** The Git tool. */
export function GitTool(props: GitToolProps): JSX.Element {
  const [status, setStatus] = createSignal<Loaded<GitStatus> | undefined>(undefined);
  const [picked, setPicked] = createSignal<{ path: string; staged: boolean } | undefined>(undefined);
  const [diff, setDiff] = createSignal<Loaded<GitDiff> | undefined>(undefined);

  async function loadStatus(): Promise<void> {
    const workspace = props.workspace();
    if (workspace === undefined) return setStatus(undefined);
    setStatus({ loading: true });
    const answer = await readGitStatus(workspace);
    if (props.workspace()?.id !== workspace.id) return;
    setStatus(answer.error ? { error: answer.error.message } : { value: answer.value });
  }

  async function showDiff(path: string, staged: boolean): Promise<void> {
    const workspace = props.workspace();
    if (workspace === undefined) return;
    setPicked({ path, staged });
    setDiff({ loading: true });
    const answer = await readGitDiff(workspace, path, staged);
    const now = picked();
    if (now?.path !== path || now.staged !== staged || props.workspace()?.id !== workspace.id) return;
    setDiff(answer.error ? { error: answer.error.message } : { value: answer.value });
  }

  createEffect(
    on([() => props.workspace()?.id, props.version] as const, (_now, previous) => {
      const sameWorkspace = previous !== undefined && previous[0] === props.workspace()?.id;
      void loadStatus();
      const shown = picked();
      if (sameWorkspace && shown !== undefined) void showDiff(shown.path, shown.staged);
      else {
        setPicked(undefined);
        setDiff(undefined);
      }
    }),
  );

  function Files(listProps: { title: string; files: readonly ChangedFile[]; staged: boolean; kind: string }): JSX.Element {
    return (
      <Show when={listProps.files.length > 0}>
        <h4>
          {listProps.title} <span class="muted">({listProps.files.length})</span>
        </h4>
        <ul class="git-files" data-group={listProps.kind}>
          <For each={listProps.files}>
            {(file) => (
              <li>
                <button
                  class="tree-item"
                  classList={{ selected: picked()?.path === file.path && picked()?.staged === listProps.staged }}
                  onClick={() => void showDiff(file.path, listProps.staged)}
                  title={STATUS_WORDS[file.status] ?? file.status}
                >
                  <span class="git-status-letter">{file.status}</span> {file.from === undefined ? file.path : `${file.from} → ${file.path}`}
                </button>
              </li>
            )}
          </For>
        </ul>
      </Show>
    );
  }

  return (
    <section class="workspace-tool git-tool" data-tool="git">
      <ToolHeader title="Git" workspace={props.workspace()} onRefresh={props.onRefresh} />
      <Show when={props.workspace()} fallback={<p class="empty">No folder is shared into this session yet. Share one with <code>taiku share --fs</code>.</p>}>
        <LoadedView state={status()} fallback={<p class="muted">Loading…</p>}>
          {(git) => (
            <div class="git-body">
              <div class="git-lists">
                <p class="git-branch">
                  <strong>{git().branch ?? "detached HEAD"}</strong>
                  <Show when={git().upstream} fallback={<span class="muted"> · no upstream</span>}>
                    <span class="muted">
                      {" "}
                      · {git().upstream} · {git().ahead} ahead, {git().behind} behind
                    </span>
                  </Show>
                </p>
                <Show when={git().truncated}>
                  <p class="muted">Only part of the status is shown: it was too long.</p>
                </Show>
                <Show
                  when={git().staged.length + git().unstaged.length + git().untracked.length + git().conflicted.length > 0}
                  fallback={<p class="empty">Nothing to commit: the working tree is clean.</p>}
                >
                  <Files title="Conflicted" kind="conflicted" staged={false} files={git().conflicted.map((path) => ({ path, status: "U" }))} />
                  <Files title="Staged" kind="staged" staged={true} files={git().staged} />
                  <Files title="Changed" kind="unstaged" staged={false} files={git().unstaged} />
                  <Show when={git().untracked.length > 0}>
                    <h4>
                      Untracked <span class="muted">({git().untracked.length})</span>
                    </h4>
                    <ul class="git-files" data-group="untracked">
                      <For each={git().untracked}>{(path) => <li class="muted">{path}</li>}</For>
                    </ul>
                  </Show>
                </Show>
              </div>
              <div class="viewer">
                <LoadedView state={diff()} fallback={<p class="empty">Pick a changed file to see its diff.</p>}>
                  {(change) => (
                    <>
                      <p class="muted file-meta">
                        {change().path} · {change().staged ? "staged" : "not staged"}
                        {change().truncated ? " · truncated: showing the first 512 KiB" : ""}
                      </p>
                      <Show when={change().diff !== ""} fallback={<p class="empty">No {change().staged ? "staged" : "unstaged"} change in this file.</p>}>
                        <pre class="diff">
                          <For each={change().diff.split("\n")}>
                            {(line) => <span class={line.startsWith("+") && !line.startsWith("+++") ? "diff-add" : line.startsWith("-") && !line.startsWith("---") ? "diff-del" : line.startsWith("@@") ? "diff-hunk" : undefined}>{line + "\n"}</span>}
                          </For>
                        </pre>
                      </Show>
                    </>
                  )}
                </LoadedView>
              </div>
            </div>
          )}
        </LoadedView>
      </Show>
    </section>
  );
}
