/**
 * The sessions the user belongs to, a form to create one, and sign-out.
 */
import { createResource, createSignal, For, Show, type JSX } from "solid-js";
import { auth } from "../api/authStore";
import { createSession, listSessions, signOut } from "../api/taikuApi";
import { navigate } from "../app/route";

/** The session list screen. */
export function SessionListScreen(): JSX.Element {
  const [sessions, { refetch }] = createResource(listSessions);
  const [title, setTitle] = createSignal("");
  const [error, setError] = createSignal<string>();
  const listed = () => {
    const result = sessions();
    return result === undefined || result.error !== undefined ? [] : result.value;
  };

  async function create(): Promise<void> {
    const result = await createSession(title().trim() || "Untitled session");
    if (result.error) {
      setError(result.error.message);
      return;
    }
    navigate({ name: "session", sessionId: result.value.sessionId });
  }

  return (
    <main class="center-screen">
      <section class="card sessions">
        <header class="row spread">
          <h1>Sessions</h1>
          <span class="muted">
            {auth()?.name}{" "}
            <button class="link" onClick={() => void signOut()}>
              Sign out
            </button>
          </span>
        </header>
        <form
          class="row"
          onSubmit={(event) => {
            event.preventDefault();
            void create();
          }}
        >
          <input name="title" placeholder="New session title" value={title()} onInput={(e) => setTitle(e.currentTarget.value)} />
          <button type="submit">Create session</button>
        </form>
        <Show when={error()}>
          <p class="error" role="alert">
            {error()}
          </p>
        </Show>
        <Show when={sessions()?.error}>
          {(failure) => (
            <p class="error">
              Could not load sessions: {failure().message}{" "}
              <button class="link" onClick={() => void refetch()}>
                Retry
              </button>
            </p>
          )}
        </Show>
        <ul class="session-list">
          <For each={listed()} fallback={<li class="muted">No sessions yet.</li>}>
            {(session) => (
              <li>
                <a href={`#/s/${encodeURIComponent(session.sessionId)}`}>{session.title}</a>
                <Show when={session.ended}>
                  <span class="muted"> (ended)</span>
                </Show>
              </li>
            )}
          </For>
        </ul>
      </section>
    </main>
  );
}
