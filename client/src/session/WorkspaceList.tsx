/**
 * The session's workspaces (folders shared with `taiku share`): each with
 * its label, branch, host and whether it is online, the selected one marked;
 * a click selects it. Each row carries the Pi Web workspace labels of that
 * workspace.
 */
import { For, Show, type JSX } from "solid-js";
import type { WorkspaceLabelContribution } from "@taiku/plugin-sdk";
import type { Qualified } from "../piweb/piWebModules";
import { WorkspaceLabels } from "../piweb/WorkspaceLabels";
import type { WorkspaceModel } from "./workspaceModel";

/** The workspace list. */
export function WorkspaceList(props: { model: WorkspaceModel; labels: readonly Qualified<WorkspaceLabelContribution>[] }): JSX.Element {
  return (
    <section class="panel workspaces" aria-label="Workspaces">
      <h2>Workspaces</h2>
      <ul>
        <For each={props.model.workspaces()} fallback={<li class="muted">No workspace shared yet: run the Share a shell command with --fs.</li>}>
          {(workspace) => (
            <li
              class="workspace-item"
              classList={{ selected: props.model.selected()?.id === workspace.id, offline: workspace.status === "offline" }}
              data-workspace={workspace.id}
              aria-current={props.model.selected()?.id === workspace.id ? "true" : undefined}
              title={`${workspace.path} on ${workspace.host}`}
              onClick={() => props.model.select(workspace.id)}
            >
              <button class="link workspace-name">{workspace.label}</button>
              <Show when={workspace.branch}>{(branch) => <span class="muted"> {branch()}</span>}</Show>
              <Show when={workspace.status === "offline"}>
                <span class="muted"> · offline</span>
              </Show>
              <span class="workspace-labels">
                <WorkspaceLabels workspace={workspace} labels={props.labels} />
              </span>
            </li>
          )}
        </For>
      </ul>
    </section>
  );
}
