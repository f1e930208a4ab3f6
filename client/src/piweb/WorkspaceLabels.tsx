/**
 * The Pi Web workspace labels of one workspace, wherever taiku shows a
 * workspace label (the workspace list, the panel header, the status bar):
 * each visible label in the shared order (`order`, then qualified id), its
 * `items` as text, links or Lit renders. Links render only for `http:` and
 * `https:` URLs (`safeHref`); `javascript:`, `data:` and the rest render as
 * plain text; `_blank` links get `rel="noopener noreferrer"`. A label whose
 * `items` returns an empty array renders nothing.
 */
import { For, Match, Show, Switch, type JSX } from "solid-js";
import type { Workspace, WorkspaceLabelContribution, WorkspaceLabelItem } from "@taiku/plugin-sdk";
import { safeHref } from "../ui/safeLink";
import { LitArea } from "./LitArea";
import type { Qualified } from "./piWebModules";
import { labelItems } from "./labelItems";

function Item(props: { item: WorkspaceLabelItem; label: Qualified<WorkspaceLabelContribution> }): JSX.Element {
  return (
    <Switch>
      <Match when={props.item.type === "render" && props.item}>
        {(item) => (
          <LitArea inline class="label-item" pluginId={props.label.pluginId} contribution={`${props.label.qualifiedId} render`} template={() => (item() as { render: () => unknown }).render()} />
        )}
      </Match>
      <Match when={props.item.type === "link" && safeHref((props.item as { href?: string }).href) !== undefined && props.item}>
        {(item) => {
          const link = item() as Extract<WorkspaceLabelItem, { type: "link" }>;
          return (
            <a
              class="label-item"
              href={safeHref(link.href)}
              title={link.title}
              target={link.target}
              rel={link.target === "_blank" ? "noopener noreferrer" : undefined}
            >
              {String(link.text)}
            </a>
          );
        }}
      </Match>
      <Match when={props.item.type === "text" || props.item.type === "link"}>
        <span class="label-item" title={(props.item as { title?: string }).title}>
          {String((props.item as { text?: unknown }).text ?? "")}
        </span>
      </Match>
    </Switch>
  );
}

/** The labels of `workspace`; `labels` must already be in the shared order. */
export function WorkspaceLabels(props: { workspace: Workspace; labels: readonly Qualified<WorkspaceLabelContribution>[] }): JSX.Element {
  return (
    <For each={props.labels}>
      {(label) => {
        const items = () => labelItems(label, props.workspace);
        return (
          <Show when={items().length > 0}>
            <span class="workspace-label" data-contribution={label.qualifiedId}>
              <For each={items()}>{(item) => <Item item={item} label={label} />}</For>
            </span>
          </Show>
        );
      }}
    </For>
  );
}
