/**
 * "Share a shell" and the session's hosts, at the top of the Shells pane.
 * The button creates a host token and shows the one command that shares a
 * shell with it (the token in `TAIKU_HOST_TOKEN`, `--server` naming this
 * page's origin), once: the token is not shown again. The list shows every
 * host token: who created it, when, until when it admits hosts, which
 * machines are connected with it, and Revoke for its creator and the
 * session owner (revoking disconnects its host).
 */
import { createSignal, For, Show, type JSX } from "solid-js";
import { showToast } from "../ui/toastStore";
import { createHostToken, revokeHostToken, shareCommand, type CreatedHostToken, type HostTokenInfo } from "./hostTokensApi";

function when(ms: number): string {
  return new Date(ms).toLocaleString(undefined, { dateStyle: "medium", timeStyle: "short" });
}

/** The share button, the command it produced, and the hosts list. */
export function ShareShellBox(props: {
  sessionId: string;
  /** The signed-in user. */
  me: string;
  /** The session owner (may revoke anyone's token). */
  ownerId: string | undefined;
  tokens: readonly HostTokenInfo[];
  /** Reloads `tokens`. */
  refresh: () => void;
}): JSX.Element {
  const [created, setCreated] = createSignal<CreatedHostToken>();
  const [busy, setBusy] = createSignal(false);
  const command = () => {
    const token = created();
    return token === undefined ? "" : shareCommand(props.sessionId, token.token, location.origin);
  };

  async function share(): Promise<void> {
    setBusy(true);
    const result = await createHostToken(props.sessionId);
    setBusy(false);
    if (result.error) return showToast(`Could not create a share command: ${result.error.message}`, "error");
    setCreated(result.value);
    props.refresh();
  }

  async function copy(): Promise<void> {
    try {
      await navigator.clipboard.writeText(command());
      showToast("Copied the share command");
    } catch (cause) {
      showToast(`Copy it by hand: the browser refused (${String(cause)})`, "error");
    }
  }

  async function revoke(token: HostTokenInfo): Promise<void> {
    const result = await revokeHostToken(props.sessionId, token.tokenId);
    if (result.error) return showToast(`Could not revoke: ${result.error.message}`, "error");
    if (created()?.tokenId === token.tokenId) setCreated(undefined);
    showToast(result.value.disconnected > 0 ? "Revoked; its host was disconnected" : "Revoked");
    props.refresh();
  }

  return (
    <div class="share-shell">
      <div class="row">
        <button class="secondary share-shell-button" disabled={busy()} onClick={() => void share()}>
          Share a shell
        </button>
      </div>
      <Show when={created()}>
        {(token) => (
          <div class="share-command-box">
            <p>
              On the machine whose shell you want to share, run this (from a taiku checkout, or with <code>npx taiku</code> in place of{" "}
              <code>taiku</code> there):
            </p>
            <pre class="command share-command">{command()}</pre>
            <div class="row">
              <button class="secondary" onClick={() => void copy()}>Copy</button>
              <button class="link" onClick={() => setCreated(undefined)}>Hide</button>
            </div>
            <p class="muted share-warning">
              Everyone in this session can type into a shell shared this way: it runs as you, on that machine, with your files.
              The command works until {when(token().expiresAt)} and is shown only now; revoke it below to stop its shells.
            </p>
          </div>
        )}
      </Show>
      <Show when={props.tokens.length > 0}>
        <table class="host-tokens">
          <caption class="muted">Share commands</caption>
          <tbody>
            <For each={props.tokens}>
              {(token) => (
                <tr data-token={token.tokenId}>
                  <td>
                    {token.label} <span class="muted">started by</span> <strong class="host-token-owner">{token.createdBy.name}</strong>
                  </td>
                  <td class="muted">{when(token.createdAt)}</td>
                  <td class="muted">
                    {token.hosts.length > 0 ? `connected: ${token.hosts.map((host) => host.host).join(", ")}` : "not connected"}
                    {token.expired ? " · expired" : ` · until ${when(token.expiresAt)}`}
                  </td>
                  <td>
                    <Show when={token.createdBy.userId === props.me || props.ownerId === props.me}>
                      <button class="link revoke-host-token" onClick={() => void revoke(token)}>Revoke</button>
                    </Show>
                  </td>
                </tr>
              )}
            </For>
          </tbody>
        </table>
      </Show>
    </div>
  );
}
