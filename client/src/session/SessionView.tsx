/**
 * The session view: participants, shells, plugin panels, chat, agent
 * activity, the status bar with the connection indicator and plugin labels,
 * the action palette, the plugin manager and the invite dialog.
 */
import { createMemo, createSignal, For, onCleanup, onMount, Show, type JSX } from "solid-js";
import type { Auth } from "../api/authStore";
import { createInvite, type SessionInfo } from "../api/taikuApi";
import { PluginFrame } from "../plugins/PluginFrame";
import { PluginManager } from "../plugins/PluginManager";
import { SessionPluginNotice } from "../plugins/SessionPluginNotice";
import { findPlugin, refreshCatalog } from "../plugins/pluginCatalog";
import { showToast } from "../ui/toastStore";
import { ActionPalette, usePaletteShortcuts, type PaletteAction } from "./ActionPalette";
import { ActivityFeed } from "./ActivityFeed";
import { ChatPanel } from "./ChatPanel";
import { ConnectionIndicator } from "./ConnectionIndicator";
import { EndSessionDialog } from "./EndSessionDialog";
import { SessionEnded } from "./SessionEnded";
import { ThemeToggle } from "../app/ThemeToggle";
import { openSessionRuntime } from "./openSessionRuntime";
import { ParticipantsPanel } from "./ParticipantsPanel";
import { cachedSessionInfo, loadSessionInfo } from "./sessionInfoCache";
import { ShellsPanel } from "./ShellsPanel";
import { FilesTool } from "../workspace/FilesTool";
import { GitTool } from "../workspace/GitTool";
import { StatusBar, type PluginLabels } from "./StatusBar";
import { BUILT_IN_TOOLS } from "./workspaceLayout";

/** The view of one session for a signed-in user. */
export function SessionView(props: { sessionId: string; auth: Auth }): JSX.Element {
  const [info, setInfo] = createSignal<SessionInfo | undefined>(cachedSessionInfo(props.sessionId));
  const [accessError, setAccessError] = createSignal<string>();
  const [paletteOpen, setPaletteOpen] = createSignal(false);
  const [managerOpen, setManagerOpen] = createSignal(false);
  const [inviteLink, setInviteLink] = createSignal<string>();
  const [endOpen, setEndOpen] = createSignal(false);
  const runtime = openSessionRuntime(props.sessionId, props.auth, info);
  onCleanup(() => runtime.dispose());
  /** The browser is online and the server answers (plugin pages load only then). */
  const reachable = (): boolean => runtime.online() && runtime.synced.state() !== "offline" && runtime.synced.state() !== "unreachable";

  onMount(async () => {
    const [loaded] = await Promise.all([loadSessionInfo(props.sessionId), refreshCatalog()]);
    if (loaded.info !== undefined) setInfo(loaded.info);
    if (loaded.error !== undefined) setAccessError(loaded.error);
  });

  const isOwner = () => info()?.ownerId === props.auth.userId;
  /** The owner ended the session: the session document says so, or the server did when the page opened. */
  const ended = () => runtime.model.ended() !== undefined || info()?.ended === true;
  const endedBy = () => {
    const by = runtime.model.ended()?.by;
    return by === undefined ? undefined : runtime.model.members().find((member) => member.userId === by)?.name;
  };

  async function invite(): Promise<void> {
    const result = await createInvite(props.sessionId);
    if (result.error) {
      showToast(`Could not create an invite: ${result.error.message}`, "error");
      return;
    }
    setInviteLink(`${location.origin}/#/join/${encodeURIComponent(props.sessionId)}/${encodeURIComponent(result.value.code)}`);
  }

  const panels = createMemo(() =>
    runtime.plugins().flatMap((plugin) =>
      [...plugin.contributions.panels]
        .sort((a, b) => (a.order ?? 0) - (b.order ?? 0))
        .map((panel) => ({ key: `${plugin.id}/${panel.id}`, pluginId: plugin.id, title: panel.title, initialBadge: panel.badge })),
    ),
  );
  /** The open tab; a remembered plugin tab whose plugin is not (yet) running shows Shells meanwhile (the layout plugins read). */
  const shownPanel = (): string => runtime.layout().openPanel;
  const openPluginId = () => shownPanel().split("/")[0];
  /** Frames are keyed by plugin id, so a refreshed catalog does not restart running plugins. */
  const pluginIds = createMemo(() => runtime.plugins().map((plugin) => plugin.id), undefined, {
    equals: (a, b) => a.length === b.length && a.every((id, i) => id === b[i]),
  });

  const actions = createMemo<PaletteAction[]>(() => [
    ...(ended() ? [] : [{ key: "host/plugins", title: "Manage plugins", group: "Session", disabled: false, run: () => setManagerOpen(true) }]),
    ...(isOwner() && !ended()
      ? [
          { key: "host/invite", title: "Invite people", group: "Session", disabled: false, run: () => void invite() },
          { key: "host/end", title: "End session…", group: "Session", disabled: false, run: () => setEndOpen(true) },
        ]
      : []),
    ...runtime.plugins().flatMap((plugin) =>
      plugin.contributions.actions.map((action) => ({
        key: `${plugin.id}/${action.id}`,
        title: action.title,
        ...(action.description === undefined ? {} : { description: action.description }),
        ...(action.shortcut === undefined ? {} : { shortcut: action.shortcut }),
        group: action.group ?? plugin.name,
        disabled: runtime.ui.disabledActions().has(`${plugin.id}/${action.id}`),
        run: () => runtime.runAction(plugin.id, action.id),
      })),
    ),
  ]);
  usePaletteShortcuts(actions, () => setPaletteOpen((open) => !open));

  const labels = createMemo<PluginLabels[]>(() =>
    runtime.plugins().map((plugin) => ({
      pluginId: plugin.id,
      pluginName: plugin.name,
      labels:
        runtime.ui.labels()[plugin.id] ??
        plugin.contributions.statusLabels.map((label) => ({ id: label.id, text: label.text ?? "", ...(label.href === undefined ? {} : { href: label.href }) })),
    })),
  );

  return (
    <div class="session-view">
      <header class="session-header row spread">
        <div class="row">
          <a href="#/" class="muted">
            ← Sessions
          </a>
          <h1>{info()?.title ?? props.sessionId}</h1>
        </div>
        <div class="row header-actions">
          <ThemeToggle />
          <Show when={isOwner() && !ended()}>
            <button class="secondary" onClick={() => void invite()}>
              Invite
            </button>
            <button class="secondary danger-text end-session" onClick={() => setEndOpen(true)}>
              End session
            </button>
          </Show>
          <Show when={!ended()}>
            <button class="secondary" onClick={() => setManagerOpen(true)}>
              Plugins
            </button>
          </Show>
          <button class="secondary" title="Ctrl/Cmd+K" onClick={() => setPaletteOpen(true)}>
            Actions
          </button>
        </div>
      </header>
      <Show when={accessError()}>
        <p class="error banner" role="alert">
          {accessError()}
        </p>
      </Show>
      <Show when={info() !== undefined && !ended()}>
        <SessionPluginNotice sessionId={props.sessionId} isOwner={isOwner()} managed={runtime.model.managedPlugins()} />
      </Show>
      <Show when={inviteLink()}>
        {(link) => (
          <div class="banner invite">
            Invite link: <input class="invite-link" readOnly value={link()} onFocus={(e) => e.currentTarget.select()} />
            <span class="invite-warning">
              Anyone who opens it can join after signing up. Members can see and type into the shared shells — commands they type run on the machine sharing them.
            </span>
            <button class="link" onClick={() => setInviteLink(undefined)}>
              Close
            </button>
          </div>
        )}
      </Show>
      <div class="session-body">
        <aside class="sidebar">
          <ParticipantsPanel model={runtime.model} />
        </aside>
        <Show when={ended()}>
          <main class="workspace ended">
            <SessionEnded end={runtime.model.ended()} endedBy={endedBy()} isOwner={isOwner()} />
          </main>
        </Show>
        <main class="workspace" classList={{ hidden: ended() }}>
          <nav class="tabs" role="tablist">
            <For each={BUILT_IN_TOOLS}>
              {(tool) => (
                <button role="tab" data-tool={tool.key} classList={{ active: shownPanel() === tool.key }} onClick={() => runtime.ui.setOpenPanel(tool.key)}>
                  {tool.title}
                </button>
              )}
            </For>
            <For each={panels()}>
              {(panel) => (
                <button role="tab" class="plugin-tab" data-panel={panel.key} classList={{ active: shownPanel() === panel.key }} onClick={() => runtime.ui.setOpenPanel(panel.key)}>
                  {panel.title}
                  <Show when={runtime.ui.badges()[panel.key] ?? panel.initialBadge}>
                    {(badge) => <span class="badge">{String(badge())}</span>}
                  </Show>
                </button>
              )}
            </For>
          </nav>
          <div class="workspace-body">
            <Show when={shownPanel() === "shells"}>
              <ShellsPanel sessionId={props.sessionId} me={props.auth.userId} ownerId={info()?.ownerId} shells={runtime.model.shells()} events={runtime.events} channel={runtime.channel} />
            </Show>
            <Show when={shownPanel() === "files"}>
              <FilesTool workspace={runtime.workspaces.selected} version={runtime.tools.filesVersion} onRefresh={runtime.tools.refreshFiles} />
            </Show>
            <Show when={shownPanel() === "git"}>
              <GitTool workspace={runtime.workspaces.selected} version={runtime.tools.gitVersion} onRefresh={runtime.tools.refreshGit} />
            </Show>
            <For each={pluginIds()}>
              {(pluginId) => (
                <Show when={findPlugin(pluginId)}>
                  {(plugin) => (
                    <PluginFrame
                      plugin={plugin()}
                      bridge={runtime.bridge}
                      visible={openPluginId() === pluginId && plugin().contributions.panels.length > 0}
                      online={reachable()}
                      failure={runtime.ui.failures()[pluginId]}
                      onFail={(reason) => runtime.ui.fail(pluginId, reason)}
                      onRestart={() => runtime.ui.clearFailure(pluginId)}
                    />
                  )}
                </Show>
              )}
            </For>
          </div>
        </main>
        <aside class="sidebar right">
          <ChatPanel messages={runtime.model.chat()} onSend={runtime.sendChat} readOnly={ended()} />
          <ActivityFeed entries={runtime.model.activity()} />
        </aside>
      </div>
      <StatusBar indicator={<ConnectionIndicator sessionId={props.sessionId} docs={[runtime.synced, ...runtime.kvDocs()]} online={runtime.online()} />} plugins={labels()} />
      <Show when={paletteOpen()}>
        <ActionPalette actions={actions()} onClose={() => setPaletteOpen(false)} />
      </Show>
      <Show when={endOpen()}>
        <EndSessionDialog
          sessionId={props.sessionId}
          title={info()?.title ?? props.sessionId}
          onClose={() => setEndOpen(false)}
          onEnded={() => {
            setEndOpen(false);
            setInviteLink(undefined);
            setInfo((current) => (current === undefined ? current : { ...current, ended: true }));
          }}
        />
      </Show>
      <Show when={managerOpen() && !ended()}>
        <PluginManager
          sessionId={props.sessionId}
          isOwner={isOwner()}
          managed={runtime.model.managedPlugins()}
          sharedData={runtime.sharedData}
          onClose={() => setManagerOpen(false)}
        />
      </Show>
    </div>
  );
}
