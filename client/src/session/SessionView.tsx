/**
 * The session view: the workspaces and participants, the selected
 * workspace's header, its tools (Shells, Files, Git, then every plugin's
 * panels, sandboxed and Pi Web modules, in one order), chat, agent activity,
 * the status bar with the connection indicator, the selected workspace and
 * plugin labels, the action palette, the plugin manager and the invite
 * dialog. It loads the Pi Web modules (see `client/src/piweb/`) and is their
 * runtime host while mounted.
 */
import { createMemo, createSignal, For, onCleanup, onMount, Show, type JSX } from "solid-js";
import type { Auth } from "../api/authStore";
import { html } from "lit";
import { ErrorCode, TaikuError } from "@taiku/engine";
import { apiRequest } from "../api/apiRequest";
import { createInvite, createSession, signOut, type SessionInfo } from "../api/taikuApi";
import { navigate } from "../app/route";
import { LitArea } from "../piweb/LitArea";
import { activeModules, moduleActions, moduleLabels, modulePanels, normalizeShortcut } from "../piweb/moduleContributions";
import { modulesOff } from "../piweb/modulePreferences";
import { createModuleStorage } from "../piweb/moduleStorage";
import { loadPiWebModules, piWebModules } from "../piweb/piWebModules";
import { guard } from "../piweb/pluginFailures";
import { piWebHost, setPiWebHost, type PiWebHost } from "../piweb/runtimeContext";
import { WorkspaceLabels } from "../piweb/WorkspaceLabels";
import { compareOrdered } from "../piweb/contributionIds";
import { PluginFrame } from "../plugins/PluginFrame";
import { PluginManager } from "../plugins/PluginManager";
import { SessionPluginNotice } from "../plugins/SessionPluginNotice";
import { catalog, findPlugin, refreshCatalog } from "../plugins/pluginCatalog";
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
import { WorkspaceList } from "./WorkspaceList";
import { BUILT_IN_TOOLS } from "./workspaceLayout";

/** What `selectWorkspaceTool` accepts for the built-in tools. */
const TOOL_ALIASES: Readonly<Record<string, string>> = { terminal: "shells", shells: "shells", files: "files", git: "git" };

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
    // Pi Web modules: on unless this user turned them off; each loads once per page.
    await loadPiWebModules(catalog().modules, (id) => modulesOff(props.auth.userId).includes(id), { html, taiku: createModuleStorage });
  });

  const workspace = () => runtime.workspaces.selected();
  const modules = createMemo(() => activeModules(piWebModules(), modulesOff(props.auth.userId)));
  const wsLabels = createMemo(() => moduleLabels(modules()));
  /** Module panels shown for the selected workspace (none without one). */
  const shownModulePanels = createMemo(() => {
    const current = workspace();
    if (current === undefined) return [];
    return modulePanels(modules()).filter((panel) => {
      const visible = panel.spec.visible;
      return visible === undefined || guard(panel.pluginId, `${panel.qualifiedId} visible`, () => visible({ workspace: current }) !== false, false);
    });
  });
  let chatInput: HTMLInputElement | null = null;
  const host: PiWebHost = {
    selectedWorkspace: () => {
      const current = workspace();
      if (current === undefined) return undefined;
      const { host: _host, status: _status, ...plain } = current;
      return plain;
    },
    selectedSession: () => ({ id: props.sessionId, title: info()?.title ?? props.sessionId, ownerId: info()?.ownerId ?? "", isOwner: isOwner() }),
    openActionPalette: () => setPaletteOpen(true),
    focusPrompt: () => {
      chatInput ??= document.querySelector<HTMLInputElement>(".chat input[name=chat]") ?? document.querySelector<HTMLInputElement>("input[name=chat]");
      chatInput?.focus();
    },
    selectWorkspaceTool: (id) => {
      const builtIn = TOOL_ALIASES[id];
      if (builtIn !== undefined) return runtime.ui.setOpenPanel(builtIn);
      const tab = panels().find((panel) => panel.qualifiedId === id);
      if (tab === undefined) throw new TaikuError(ErrorCode.NotFound, `no workspace tool ${id} (use a qualified id such as my-plugin:workspace.info)`);
      runtime.ui.setOpenPanel(tab.key);
    },
    startSession: async () => {
      const created = await createSession("New session");
      if (created.error !== undefined) throw new TaikuError(ErrorCode.Unavailable, `could not create a session: ${created.error.message}`);
      navigate({ name: "session", sessionId: created.value.sessionId });
    },
    archiveSession: async () => {
      if (!isOwner()) throw new TaikuError(ErrorCode.PermissionDenied, "only the session's owner can end it");
      const ended = await apiRequest(`/api/sessions/${encodeURIComponent(props.sessionId)}/end`, { method: "POST", body: {} });
      if (ended.error !== undefined) throw new TaikuError(ErrorCode.Unavailable, `could not end the session: ${ended.error.message}`);
      const loaded = await loadSessionInfo(props.sessionId);
      if (loaded.info !== undefined) setInfo(loaded.info);
    },
    logoutAuth: () => signOut(),
    configureAuth: async () => {
      await signOut();
      navigate({ name: "signin" });
    },
    refreshFiles: () => runtime.tools.refreshFiles(),
    refreshGit: () => runtime.tools.refreshGit(),
    kv: (pluginId) => runtime.kv(pluginId),
  };
  onCleanup(setPiWebHost(host));

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

  /** Every plugin's panels, both kinds, in one order (`order`, then qualified id); a module panel's key is its qualified id. */
  const panels = createMemo(() =>
    [
      ...runtime.plugins().flatMap((plugin) =>
        plugin.contributions.panels.map((panel) => ({
          key: `${plugin.id}/${panel.id}`,
          qualifiedId: `${plugin.id}:${panel.id}`,
          order: panel.order,
          pluginId: plugin.id,
          title: panel.title,
          initialBadge: panel.badge as unknown,
          module: undefined,
        })),
      ),
      ...shownModulePanels().map((panel) => ({
        key: panel.qualifiedId,
        qualifiedId: panel.qualifiedId,
        order: panel.order,
        pluginId: panel.pluginId,
        title: String(panel.spec.title),
        initialBadge: undefined as unknown,
        module: panel,
      })),
    ].sort(compareOrdered),
  );
  const shownModulePanel = () => panels().find((panel) => panel.key === shownPanel())?.module;
  /**
   * The open tab: the layout plugins read (built-in tools and sandboxed panels), or a module panel it does not
   * list; a remembered plugin tab whose plugin is not (yet) running shows Shells meanwhile.
   */
  const shownPanel = (): string => {
    const key = runtime.ui.openPanel();
    return panels().some((panel) => panel.key === key) && !BUILT_IN_TOOLS.some((tool) => tool.key === key) ? key : runtime.layout().openPanel;
  };
  const openPluginId = () => shownPanel().split("/")[0];
  /** Frames are keyed by plugin id, so a refreshed catalog does not restart running plugins. */
  const pluginIds = createMemo(() => runtime.plugins().map((plugin) => plugin.id), undefined, {
    equals: (a, b) => a.length === b.length && a.every((id, i) => id === b[i]),
  });

  const frameActions = createMemo<PaletteAction[]>(() => [
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
  /** Module actions after every other action; a shortcut already taken is reported, not stolen. */
  const moduleEntries = createMemo(() => {
    const taken = new Set(["mod+k", ...frameActions().flatMap((action) => (action.shortcut === undefined ? [] : [normalizeShortcut(action.shortcut)]))]);
    return moduleActions(modules(), piWebHost, taken);
  });
  const actions = (): PaletteAction[] => [...frameActions(), ...moduleEntries()];
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
          <WorkspaceList model={runtime.workspaces} labels={wsLabels()} />
          <ParticipantsPanel model={runtime.model} />
        </aside>
        <Show when={ended()}>
          <main class="workspace ended">
            <SessionEnded end={runtime.model.ended()} endedBy={endedBy()} isOwner={isOwner()} />
          </main>
        </Show>
        <main class="workspace" classList={{ hidden: ended() }}>
          <Show when={workspace()}>
            {(current) => (
              <header class="workspace-header" data-workspace={current().id}>
                <strong class="workspace-title">{current().label}</strong>
                <Show when={current().branch}>{(branch) => <span class="muted">{branch()}</span>}</Show>
                <span class="workspace-labels">
                  <WorkspaceLabels workspace={current()} labels={wsLabels()} />
                </span>
              </header>
            )}
          </Show>
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
                <button
                  role="tab"
                  class="plugin-tab"
                  data-panel={panel.key}
                  data-contribution={panel.qualifiedId}
                  classList={{ active: shownPanel() === panel.key }}
                  onClick={() => runtime.ui.setOpenPanel(panel.key)}
                >
                  {panel.title}
                  <Show
                    when={panel.module}
                    fallback={
                      <Show when={runtime.ui.badges()[panel.key] ?? (panel.initialBadge as string | number | undefined)}>
                        {(badge) => <span class="badge">{String(badge())}</span>}
                      </Show>
                    }
                  >
                    {(contribution) => {
                      const badge = () => {
                        const current = workspace();
                        const read = contribution().spec.badge;
                        return current === undefined || read === undefined ? undefined : guard(panel.pluginId, `${panel.qualifiedId} badge`, () => read({ workspace: current }), undefined);
                      };
                      return (
                        <Show when={badge() !== undefined && badge() !== ""}>
                          <Show when={typeof badge() === "object"} fallback={<span class="badge">{String(badge())}</span>}>
                            <LitArea inline class="badge" pluginId={panel.pluginId} contribution={`${panel.qualifiedId} badge`} template={() => badge()} />
                          </Show>
                        </Show>
                      );
                    }}
                  </Show>
                </button>
              )}
            </For>
          </nav>
          <div class="workspace-body">
            <Show when={shownPanel() === "shells"}>
              <ShellsPanel
                sessionId={props.sessionId}
                me={props.auth.userId}
                ownerId={info()?.ownerId}
                shells={runtime.model.shells()}
                events={runtime.events}
                channel={runtime.channel}
                onFocusShell={(shellId) => {
                  const workspace = runtime.workspaces.workspaceOfShell(shellId);
                  if (workspace !== undefined) runtime.workspaces.select(workspace.id);
                }}
              />
            </Show>
            <Show when={shownPanel() === "files"}>
              <FilesTool
                workspace={runtime.workspaces.selected}
                version={runtime.tools.filesVersion}
                onRefresh={runtime.tools.refreshFiles}
                onSave={(workspaceId, path, content) => runtime.channel.fs("write", path, content, workspaceId)}
              />
            </Show>
            <Show when={shownPanel() === "git"}>
              <GitTool workspace={runtime.workspaces.selected} version={runtime.tools.gitVersion} onRefresh={runtime.tools.refreshGit} />
            </Show>
            <Show when={shownModulePanel()}>
              {(panel) => (
                <Show when={workspace()}>
                  {(current) => (
                    <section class="pi-web-panel" data-contribution={panel().qualifiedId}>
                      <LitArea pluginId={panel().pluginId} contribution={`${panel().qualifiedId} render`} template={() => panel().spec.render({ workspace: current() })} class="pi-web-panel-body" />
                    </section>
                  )}
                </Show>
              )}
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
      <StatusBar
        indicator={<ConnectionIndicator sessionId={props.sessionId} docs={[runtime.synced, ...runtime.kvDocs()]} online={runtime.online()} />}
        plugins={labels()}
        workspace={
          <Show when={workspace()}>
            {(current) => (
              <span class="status-workspace" data-workspace={current().id}>
                {current().label}
                <WorkspaceLabels workspace={current()} labels={wsLabels()} />
              </span>
            )}
          </Show>
        }
      />
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
          userId={props.auth.userId}
          isOwner={isOwner()}
          managed={runtime.model.managedPlugins()}
          sharedData={runtime.sharedData}
          onClose={() => setManagerOpen(false)}
        />
      </Show>
    </div>
  );
}
