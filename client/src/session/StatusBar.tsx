/**
 * The status bar: the connection indicator, the selected workspace with its
 * Pi Web labels, then each sandboxed plugin's labels.
 * Label links render as links only for `http:`/`https:` URLs (opened in a
 * new tab with `rel="noopener noreferrer"`); `javascript:`, `data:` and
 * anything else render as plain text.
 */
import { For, Show, type JSX } from "solid-js";
import type { StatusLabel } from "@taiku/engine";
import { safeHref } from "../ui/safeLink";

/** One plugin's labels with its name. */
export interface PluginLabels {
  readonly pluginId: string;
  readonly pluginName: string;
  readonly labels: readonly StatusLabel[];
}

function Label(props: { label: StatusLabel; pluginId: string }): JSX.Element {
  const href = () => safeHref(props.label.href);
  return (
    <Show
      when={href()}
      fallback={
        <span class="status-label" data-plugin={props.pluginId} data-label={props.label.id} title={props.label.tooltip}>
          {props.label.text}
        </span>
      }
    >
      {(url) => (
        <a class="status-label" data-plugin={props.pluginId} data-label={props.label.id} href={url()} target="_blank" rel="noopener noreferrer" title={props.label.tooltip}>
          {props.label.text}
        </a>
      )}
    </Show>
  );
}

/** The status bar; `workspace` is the selected workspace's label with its Pi Web labels. */
export function StatusBar(props: { indicator: JSX.Element; plugins: readonly PluginLabels[]; workspace?: JSX.Element }): JSX.Element {
  return (
    <footer class="status-bar">
      {props.indicator}
      {props.workspace}
      <For each={props.plugins}>
        {(entry) => <For each={entry.labels}>{(label) => <Label label={label} pluginId={entry.pluginId} />}</For>}
      </For>
    </footer>
  );
}
