/**
 * What every member sees once a session has ended, in place of its shells
 * and plugin panels: that it ended, when and by whom, what happened to its
 * plugins and their data, and the way back to the session list. The chat
 * beside it stays readable.
 */
import { Show, type JSX } from "solid-js";
import type { SessionEnd } from "./sessionModel";

/** The ended-session screen; `endedBy` is the owner's name, when known. */
export function SessionEnded(props: { end: SessionEnd | undefined; endedBy: string | undefined; isOwner: boolean }): JSX.Element {
  return (
    <section class="session-ended card" role="status" aria-live="polite">
      <h2>This session has ended</h2>
      <p>
        <Show when={props.end} fallback="The owner ended it.">
          {(end) => (
            <>
              {props.isOwner ? "You ended it" : `${props.endedBy ?? "The owner"} ended it`}
              {end().at > 0 ? ` at ${new Date(end().at).toLocaleString()}` : ""}.
            </>
          )}
        </Show>
      </p>
      <p class="muted">Its plugins were stopped and their shared data deleted; shared shells were disconnected. The chat stays readable.</p>
      <a href="#/" class="button-link">
        Back to sessions
      </a>
    </section>
  );
}
