/**
 * Following an invite link: joins the session with the code, then opens it.
 */
import { createSignal, onMount, Show, type JSX } from "solid-js";
import { joinSession } from "../api/taikuApi";
import { navigate } from "../app/route";

/** Joins `sessionId` with `code` and opens it. */
export function JoinScreen(props: { sessionId: string; code: string }): JSX.Element {
  const [error, setError] = createSignal<string>();
  onMount(async () => {
    const result = await joinSession(props.sessionId, props.code);
    if (result.error) setError(result.error.message);
    else navigate({ name: "session", sessionId: props.sessionId });
  });
  return (
    <main class="center-screen">
      <section class="card">
        <Show when={error()} fallback={<p>Joining the session…</p>}>
          <p class="error" role="alert">
            Could not join: {error()}
          </p>
          <a href="#/">Back to sessions</a>
        </Show>
      </section>
    </main>
  );
}
