/**
 * The session chat: messages from the session document, and a box to send.
 */
import { createSignal, For, type JSX } from "solid-js";
import type { ChatMessage } from "./sessionModel";

/** The chat panel. */
export function ChatPanel(props: { messages: readonly ChatMessage[]; onSend: (text: string) => void }): JSX.Element {
  const [draft, setDraft] = createSignal("");
  return (
    <section class="panel chat" aria-label="Chat">
      <h2>Chat</h2>
      <ol class="chat-log">
        <For each={props.messages} fallback={<li class="muted">No messages yet.</li>}>
          {(m) => (
            <li class="chat-message">
              <strong>{m.name}</strong> <time class="muted">{new Date(m.ts).toLocaleTimeString()}</time>
              <div>{m.text}</div>
            </li>
          )}
        </For>
      </ol>
      <form
        class="row"
        onSubmit={(event) => {
          event.preventDefault();
          props.onSend(draft());
          setDraft("");
        }}
      >
        <input name="chat" placeholder="Message" value={draft()} onInput={(e) => setDraft(e.currentTarget.value)} />
        <button type="submit">Send</button>
      </form>
    </section>
  );
}
