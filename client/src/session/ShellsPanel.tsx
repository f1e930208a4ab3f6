/**
 * Shared shells as xterm.js panes, fed by `shell:data` events (and the
 * buffered output when a pane opens). With no shells, it shows the command
 * that shares them: `taiku share <sessionId>`.
 */
import { For, onCleanup, onMount, Show, type JSX } from "solid-js";
import { Terminal } from "@xterm/xterm";
import "@xterm/xterm/css/xterm.css";
import type { SessionEvents } from "./sessionEvents";
import type { ShellInfo } from "./sessionModel";

function ShellPane(props: { shell: ShellInfo; events: SessionEvents }): JSX.Element {
  let host!: HTMLDivElement;
  onMount(() => {
    const terminal = new Terminal({
      convertEol: true,
      fontSize: 13,
      theme: { background: "#18181b", foreground: "#e4e4e7", cursor: "#a1a1aa" },
    });
    terminal.open(host);
    const buffered = props.events.shellOutput(props.shell.id, 1000);
    if (buffered !== "") terminal.write(buffered);
    const stop = props.events.listen((event) => {
      if (event.type !== "shell:data") return;
      const data = event.data as { shellId?: unknown; data?: unknown } | null;
      if (data?.shellId === props.shell.id && typeof data.data === "string") terminal.write(data.data);
    });
    onCleanup(() => {
      stop();
      terminal.dispose();
    });
  });
  return (
    <figure class="shell-pane" data-shell={props.shell.id}>
      <figcaption>
        {props.shell.title} <span class="muted">{props.shell.host}:{props.shell.cwd} · {props.shell.status}</span>
      </figcaption>
      <div class="terminal-host" ref={host} />
    </figure>
  );
}

/** The shells panel. */
export function ShellsPanel(props: { sessionId: string; shells: readonly ShellInfo[]; events: SessionEvents }): JSX.Element {
  return (
    <section class="shells" aria-label="Shells">
      <Show
        when={props.shells.length > 0}
        fallback={
          <div class="empty-state">
            <p>No shells are shared yet. On the machine whose shells you want to share, run:</p>
            <pre class="command">taiku share {props.sessionId}</pre>
          </div>
        }
      >
        <For each={props.shells}>{(shell) => <ShellPane shell={shell} events={props.events} />}</For>
      </Show>
    </section>
  );
}
