/**
 * The owner's confirmation before ending a session: what ending does (every
 * member's plugins stop, the plugins' shared data is deleted, shared shells
 * are disconnected, nobody can join; chat stays readable) and two buttons.
 * Nothing happens until "End session" is pressed; a refusal from the server
 * is shown in the dialog and changes nothing.
 */
import { createSignal, Show, type JSX } from "solid-js";
import { endSession } from "../api/taikuApi";

/** The confirmation dialog; `onEnded` runs once the server has ended the session. */
export function EndSessionDialog(props: { sessionId: string; title: string; onClose: () => void; onEnded: () => void }): JSX.Element {
  const [busy, setBusy] = createSignal(false);
  const [error, setError] = createSignal<string>();
  async function confirm(): Promise<void> {
    setBusy(true);
    setError(undefined);
    const result = await endSession(props.sessionId);
    setBusy(false);
    if (result.error !== undefined) {
      setError(`The session was not ended: ${result.error.message}`);
      return;
    }
    props.onEnded();
  }
  return (
    <div class="overlay" role="dialog" aria-label="End this session" onClick={(e) => e.target === e.currentTarget && !busy() && props.onClose()}>
      <section class="card dialog end-session-dialog">
        <h2>End “{props.title}” for everyone?</h2>
        <ul class="end-session-effects">
          <li>Every member's plugins stop, and the plugins' shared data in this session is deleted.</li>
          <li>Shared shells are disconnected and nobody can join any more.</li>
          <li>Chat stays readable. This cannot be undone.</li>
        </ul>
        <Show when={error()}>
          <p class="error" role="alert">
            {error()}
          </p>
        </Show>
        <div class="row">
          <button class="danger confirm-end-session" disabled={busy()} onClick={() => void confirm()}>
            End session
          </button>
          <button class="secondary" disabled={busy()} onClick={() => props.onClose()}>
            Cancel
          </button>
        </div>
      </section>
    </div>
  );
}
