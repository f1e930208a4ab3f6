/**
 * Tells a member which plugins the session's owner enabled for everyone,
 * with what each may do, the first time they run in this member's browser
 * (the member never pressed "Allow and enable" for them). Dismissing it
 * remembers the plugins as seen for this session in localStorage
 * (`taiku:seen-session-plugins`, session id → plugin ids); a plugin the
 * owner enables later is announced again.
 */
import { createMemo, createSignal, For, Show, type JSX } from "solid-js";
import { findPlugin } from "./pluginCatalog";
import { PERMISSION_TEXT } from "./permissionText";

const STORAGE_KEY = "taiku:seen-session-plugins";

function readSeen(): Record<string, string[]> {
  const raw = localStorage.getItem(STORAGE_KEY);
  if (raw === null) return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch (error) {
    console.warn("taiku: ignoring localStorage taiku:seen-session-plugins, it is not JSON", error);
    return {};
  }
  if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) return {};
  const seen: Record<string, string[]> = {};
  for (const [sid, ids] of Object.entries(parsed)) if (Array.isArray(ids)) seen[sid] = ids.filter((id): id is string => typeof id === "string");
  return seen;
}

/** The notice for `managed` plugins of `sessionId`; shown to members, never to the owner who enabled them. */
export function SessionPluginNotice(props: { sessionId: string; isOwner: boolean; managed: readonly string[] }): JSX.Element {
  const [seen, setSeen] = createSignal<readonly string[]>(readSeen()[props.sessionId] ?? []);
  const unseen = createMemo(() =>
    props.isOwner ? [] : props.managed.filter((id) => !seen().includes(id)).flatMap((id) => findPlugin(id) ?? []),
  );
  function dismiss(): void {
    const next = [...new Set([...seen(), ...unseen().map((plugin) => plugin.id)])];
    localStorage.setItem(STORAGE_KEY, JSON.stringify({ ...readSeen(), [props.sessionId]: next }));
    setSeen(next);
  }
  return (
    <Show when={unseen().length > 0}>
      <div class="banner session-plugin-notice" role="status">
        <p>The session's owner enabled {unseen().length === 1 ? "a plugin" : "plugins"} for everyone here, so they run in your browser too:</p>
        <ul>
          <For each={unseen()}>
            {(plugin) => (
              <li data-plugin={plugin.id}>
                <strong>{plugin.name}</strong> may:{" "}
                {plugin.permissions.length === 0 ? "nothing beyond its own storage." : plugin.permissions.map((permission) => PERMISSION_TEXT[permission]).join(" ")}
              </li>
            )}
          </For>
        </ul>
        <button class="secondary" onClick={dismiss}>
          Got it
        </button>
      </div>
    </Show>
  );
}
