/**
 * One plugin's frame: `<iframe sandbox="allow-scripts">` (never
 * `allow-same-origin`, so the plugin runs in an opaque origin and reaches
 * the session only through the bridge). On load the bridge connects it
 * (`taiku:init` + its port). A frame that does not load in time, or that the
 * bridge stops, shows the reason instead, with a way to restart it; nothing
 * else on the page is affected.
 *
 * Plugin pages need the network to load: the browser never lets a service
 * worker serve a sandboxed frame without `allow-same-origin`. A frame loaded
 * while offline shows that it will start when the network is back, and is
 * reloaded then; the plugin's shared data is kept by the host meanwhile.
 */
import { createEffect, createSignal, on, onCleanup, Show, type JSX } from "solid-js";
import type { BridgeHost } from "../bridge/bridgeHost";
import type { CatalogPlugin } from "./pluginCatalog";

/** How long a plugin frame may take to load. */
export const PLUGIN_LOAD_TIMEOUT_MS = 15_000;

/** The frame of `plugin`; `failure` is why it was stopped, if it was. */
export function PluginFrame(props: {
  plugin: CatalogPlugin;
  bridge: BridgeHost;
  visible: boolean;
  online: boolean;
  failure: string | undefined;
  onFail: (reason: string) => void;
  onRestart: () => void;
}): JSX.Element {
  const [generation, setGeneration] = createSignal(0);
  const [loadedOffline, setLoadedOffline] = createSignal(false);
  createEffect(
    on(
      () => props.online,
      (online) => {
        if (online && loadedOffline()) {
          setLoadedOffline(false);
          setGeneration((n) => n + 1);
        }
      },
      { defer: true },
    ),
  );
  let disconnect: (() => void) | undefined;
  let loadTimer: ReturnType<typeof setTimeout> | undefined;

  function mount(frame: HTMLIFrameElement): void {
    clearTimeout(loadTimer);
    loadTimer = setTimeout(() => props.onFail(`did not load within ${PLUGIN_LOAD_TIMEOUT_MS / 1000} s`), PLUGIN_LOAD_TIMEOUT_MS);
    frame.addEventListener("load", () => {
      clearTimeout(loadTimer);
      if (!navigator.onLine) {
        setLoadedOffline(true);
        return;
      }
      const target = frame.contentWindow;
      if (target === null) return;
      disconnect?.();
      const instanceId = `${props.plugin.id.replace(/[^A-Za-z0-9_-]/g, "_")}-${crypto.randomUUID().slice(0, 8)}`;
      disconnect = props.bridge.connect(props.plugin, target, instanceId);
    });
  }
  onCleanup(() => {
    clearTimeout(loadTimer);
    disconnect?.();
  });

  return (
    <div class="plugin-frame" classList={{ hidden: !props.visible }} data-plugin={props.plugin.id}>
      <Show
        when={props.failure === undefined}
        fallback={
          <div class="plugin-error" role="alert">
            <p>
              <strong>{props.plugin.name}</strong> stopped: {props.failure}
            </p>
            <button
              onClick={() => {
                disconnect?.();
                props.onRestart();
                setGeneration((n) => n + 1);
              }}
            >
              Restart plugin
            </button>
          </div>
        }
      >
        <Show when={loadedOffline()}>
          <div class="plugin-offline muted">
            <strong>{props.plugin.name}</strong> starts when the network is back. Its shared data is kept on this device and syncs then.
          </div>
        </Show>
        <Show when={generation() + 1} keyed>
          <iframe
            ref={mount}
            src={props.plugin.entryUrl}
            sandbox="allow-scripts"
            title={props.plugin.name}
            referrerpolicy="no-referrer"
            classList={{ hidden: loadedOffline() }}
          />
        </Show>
      </Show>
    </div>
  );
}
