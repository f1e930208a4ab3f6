/**
 * Where a Pi Web module's Lit template goes: an element Solid owns whose
 * children Lit renders. `template` is called in the module's error boundary
 * and again whenever what it reads changes (the workspace); a throw, or a
 * value Lit cannot render, is reported and the area says the contribution
 * failed instead of showing stale content.
 */
import { createEffect, createSignal, onCleanup, Show, type JSX } from "solid-js";
import { render as litRender, nothing } from "lit";
import { messageOf, reportFailure } from "./pluginFailures";

/** Renders `template()` with Lit into a `span` (inline) or `div`. */
export function LitArea(props: { pluginId: string; contribution: string; template: () => unknown; inline?: boolean; class?: string }): JSX.Element {
  const [error, setError] = createSignal<string>();
  let host!: HTMLElement;
  createEffect(() => {
    try {
      const template = props.template();
      litRender(template, host);
      setError(undefined);
    } catch (cause) {
      reportFailure(props.pluginId, props.contribution, cause);
      try {
        litRender(nothing, host);
      } catch (clearing) {
        // Lit could not even clear the part: drop the element's children instead.
        console.warn(`[taiku] could not clear ${props.contribution}: ${messageOf(clearing)}`);
        host.replaceChildren();
      }
      setError(messageOf(cause));
    }
  });
  onCleanup(() => host.replaceChildren());
  const failed = (
    <Show when={error()}>
      {(message) => (
        <span class="plugin-error" role="alert" data-failed={props.contribution}>
          {props.contribution} failed: {message()}
        </span>
      )}
    </Show>
  );
  return props.inline ? (
    <>
      <span ref={(el) => (host = el)} class={props.class} />
      {failed}
    </>
  ) : (
    <>
      <div ref={(el) => (host = el)} class={props.class} />
      {failed}
    </>
  );
}
