/**
 * The action palette (Ctrl/Cmd+K): host actions and every loaded plugin's
 * palette actions, grouped, filterable, runnable with Enter or a click.
 * Plugin shortcuts work while the palette is closed too (see
 * `usePaletteShortcuts`).
 */
import { createMemo, createSignal, For, onCleanup, onMount, Show, type JSX } from "solid-js";
import { describeShortcut, matchesShortcut } from "../ui/shortcut";

/** One runnable entry. */
export interface PaletteAction {
  readonly key: string;
  readonly title: string;
  readonly description?: string;
  readonly group: string;
  readonly shortcut?: string;
  readonly disabled: boolean;
  run(): void;
}

/** Installs the global key handler: Ctrl/Cmd+K toggles the palette, action shortcuts run actions. */
export function usePaletteShortcuts(actions: () => readonly PaletteAction[], toggle: () => void): void {
  const onKey = (event: KeyboardEvent): void => {
    if (matchesShortcut(event, "Mod+K")) {
      event.preventDefault();
      toggle();
      return;
    }
    for (const action of actions()) {
      // `disabled` may ask a plugin (a Pi Web module's `enabled`): only for the action the key matches.
      if (action.shortcut !== undefined && matchesShortcut(event, action.shortcut) && !action.disabled) {
        event.preventDefault();
        action.run();
        return;
      }
    }
  };
  onMount(() => window.addEventListener("keydown", onKey));
  onCleanup(() => window.removeEventListener("keydown", onKey));
}

/** The palette dialog. */
export function ActionPalette(props: { actions: readonly PaletteAction[]; onClose: () => void }): JSX.Element {
  const [query, setQuery] = createSignal("");
  const [selected, setSelected] = createSignal(0);
  const matching = createMemo(() => {
    const q = query().trim().toLowerCase();
    return props.actions.filter((a) => q === "" || `${a.group} ${a.title} ${a.description ?? ""}`.toLowerCase().includes(q));
  });
  const groups = createMemo(() => [...new Set(matching().map((a) => a.group))]);
  const run = (action: PaletteAction | undefined): void => {
    if (action === undefined || action.disabled) return;
    props.onClose();
    action.run();
  };
  let input!: HTMLInputElement;
  onMount(() => input.focus());
  return (
    <div class="overlay" onClick={(e) => e.target === e.currentTarget && props.onClose()}>
      <section class="card dialog palette" role="dialog" aria-label="Actions">
        <input
          ref={input}
          class="palette-input"
          placeholder="Type an action…"
          value={query()}
          onInput={(e) => {
            setQuery(e.currentTarget.value);
            setSelected(0);
          }}
          onKeyDown={(e) => {
            if (e.key === "Escape") props.onClose();
            else if (e.key === "ArrowDown") setSelected((i) => Math.min(i + 1, matching().length - 1));
            else if (e.key === "ArrowUp") setSelected((i) => Math.max(i - 1, 0));
            else if (e.key === "Enter") run(matching()[selected()]);
          }}
        />
        <For each={groups()} fallback={<p class="muted">No matching actions.</p>}>
          {(group) => (
            <div class="palette-group">
              <h3>{group}</h3>
              <ul>
                <For each={matching().filter((a) => a.group === group)}>
                  {(action) => (
                    <li
                      class="palette-item"
                      data-action={action.key}
                      data-contribution={action.key.includes(":") ? action.key : undefined}
                      classList={{ selected: matching()[selected()] === action, disabled: action.disabled }}
                      onClick={() => run(action)}
                    >
                      <span>{action.title}</span>
                      <Show when={action.description}>
                        <span class="muted"> — {action.description}</span>
                      </Show>
                      <Show when={action.shortcut}>
                        <kbd>{describeShortcut(action.shortcut ?? "")}</kbd>
                      </Show>
                    </li>
                  )}
                </For>
              </ul>
            </div>
          )}
        </For>
      </section>
    </div>
  );
}
