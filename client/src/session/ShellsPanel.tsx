/**
 * Shared shells as xterm.js panes. Output arrives as `shell:data` events
 * (the relay's backlog first, which redraws the pane); keystrokes go back as
 * `shell:input` on the session's event channel. "Share a shell" creates a
 * host token and shows the command that shares a shell with it
 * (`ShareShellBox`). Each pane says whose machine it runs on: the member who
 * created the host token its id names (`<tokenId>.sh-…`, which the relay
 * enforces). Ended shells (`exited`, `closed`) stay visible, dimmed,
 * without input.
 */
import { createEffect, createSignal, For, on, onCleanup, onMount, Show, type JSX } from "solid-js";
import { Terminal } from "@xterm/xterm";
import "@xterm/xterm/css/xterm.css";
import { sessionEvent } from "@taiku/engine";
import type { SessionEventChannel } from "./sessionEventChannel";
import type { SessionEvents } from "./sessionEvents";
import type { ShellInfo } from "./sessionModel";
import { fittingSize } from "./fitTerminal";
import { listHostTokens, tokenIdOfShell, type HostTokenInfo } from "./hostTokensApi";
import { ShareShellBox } from "./ShareShellBox";

const FONT_FAMILY = "ui-monospace, monospace";
const FONT_SIZE = 13;

function ShellPane(props: { shell: ShellInfo; owner: string | undefined; events: SessionEvents; channel: SessionEventChannel; onFocus?: (shellId: string) => void }): JSX.Element {
  let host!: HTMLDivElement;
  const running = () => props.shell.status === "running";
  onMount(() => {
    const terminal = new Terminal({
      convertEol: false,
      fontSize: FONT_SIZE,
      fontFamily: FONT_FAMILY,
      theme: { background: "#18181b", foreground: "#e4e4e7", cursor: "#a1a1aa" },
    });
    terminal.open(host);
    const buffered = props.events.shellOutput(props.shell.id, 1000);
    if (buffered !== "") terminal.write(buffered);
    const stop = props.events.listen((event, meta) => {
      if (event.type !== "shell:data") return;
      const data = event.data as { shellId?: unknown; data?: unknown } | null;
      if (data?.shellId !== props.shell.id || typeof data.data !== "string") return;
      if (meta.backlog) terminal.reset();
      terminal.write(data.data);
    });
    // The pane fits its container; the shell follows the size of whoever types into it.
    let sentSize = "";
    const fit = (): void => {
      const { cols, rows } = fittingSize(host, FONT_FAMILY, FONT_SIZE);
      if (cols !== terminal.cols || rows !== terminal.rows) terminal.resize(cols, rows);
    };
    const followMe = (): void => {
      const size = `${terminal.cols}x${terminal.rows}`;
      if (size === sentSize || !running()) return;
      if (props.channel.send(sessionEvent("shell:resize", { shellId: props.shell.id, cols: terminal.cols, rows: terminal.rows }))) sentSize = size;
    };
    fit();
    const observer = new ResizeObserver(() => {
      fit();
      if (host.contains(document.activeElement)) followMe();
    });
    observer.observe(host);
    const input = terminal.onData((data) => {
      if (!running()) return;
      followMe();
      props.channel.send(sessionEvent("shell:input", { shellId: props.shell.id, data }));
    });
    onCleanup(() => {
      stop();
      observer.disconnect();
      input.dispose();
      terminal.dispose();
    });
  });
  return (
    <figure class="shell-pane" classList={{ ended: !running() }} data-shell={props.shell.id} data-status={props.shell.status} onFocusIn={() => props.onFocus?.(props.shell.id)}>
      <figcaption class="row spread">
        <span>
          {props.shell.title}{" "}
          <span class="shell-owner">{props.owner === undefined ? "on an unknown member's machine" : `on ${props.owner}'s machine`}</span>{" "}
          <span class="muted">{props.shell.host}:{props.shell.cwd} · {props.shell.status}</span>
        </span>
        <Show when={running()}>
          <button class="link" onClick={() => props.channel.send(sessionEvent("shell:close-request", { shellId: props.shell.id }))}>
            Close
          </button>
        </Show>
      </figcaption>
      <div class="terminal-host" ref={host} />
    </figure>
  );
}

/** The shells panel. */
export function ShellsPanel(props: {
  sessionId: string;
  /** The signed-in user. */
  me: string;
  /** The session owner. */
  ownerId: string | undefined;
  shells: readonly ShellInfo[];
  events: SessionEvents;
  channel: SessionEventChannel;
  /** A shell's pane took the focus (the selected workspace follows it). */
  onFocusShell?: (shellId: string) => void;
}): JSX.Element {
  const hasHost = () => props.shells.some((shell) => shell.status === "running");
  const [tokens, setTokens] = createSignal<readonly HostTokenInfo[]>([]);
  async function refresh(): Promise<void> {
    const result = await listHostTokens(props.sessionId);
    if (result.error === undefined) setTokens(result.value);
  }
  // Reload when shells come and go: a host connecting or leaving changes the list.
  createEffect(on(() => props.shells.map((shell) => `${shell.id}:${shell.status}`).join(","), () => void refresh()));
  const ownerOf = (shell: ShellInfo): string | undefined => {
    const tokenId = tokenIdOfShell(shell.id);
    return tokens().find((token) => token.tokenId === tokenId)?.createdBy.name;
  };
  return (
    <section class="shells" aria-label="Shells">
      <ShareShellBox sessionId={props.sessionId} me={props.me} ownerId={props.ownerId} tokens={tokens()} refresh={() => void refresh()} />
      <Show
        when={props.shells.length > 0}
        fallback={
          <div class="empty-state">
            <p>No shells are shared yet. Press "Share a shell" and run the command it shows on the machine whose shell you want to share.</p>
          </div>
        }
      >
        <Show when={hasHost()}>
          <div class="row">
            <button class="secondary" onClick={() => props.channel.send(sessionEvent("shell:open-request", {}))}>
              Open another shell
            </button>
          </div>
        </Show>
        <For each={props.shells}>{(shell) => <ShellPane shell={shell} owner={ownerOf(shell)} events={props.events} channel={props.channel} onFocus={props.onFocusShell} />}</For>
      </Show>
    </section>
  );
}
