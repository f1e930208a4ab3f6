/**
 * What the Files and Git tools share: the state of one read from the
 * sharing host (`Loaded`), the view of it (the value once it came, the
 * host's reason when it failed, "Loading…" meanwhile), and the tool's
 * header with its Refresh button.
 */
import { Show, type Accessor, type JSX } from "solid-js";
import type { SessionWorkspace } from "@taiku/engine";

/** One read from the sharing host: its value, the reason it failed, or still on its way. */
export type Loaded<T> = { readonly value: T } | { readonly error: string } | { readonly loading: true };

/** Shows `state`'s value through `children`, its error, or "Loading…"; `fallback` before anything was asked. */
export function LoadedView<T>(props: { state: Loaded<T> | undefined; fallback: JSX.Element; children: (value: Accessor<T>) => JSX.Element }): JSX.Element {
  const value = (): T | undefined => (props.state !== undefined && "value" in props.state ? props.state.value : undefined);
  const error = (): string | undefined => (props.state !== undefined && "error" in props.state ? props.state.error : undefined);
  return (
    <Show when={props.state !== undefined} fallback={props.fallback}>
      <Show when={value() !== undefined} fallback={<p class={error() === undefined ? "muted" : "tool-error"}>{error() ?? "Loading…"}</p>}>
        {props.children(value as Accessor<T>)}
      </Show>
    </Show>
  );
}

/** A tool's header: its name, the workspace it shows, and Refresh. */
export function ToolHeader(props: { title: string; workspace: SessionWorkspace | undefined; onRefresh: () => void }): JSX.Element {
  return (
    <div class="toolbar">
      <strong>{props.title}</strong>
      <span class="muted">{props.workspace?.label ?? ""}</span>
      <button onClick={() => props.onRefresh()} disabled={props.workspace === undefined}>
        Refresh
      </button>
    </div>
  );
}
