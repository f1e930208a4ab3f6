/**
 * The plugin manager: every discovered plugin with its description, its one
 * state (enabled for everyone in the session, for this user, or not), what
 * each of its permissions allows in plain words — shown before it can be
 * enabled for this user or, by the owner, for the whole session, and to
 * every member once it runs — and the settings and secrets forms generated
 * from the manifest, then the trusted Pi Web modules (see `ModuleCard`). Secrets stay
 * in this browser (`localStorage["taiku:plugin-secrets"]`). The manifest is
 * fetched again when the manager opens and whenever the window regains
 * focus while it is open, so newly installed plugins appear without a reload
 * (the server answers from its mtime cache, so this is cheap).
 */
import { createSignal, For, onCleanup, onMount, Show, type JSX } from "solid-js";
import { setSessionPlugin } from "../api/taikuApi";
import { ModuleCard } from "../piweb/ModuleCard";
import { showToast } from "../ui/toastStore";
import { catalog, refreshCatalog, type CatalogPlugin } from "./pluginCatalog";
import { PERMISSION_TEXT } from "./permissionText";
import { readSecret, readSettings, setUserEnabled, userEnabledPlugins, writeSecret, writeSetting } from "./pluginPreferences";

function SettingsForm(props: { plugin: CatalogPlugin }): JSX.Element {
  const settings = readSettings(props.plugin);
  return (
    <Show when={props.plugin.settings.length + props.plugin.secrets.length > 0}>
      <fieldset class="plugin-settings">
        <legend>Settings</legend>
        <For each={props.plugin.settings}>
          {(spec) => (
            <label>
              {spec.label}
              {spec.type === "boolean" ? (
                <input type="checkbox" checked={settings[spec.key] === true} onChange={(e) => writeSetting(props.plugin.id, spec.key, e.currentTarget.checked)} />
              ) : spec.type === "select" ? (
                <select onChange={(e) => writeSetting(props.plugin.id, spec.key, e.currentTarget.value)}>
                  <For each={spec.options}>{(option) => <option selected={settings[spec.key] === option}>{option}</option>}</For>
                </select>
              ) : (
                <input
                  type={spec.type === "number" ? "number" : "text"}
                  value={String(settings[spec.key] ?? "")}
                  onChange={(e) => writeSetting(props.plugin.id, spec.key, spec.type === "number" ? Number(e.currentTarget.value) : e.currentTarget.value)}
                />
              )}
            </label>
          )}
        </For>
        <For each={props.plugin.secrets}>
          {(spec) => (
            <label>
              {spec.label} <span class="muted">(kept only in this browser)</span>
              <input
                type="password"
                autocomplete="off"
                value={readSecret(props.plugin.id, spec.key) ?? ""}
                onChange={(e) => writeSecret(props.plugin.id, spec.key, e.currentTarget.value)}
              />
            </label>
          )}
        </For>
      </fieldset>
    </Show>
  );
}

/** What the manager shows of a plugin's session KV. */
export type SharedDataView = (pluginId: string) => { used: number; limit: number; entries: [string, unknown][] };

function SharedData(props: { pluginId: string; view: SharedDataView }): JSX.Element {
  const data = props.view(props.pluginId);
  return (
    <details class="shared-data">
      <summary>
        Shared data in this session: {data.used} of {data.limit} bytes, {data.entries.length} entries
      </summary>
      <dl>
        <For each={data.entries}>
          {([key, value]) => (
            <>
              <dt>{key}</dt>
              <dd>
                <code class="shared-value">{JSON.stringify(value).slice(0, 200)}</code>
              </dd>
            </>
          )}
        </For>
      </dl>
    </details>
  );
}

/** What a plugin is in this session, for this user: exactly one of these at a time. */
export type PluginCardState = "session" | "user" | "off";

/** The one state of a plugin: enabled for the whole session, for this user only, or not enabled. */
export function pluginCardState(managed: boolean, userEnabled: boolean): PluginCardState {
  return managed ? "session" : userEnabled ? "user" : "off";
}

const STATE_TEXT: Readonly<Record<PluginCardState, (isOwner: boolean) => string>> = {
  session: (isOwner) => (isOwner ? "Enabled for everyone in this session" : "Enabled for this session by its owner"),
  user: () => "Enabled for you",
  off: () => "Not enabled",
};

function Permissions(props: { plugin: CatalogPlugin; intro: string }): JSX.Element {
  return (
    <>
      <p class="permissions-intro">{props.intro}</p>
      <ul class="permissions">
        <For each={props.plugin.permissions} fallback={<li>Nothing beyond its own storage.</li>}>
          {(permission) => (
            <li>
              <code>{permission}</code> — {PERMISSION_TEXT[permission]}
            </li>
          )}
        </For>
      </ul>
    </>
  );
}

/**
 * One plugin. Nothing is enabled until its permissions were shown and
 * "Allow and enable" pressed: "Enable…" asks for this user, and the owner's
 * "Enable for everyone in this session" box asks for the whole session (the
 * box stays ticked while asking; Cancel unticks it). Turning the box off
 * takes effect at once: withdrawing needs no consent. A plugin the owner
 * enabled for the session shows every member what it may do.
 */
function PluginCard(props: { plugin: CatalogPlugin; sessionId: string; isOwner: boolean; managed: boolean; sharedData: SharedDataView }): JSX.Element {
  const [reviewing, setReviewing] = createSignal<"user" | "session" | null>(null);
  const [saving, setSaving] = createSignal(false);
  const state = () => pluginCardState(props.managed, userEnabledPlugins().includes(props.plugin.id));
  async function setManaged(on: boolean): Promise<boolean> {
    setSaving(true);
    const result = await setSessionPlugin(props.sessionId, props.plugin.id, on);
    setSaving(false);
    if (result.error) {
      showToast(`Could not change the session's plugins: ${result.error.message}`, "error");
      return false;
    }
    return true;
  }
  async function allow(): Promise<void> {
    const scope = reviewing();
    if (scope === "user") setUserEnabled(props.plugin.id, true);
    if (scope === "session") await setManaged(true);
    setReviewing(null);
  }
  return (
    <li class="plugin-card card" data-plugin={props.plugin.id} data-state={state()}>
      <header class="row spread">
        <strong>{props.plugin.name}</strong>
        <span class="muted">
          {props.plugin.id}
          {props.plugin.version === "" ? "" : ` ${props.plugin.version}`} · {props.plugin.source}
        </span>
      </header>
      <Show when={props.plugin.description}>{(text) => <p class="plugin-description">{text()}</p>}</Show>
      <p class="plugin-state" classList={{ muted: state() === "off" }}>
        {STATE_TEXT[state()](props.isOwner)}
      </p>
      <Show
        when={reviewing()}
        fallback={<Permissions plugin={props.plugin} intro={state() === "off" ? "If enabled, it may:" : "It may:"} />}
      >
        {(scope) => (
          <Permissions
            plugin={props.plugin}
            intro={scope() === "session" ? "Before you enable it for everyone in this session — it will be allowed, in every member's browser, to:" : "Before you enable it — it will be allowed to:"}
          />
        )}
      </Show>
      <div class="row">
        <Show when={reviewing() !== null}>
          <button class="confirm-enable" disabled={saving()} onClick={() => void allow()}>
            Allow and enable
          </button>
          <button class="secondary" disabled={saving()} onClick={() => setReviewing(null)}>
            Cancel
          </button>
        </Show>
        <Show when={reviewing() === null && state() === "off"}>
          <button onClick={() => setReviewing("user")}>Enable…</button>
        </Show>
        <Show when={reviewing() === null && state() === "user"}>
          <button class="secondary" onClick={() => setUserEnabled(props.plugin.id, false)}>
            Disable for me
          </button>
        </Show>
        <Show when={props.isOwner}>
          <label class="inline">
            <input
              type="checkbox"
              class="session-managed"
              checked={props.managed || reviewing() === "session"}
              disabled={saving()}
              onChange={(e) => {
                const box = e.currentTarget;
                if (box.checked) setReviewing("session");
                else if (reviewing() === "session") setReviewing(null);
                else void setManaged(false).then((done) => (box.checked = !done));
              }}
            />
            Enable for everyone in this session
          </label>
        </Show>
      </div>
      <Show when={state() !== "off"}>
        <SettingsForm plugin={props.plugin} />
        <SharedData pluginId={props.plugin.id} view={props.sharedData} />
      </Show>
    </li>
  );
}

/** The plugin manager dialog. */
export function PluginManager(props: {
  sessionId: string;
  /** The signed-in user (whose modules are turned off on this client). */
  userId: string;
  isOwner: boolean;
  managed: readonly string[];
  sharedData: SharedDataView;
  onClose: () => void;
}): JSX.Element {
  const refresh = (): void => {
    void refreshCatalog().then((problem) => {
      if (problem !== undefined) console.warn(`taiku: ${problem}; the plugin list shown is the last one fetched`);
    });
  };
  onMount(refresh);
  window.addEventListener("focus", refresh);
  onCleanup(() => window.removeEventListener("focus", refresh));
  return (
    <div class="overlay" role="dialog" aria-label="Plugins" onClick={(e) => e.target === e.currentTarget && props.onClose()}>
      <section class="card dialog plugin-manager">
        <header class="row spread">
          <h2>Plugins</h2>
          <button class="link" onClick={() => props.onClose()}>
            Close
          </button>
        </header>
        <ul class="plugin-list">
          <For each={catalog().plugins} fallback={<li class="muted">No plugins discovered.</li>}>
            {(plugin) => (
              <PluginCard
                plugin={plugin}
                sessionId={props.sessionId}
                isOwner={props.isOwner}
                managed={props.managed.includes(plugin.id)}
                sharedData={props.sharedData}
              />
            )}
          </For>
        </ul>
        <Show when={catalog().modules.length > 0}>
          <h3>Pi Web modules</h3>
          <p class="muted">Trusted modules run in this page with your full access. They are on unless you turn them off here.</p>
          <ul class="plugin-list modules">
            <For each={catalog().modules}>{(entry) => <ModuleCard entry={entry} userId={props.userId} />}</For>
          </ul>
        </Show>
        <Show when={catalog().errors.length > 0}>
          <h3>Problems found while discovering plugins</h3>
          <ul class="error">
            <For each={catalog().errors}>{(error) => <li>{error}</li>}</For>
          </ul>
        </Show>
      </section>
    </div>
  );
}
