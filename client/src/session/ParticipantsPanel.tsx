/**
 * Who is here: one row per connected client from awareness, with the user's
 * colour and whether they are idle; members not connected are listed dimmed.
 */
import { For, Show, type JSX } from "solid-js";
import type { SessionModel } from "./sessionModel";

/** The participants list. */
export function ParticipantsPanel(props: { model: SessionModel }): JSX.Element {
  const offlineMembers = () => {
    const here = new Set(props.model.participants().map((p) => p.userId));
    return props.model.members().filter((m) => !here.has(m.userId));
  };
  return (
    <section class="panel participants" aria-label="Participants">
      <h2>People</h2>
      <ul>
        <For each={props.model.participants()}>
          {(p) => (
            <li class="participant" classList={{ idle: p.idle }} data-user={p.userId}>
              <span class="swatch" style={{ background: p.colour }} />
              {p.name}
              <Show when={p.self}>
                <span class="muted"> (you)</span>
              </Show>
              <Show when={p.idle}>
                <span class="muted"> · idle</span>
              </Show>
            </li>
          )}
        </For>
        <For each={offlineMembers()}>
          {(m) => (
            <li class="participant away">
              <span class="swatch" />
              {m.name} <span class="muted">· away</span>
            </li>
          )}
        </For>
      </ul>
    </section>
  );
}
