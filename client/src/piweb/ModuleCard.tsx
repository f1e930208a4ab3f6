/**
 * A Pi Web module in the plugin manager: its name, id, source and scope,
 * the plain warning that it runs with the user's full access in this page,
 * whether it is on, loading, running or failed (with every recorded
 * failure: contribution and message), and the switch to turn it off or on
 * for this user on this client. Turning it off hides its contributions at
 * once; its code stops only when the page reloads, and the card says so.
 */
import { For, Show, type JSX } from "solid-js";
import { html } from "lit";
import { setModuleOff, modulesOff } from "./modulePreferences";
import { createModuleStorage } from "./moduleStorage";
import { loadPiWebModules, piWebModules, type ModuleEntry } from "./piWebModules";
import { pluginFailures } from "./pluginFailures";

/** One module's card. */
export function ModuleCard(props: { entry: ModuleEntry; userId: string }): JSX.Element {
  const loaded = () => piWebModules().find((m) => m.entry.id === props.entry.id);
  const off = () => modulesOff(props.userId).includes(props.entry.id);
  const failures = () => pluginFailures().filter((f) => f.pluginId === props.entry.id);
  const state = (): string => (off() ? "off" : failures().length > 0 || loaded()?.status === "failed" ? "failed" : (loaded()?.status ?? "not-loaded"));
  const stateText = (): string => {
    switch (state()) {
      case "off":
        return loaded() === undefined ? "Turned off" : "Turned off: its contributions are hidden; reload the page to stop its code";
      case "failed":
        return loaded()?.status === "failed" ? "Failed to load" : "Running, with errors";
      case "active":
        return "On";
      case "loading":
        return "Loading…";
      default:
        return "On after the next reload";
    }
  };
  function turnOn(): void {
    setModuleOff(props.userId, props.entry.id, false);
    void loadPiWebModules([props.entry], () => false, { html, taiku: createModuleStorage });
  }
  return (
    <li class="plugin-card module-card card" data-plugin={props.entry.id} data-kind="module" data-state={state()}>
      <header class="row spread">
        <strong>{loaded()?.name ?? props.entry.id}</strong>
        <span class="muted">
          {props.entry.id} · Pi Web module · {props.entry.source} · {props.entry.scope}
        </span>
      </header>
      <Show when={props.entry.description}>{(text) => <p class="plugin-description">{text()}</p>}</Show>
      <p class="trust-warning">
        Trusted code: it runs with your full access in this page (it can read and change everything you can in taiku). Installed by this server's operator, not sandboxed.
      </p>
      <p class="plugin-state" classList={{ muted: state() === "off", error: state() === "failed" }}>
        {stateText()}
      </p>
      <Show when={failures().length > 0}>
        <ul class="error module-failures">
          <For each={failures()}>
            {(failure) => (
              <li>
                {failure.contribution} failed: {failure.message}
              </li>
            )}
          </For>
        </ul>
        <p class="muted">The browser console has the details.</p>
      </Show>
      <div class="row">
        <Show
          when={off()}
          fallback={
            <button class="secondary module-off" onClick={() => setModuleOff(props.userId, props.entry.id, true)}>
              Turn off for me
            </button>
          }
        >
          <button class="module-on" onClick={turnOn}>
            Turn on
          </button>
        </Show>
      </div>
    </li>
  );
}
