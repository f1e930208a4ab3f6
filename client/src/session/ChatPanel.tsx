/**
 * The session chat: messages from the session document, and a box to send
 * (none once the session ended: the chat is read-only then). Each message is
 * its author, time and text in one tight block, consecutive ones separated by
 * a small gap, and long words wrap instead of widening the side bar.
 */
import { createSignal, For, Show, type JSX } from "solid-js";
import type { ChatMessage } from "./sessionModel";

/** The chat panel. */
export function ChatPanel(props: { messages: readonly ChatMessage[]; onSend: (text: string) => void; readOnly?: boolean }): JSX.Element {
  const [draft, setDraft] = createSignal("");
  return (
    <section class="panel chat" aria-label="Chat">
      <h2>Chat</h2>
      <ol class="chat-log">
        <For each={props.messages} fallback={<li class="muted">No messages yet.</li>}>
          {(m) => (
            <li class="chat-message">
              <div class="chat-meta">
                <strong>{m.name}</strong> <time class="muted">{new Date(m.ts).toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" })}</time>
              </div>
              <div class="chat-text">{m.text}</div>
            </li>
          )}
        </For>
      </ol>
      <Show when={!props.readOnly}>
      <form
        class="row chat-form"
        onSubmit={(event) => {
          event.preventDefault();
          props.onSend(draft());
          setDraft("");
        }}
      >
        <input name="chat" placeholder="Message" value={draft()} onInput={(e) => setDraft(e.currentTarget.value)} />
        <button type="submit">Send</button>
      </form>
      </Show>
    </section>
  );
}
