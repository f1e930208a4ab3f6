/**
 * One plugin's frame: `<iframe sandbox="allow-scripts">` (never
 * `allow-same-origin`, so the plugin runs in an opaque origin and reaches
 * the session only through the bridge). On load the bridge connects it
 * (`taiku:init` + its port). A frame that does not load in time, or that the
 * bridge stops, shows the reason instead, with a way to restart it; nothing
 * else on the page is affected. A running plugin that reports an uncaught
 * error gets a dismissible banner with the message over its frame (it keeps
 * running), and one that stops answering the host's pings is shown as not
 * responding until it answers again; both offer a restart.
 *
 * A panel is never blank: a plugin whose page fails to load (its entry
 * answers an HTTP error or cannot be fetched: checked with a `HEAD` request
 * when the frame loads), or that fails while starting (it reports an error
 * it threw before `ready()`, and has made no call since), shows an error
 * card with the reason and a Retry in place of its frame; a plugin that
 * fails while starting but then makes a call is running after all, and the
 * card becomes the error banner.
 *
 * Plugin pages need the network to load: the browser never lets a service
 * worker serve a sandboxed frame without `allow-same-origin`. A frame loaded
 * while offline (or while the server cannot be reached) shows that it will
 * start when the network is back, and is reloaded then, as is any frame
 * whose plugin had not started by then (its page may have failed to load
 * while the browser still claimed to be online); the plugin's shared data
 * is kept by the host meanwhile.
 */
import { createEffect, createSignal, on, onCleanup, Show, type JSX } from "solid-js";
import type { BridgeHost, PluginErrorReport } from "../bridge/bridgeHost";
import type { CatalogPlugin } from "./pluginCatalog";

/** How long a plugin frame may take to load. */
export const PLUGIN_LOAD_TIMEOUT_MS = 15_000;

/** How long a loaded plugin may take to connect (its first message on its port) before it shows "did not start". */
export const PLUGIN_START_TIMEOUT_MS = 8_000;

/** The health banner sits over the top of the running frame, in the theme's colours. */
const BANNER_STYLE = {
  position: "absolute",
  top: "0",
  left: "0",
  right: "0",
  "z-index": "1",
  display: "flex",
  gap: "8px",
  "align-items": "center",
  padding: "8px 12px",
  background: "var(--bg-raised)",
  color: "var(--danger)",
  "border-bottom": "1px solid var(--border)",
} as const;

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
  const [reported, setReported] = createSignal<{ report: PluginErrorReport; count: number }>();
  const [responsive, setResponsive] = createSignal(true);
  const [notStarted, setNotStarted] = createSignal(false);
  /** Why the plugin's page failed to load or the plugin failed while starting; its frame is hidden meanwhile. */
  const [startFailure, setStartFailure] = createSignal<{ kind: "load" | "start"; reason: string }>();
  /** Set once the plugin has connected since its frame last loaded. */
  const [started, setStarted] = createSignal(false);
  createEffect(
    on(
      () => props.online,
      (online) => {
        // Back online: a frame loaded while offline, or one whose page never started (a page that failed to load
        // while the browser still claimed to be online), loads again.
        if (online && (loadedOffline() || !started())) {
          setLoadedOffline(false);
          setNotStarted(false);
          setGeneration((n) => n + 1);
        }
      },
      { defer: true },
    ),
  );
  let disconnect: (() => void) | undefined;
  let loadTimer: ReturnType<typeof setTimeout> | undefined;
  let startTimer: ReturnType<typeof setTimeout> | undefined;

  function mount(frame: HTMLIFrameElement): void {
    clearTimeout(loadTimer);
    loadTimer = setTimeout(() => props.onFail(`did not load within ${PLUGIN_LOAD_TIMEOUT_MS / 1000} s`), PLUGIN_LOAD_TIMEOUT_MS);
    frame.addEventListener("load", () => {
      clearTimeout(loadTimer);
      setStarted(false);
      if (!navigator.onLine || !props.online) {
        setLoadedOffline(true);
        return;
      }
      const target = frame.contentWindow;
      if (target === null) return;
      disconnect?.();
      setStartFailure(undefined);
      void checkEntry(props.plugin.entryUrl).then((reason) => {
        if (reason !== undefined && frame.isConnected) {
          clearTimeout(startTimer);
          setNotStarted(false);
          setStartFailure({ kind: "load", reason });
        }
      });
      const instanceId = `${props.plugin.id.replace(/[^A-Za-z0-9_-]/g, "_")}-${crypto.randomUUID().slice(0, 8)}`;
      setReported(undefined);
      setResponsive(true);
      setNotStarted(false);
      clearTimeout(startTimer);
      startTimer = setTimeout(() => setNotStarted(true), PLUGIN_START_TIMEOUT_MS);
      disconnect = props.bridge.connect(props.plugin, target, instanceId, {
        onError: (report, starting) => {
          if (starting && startFailure() === undefined) setStartFailure({ kind: "start", reason: report.message });
          setReported((last) => ({ report, count: (last?.count ?? 0) + 1 }));
        },
        onFirstCall: () => {
          if (startFailure()?.kind === "start") setStartFailure(undefined);
        },
        onResponsiveChange: setResponsive,
        onStarted: () => {
          clearTimeout(startTimer);
          setNotStarted(false);
          setStarted(true);
        },
      });
    });
  }
  function restart(): void {
    disconnect?.();
    disconnect = undefined;
    clearTimeout(startTimer);
    setNotStarted(false);
    setStartFailure(undefined);
    setReported(undefined);
    setResponsive(true);
    props.onRestart();
    setGeneration((n) => n + 1);
  }
  onCleanup(() => {
    clearTimeout(loadTimer);
    clearTimeout(startTimer);
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
            <button onClick={restart}>Restart plugin</button>
          </div>
        }
      >
        <Show when={loadedOffline()}>
          <div class="plugin-offline muted">
            <strong>{props.plugin.name}</strong> starts when the network is back. Its shared data is kept on this device and syncs then.
          </div>
        </Show>
        <Show when={startFailure()}>
          {(failure) => (
            <div class="plugin-error plugin-start-failed" role="alert" data-kind={failure().kind}>
              <p>
                <strong>{props.plugin.name}</strong> {failure().kind === "load" ? "failed to load" : "failed to start"}:{" "}
                <span class="plugin-error-message">{failure().reason}</span>
              </p>
              <button onClick={restart}>Retry</button>
            </div>
          )}
        </Show>
        <Show when={notStarted() && startFailure() === undefined}>
          <div class="plugin-error plugin-not-started" role="alert">
            <p>
              <strong>{props.plugin.name}</strong> did not start: it has not connected to taiku within {PLUGIN_START_TIMEOUT_MS / 1000} s.
            </p>
            <button onClick={restart}>Retry</button>
          </div>
        </Show>
        <Show when={!responsive()}>
          <div class="plugin-health plugin-not-responding" role="alert" style={BANNER_STYLE}>
            <span>
              <strong>{props.plugin.name}</strong> is not responding.
            </span>
            <button onClick={restart}>Restart plugin</button>
          </div>
        </Show>
        <Show when={responsive() && startFailure() === undefined && reported()}>
          {(shown) => (
            <div class="plugin-health plugin-error-banner" role="alert" style={BANNER_STYLE} title={shown().report.stack ?? ""}>
              <span style={{ flex: "1", "overflow-wrap": "anywhere" }}>
                <strong>{props.plugin.name}</strong> hit an error: <span class="plugin-error-message">{shown().report.message}</span>
                {shown().count > 1 ? ` (${shown().count} errors)` : ""}
              </span>
              <button onClick={restart}>Restart plugin</button>
              <button onClick={() => setReported(undefined)}>Dismiss</button>
            </div>
          )}
        </Show>
        <Show when={generation() + 1} keyed>
          <iframe
            ref={mount}
            src={props.plugin.entryUrl}
            sandbox="allow-scripts"
            title={props.plugin.name}
            referrerpolicy="no-referrer"
            classList={{ hidden: loadedOffline() || notStarted() || startFailure() !== undefined }}
          />
        </Show>
      </Show>
    </div>
  );
}

/** Why the plugin's entry page cannot be loaded (`HEAD` answers an HTTP error, or no answer), or `undefined` when it can. */
async function checkEntry(url: string): Promise<string | undefined> {
  let response: Response;
  try {
    response = await fetch(url, { method: "HEAD", cache: "no-store" });
  } catch (cause) {
    return `its page could not be fetched (${cause instanceof Error ? cause.message : String(cause)})`;
  }
  return response.ok ? undefined : `its page answered HTTP ${response.status}${response.statusText === "" ? "" : ` ${response.statusText}`}`;
}
