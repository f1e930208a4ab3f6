/**
 * The plugin manager: every discovered plugin with what each of its
 * permissions allows, in plain words, shown before it can be enabled; the
 * per-user switch; for the session owner, the session-managed switch; and
 * the settings and secrets forms generated from the manifest. Secrets stay
 * in this browser (`localStorage["taiku:plugin-secrets"]`).
 */
import { createSignal, For, Show, type JSX } from "solid-js";
import { setSessionPlugin } from "../api/taikuApi";
import { showToast } from "../ui/toastStore";
import { catalog, type CatalogPlugin } from "./pluginCatalog";
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

function PluginCard(props: { plugin: CatalogPlugin; sessionId: string; isOwner: boolean; managed: boolean; sharedData: SharedDataView }): JSX.Element {
  const [reviewing, setReviewing] = createSignal(false);
  const enabled = () => userEnabledPlugins().includes(props.plugin.id);
  async function toggleManaged(on: boolean): Promise<void> {
    const result = await setSessionPlugin(props.sessionId, props.plugin.id, on);
    if (result.error) showToast(`Could not change the session's plugins: ${result.error.message}`, "error");
  }
  return (
    <li class="plugin-card card" data-plugin={props.plugin.id}>
      <header class="row spread">
        <strong>{props.plugin.name}</strong>
        <span class="muted">
          {props.plugin.id} · {props.plugin.source}
        </span>
      </header>
      <Show when={reviewing() || enabled()}>
        <p>{enabled() ? "It may:" : "Before you enable it — it will be allowed to:"}</p>
        <ul class="permissions">
          <For each={props.plugin.permissions} fallback={<li>Nothing beyond its own storage.</li>}>
            {(permission) => (
              <li>
                <code>{permission}</code> — {PERMISSION_TEXT[permission]}
              </li>
            )}
          </For>
        </ul>
      </Show>
      <div class="row">
        <Show
          when={enabled()}
          fallback={
            <Show when={reviewing()} fallback={<button onClick={() => setReviewing(true)}>Enable…</button>}>
              <button
                class="confirm-enable"
                onClick={() => {
                  setUserEnabled(props.plugin.id, true);
                  setReviewing(false);
                }}
              >
                Allow and enable
              </button>
              <button class="secondary" onClick={() => setReviewing(false)}>
                Cancel
              </button>
            </Show>
          }
        >
          <button class="secondary" onClick={() => setUserEnabled(props.plugin.id, false)}>
            Disable for me
          </button>
        </Show>
        <Show when={props.isOwner}>
          <label class="inline">
            <input type="checkbox" class="session-managed" checked={props.managed} onChange={(e) => void toggleManaged(e.currentTarget.checked)} />
            Enable for everyone in this session
          </label>
        </Show>
        <Show when={!props.isOwner && props.managed}>
          <span class="muted">Enabled for this session by its owner</span>
        </Show>
      </div>
      <Show when={enabled() || props.managed}>
        <SettingsForm plugin={props.plugin} />
        <SharedData pluginId={props.plugin.id} view={props.sharedData} />
      </Show>
    </li>
  );
}

/** The plugin manager dialog. */
export function PluginManager(props: {
  sessionId: string;
  isOwner: boolean;
  managed: readonly string[];
  sharedData: SharedDataView;
  onClose: () => void;
}): JSX.Element {
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
