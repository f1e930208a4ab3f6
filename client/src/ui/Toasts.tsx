/**
 * Renders the toasts. Text only: a toast's message is never parsed as HTML.
 */
import { For, Show, type JSX } from "solid-js";
import { dismissToast, toasts } from "./toastStore";

/** The toast stack. */
export function Toasts(): JSX.Element {
  return (
    <div class="toasts" role="status" aria-live="polite">
      <For each={toasts()}>
        {(toast) => (
          <div class={`toast toast-${toast.kind}`} data-kind={toast.kind}>
            <Show when={toast.source}>
              <strong class="toast-source">{toast.source}: </strong>
            </Show>
            <span class="toast-message">{toast.message}</span>
            <button class="link" aria-label="Dismiss" onClick={() => dismissToast(toast.id)}>
              ×
            </button>
          </div>
        )}
      </For>
    </div>
  );
}
