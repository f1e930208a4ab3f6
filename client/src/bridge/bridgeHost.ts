/**
 * The host side of the plugin bridge (DESIGN.md, "The bridge").
 *
 * Each plugin frame gets `taiku:init` plus its own `MessagePort`; the port is
 * the plugin's identity and carries every later message. A plugin whose SDK
 * loaded after that init went by asks for it again with `taiku:connect` on
 * the window: the host answers with a fresh init and port (closing the old
 * one, which nothing has read from) only when the message comes from the
 * frame of a live instance that has not yet spoken on its port, and at most
 * {@link MAX_INIT_RESENDS} times per instance; every other `taiku:connect`
 * is ignored like any window message. The instance's first message on its
 * port tells the watcher it started (`onStarted`). Each inbound
 * message is rate-limited per instance, then answered by the engine's
 * request server (`createBridgeServer`: decode, method lookup, permission,
 * parameters, the one handler table, encode) over
 * `createHostBridgeServices(services)`; file bytes in answers are
 * transferred, not copied. Events reach an instance only when
 * `mayReceiveEvent` allows it, shaped by the same server (shell numbers). Window
 * messages are never trusted: the host's window listener ignores any whose
 * `source` is not a live plugin frame, and live frames speak only on their
 * port. A plugin that floods or keeps sending garbage is stopped and its
 * panel shows why, while everything else keeps working. Throwing and hanging
 * happen out of the host's sight, so the SDK reports them: `reportError`
 * calls and the liveness monitor's verdict (`host:ping` / `pong`, see
 * `livenessMonitor`) reach the panel through the {@link InstanceWatcher}
 * given to `connect`.
 */
import {
  createBridgeServer,
  createErrorResponse,
  createEvent,
  createInit,
  decodeBridgeMessage,
  ErrorCode,
  isConnectMessage,
  mayReceiveEvent,
  type BridgeCaller,
  type BridgeValue,
  type Permission,
  type PluginId,
  type PluginManifest,
  type SessionId,
  type TaikuEvent,
} from "@taiku/engine";
import type { HostServices } from "./hostServices";
import { createHostBridgeServices } from "./hostBridgeServices";
import { createRateLimiter, DEFAULT_RATE_LIMIT, type RateLimit } from "./rateLimiter";
import { configuredLiveness, createLivenessMonitor, type LivenessTiming } from "./livenessMonitor";

/** One running plugin frame. */
export interface PluginInstance {
  readonly instanceId: string;
  readonly plugin: PluginManifest;
  readonly granted: ReadonlySet<Permission>;
  /** Sends an event to this instance, unconditionally (own-plugin events). */
  sendEvent(type: string, data: BridgeValue): void;
  /** Hands the instance's uncaught error (a `reportError` call; `starting` when thrown before `ready()`) to its panel. */
  reportError(report: PluginErrorReport, starting: boolean): void;
  /** Records the instance's answer to `host:ping { n }`. */
  pong(n: number): void;
}

/** An uncaught error a plugin instance reported. */
export interface PluginErrorReport {
  readonly message: string;
  readonly stack?: string;
}

/** Who hears about one instance's health (its panel). */
export interface InstanceWatcher {
  /**
   * The instance reported an uncaught error; it keeps running. `starting` is
   * true when the error was thrown before the host started the plugin (before
   * `ready()`) and the plugin has made no call other than health reports
   * since, so its panel is likely blank.
   */
  onError?(report: PluginErrorReport, starting: boolean): void;
  /** The instance made its first call other than a health report: it runs. */
  onFirstCall?(): void;
  /** The instance stopped (`false`) or resumed (`true`) answering pings. */
  onResponsiveChange?(responsive: boolean): void;
  /** The instance sent its first message on its port: its SDK is connected. */
  onStarted?(): void;
}

/** Methods the SDK calls by itself to report health; they do not show that the plugin's own code runs. */
const HEALTH_METHODS: ReadonlySet<string> = new Set(["reportError", "pong"]);

/** How many times one instance may ask for `taiku:init` again (`taiku:connect`). */
export const MAX_INIT_RESENDS = 3;

/** Why an instance was stopped. */
export interface InstanceFailure {
  readonly instanceId: string;
  readonly pluginId: string;
  readonly reason: string;
}

/** Options of {@link createBridgeHost}. */
export interface BridgeHostOptions {
  readonly rateLimit?: RateLimit;
  /** Protocol violations (undecodable messages) tolerated per instance before it is stopped. */
  readonly maxStrikes?: number;
  /** Called when an instance is stopped for misbehaving. */
  readonly onFailure?: (failure: InstanceFailure) => void;
  /** Ping cadence and patience; `configuredLiveness()` when omitted. */
  readonly liveness?: LivenessTiming;
}

/** The bridge host. */
export interface BridgeHost {
  /**
   * Starts talking to a loaded plugin frame; returns a function that
   * disconnects it. `watcher` hears the instance's reported errors and
   * whether it answers pings.
   */
  connect(plugin: PluginManifest, frame: Window, instanceId: string, watcher?: InstanceWatcher): () => void;
  /**
   * Handles a window `message` event. The only one acted on is a
   * `taiku:connect` from the frame of a live instance that has not spoken on
   * its port yet (init is sent again, a few times at most). Anything else is
   * ignored: a plugin speaks only on its port, so a message whose `source`
   * is not a live plugin frame is forged and one from a plugin frame is stray.
   */
  handleWindowMessage(event: MessageEvent): void;
  /** `taiku:init`s sent again in answer to `taiku:connect`, so far. */
  readonly initsResent: number;
  /** Sends an event of `pluginId` itself (e.g. `action:run`) to each of its instances. */
  sendToPlugin(pluginId: string, type: string, data: BridgeValue): void;
  /** Window messages ignored so far (forged or stray). */
  readonly ignoredWindowMessages: number;
  /** Disconnects every instance. */
  dispose(): void;
}

interface LiveInstance extends PluginInstance, BridgeCaller {
  /** The current port; replaced when init is sent again. */
  port: MessagePort;
  /** The plugin's window. */
  readonly window: Window;
  /** Answers `taiku:connect`: a fresh init and port, if this instance may still ask. */
  resendInit(): boolean;
  stop(reason?: string): void;
}

/** Creates the bridge host over `services`. */
export function createBridgeHost(services: HostServices, options: BridgeHostOptions = {}): BridgeHost {
  const server = createBridgeServer(createHostBridgeServices(services));
  const instances = new Map<string, LiveInstance>();
  const kvSubscriptions = new Map<LiveInstance, () => void>();
  const maxStrikes = options.maxStrikes ?? 20;
  const liveness = options.liveness ?? configuredLiveness();
  const rateLimit = options.rateLimit ?? DEFAULT_RATE_LIMIT;
  let ignored = 0;
  let resent = 0;

  const stopListening = services.events.listen((event: TaikuEvent, meta) => {
    if (meta.backlog) return;
    let data: BridgeValue | undefined | null = null;
    for (const instance of instances.values()) {
      if (!mayReceiveEvent(event.type, instance.granted)) continue;
      if (data === null) data = server.pluginEvent(event.type, event.data);
      if (data === undefined) return;
      post(instance.port, createEvent(event.type, data, event.ts));
    }
  });

  function post(port: MessagePort, message: unknown): void {
    port.postMessage(message);
  }

  function connect(plugin: PluginManifest, frame: Window, instanceId: string, watcher: InstanceWatcher = {}): () => void {
    instances.get(instanceId)?.stop();
    const limiter = createRateLimiter(rateLimit);
    const cleanups: (() => void)[] = [];
    let strikes = 0;
    let stopped = false;
    let spoken = false;
    let called = false;
    let resends = 0;

    const init = createInit({
      pluginId: plugin.id as PluginId,
      sessionId: services.sessionId as SessionId,
      instanceId,
      theme: services.theme(),
    });

    const closePort = (port: MessagePort): void => {
      port.onmessage = null;
      port.onmessageerror = null;
      port.close();
    };

    /** A fresh channel: the host keeps one end, the frame gets the other with `taiku:init`. */
    const openPort = (): MessagePort => {
      const channel = new MessageChannel();
      const port = channel.port1;
      port.onmessage = (event: MessageEvent) => onPortMessage(event);
      port.onmessageerror = () => strike("message could not be deserialised");
      port.start();
      frame.postMessage(init, "*", [channel.port2]);
      return port;
    };

    const instance: LiveInstance = {
      instanceId,
      plugin,
      window: frame,
      granted: new Set(plugin.permissions),
      port: undefined as unknown as MessagePort,
      sendEvent(type, data) {
        if (!stopped) post(instance.port, createEvent(type, data));
      },
      reportError(report, starting) {
        if (!stopped) watcher.onError?.(report, starting && !called);
      },
      pong(n) {
        monitor.pong(n);
      },
      /** The instance itself is the origin of its session KV updates. */
      get frame() {
        return instance;
      },
      startKvForwarding() {
        if (kvSubscriptions.has(instance)) return;
        kvSubscriptions.set(
          instance,
          services.kv(instance.plugin.id).onUpdate((update, origin) => {
            if (origin !== instance) instance.sendEvent("kv:update", { update });
          }),
        );
      },
      resendInit() {
        if (stopped || spoken || resends >= MAX_INIT_RESENDS) return false;
        resends++;
        closePort(instance.port);
        instance.port = openPort();
        return true;
      },
      stop(reason) {
        if (stopped) return;
        stopped = true;
        instances.delete(instanceId);
        for (const cleanup of cleanups) cleanup();
        closePort(instance.port);
        if (reason !== undefined) options.onFailure?.({ instanceId, pluginId: plugin.id, reason });
      },
    };

    const strike = (why: string): void => {
      strikes++;
      if (strikes >= maxStrikes) instance.stop(`stopped after ${strikes} malformed messages (last: ${why})`);
    };

    const onPortMessage = (event: MessageEvent): void => {
      if (stopped) return;
      if (!spoken) {
        spoken = true;
        watcher.onStarted?.();
      }
      if (!limiter.take()) {
        if (limiter.refusedRecently >= rateLimit.floodAfter) {
          instance.stop("stopped for flooding the host with requests");
          return;
        }
        const id = requestIdOf(event.data);
        if (id !== undefined) post(instance.port, createErrorResponse(id, ErrorCode.Unavailable, "rate limit exceeded; slow down"));
        return;
      }
      if (!called) {
        // Until its first call, a decoded request other than a health report tells the watcher the plugin runs.
        const decoded = decodeBridgeMessage(event.data);
        if (decoded.error === undefined && decoded.message.type === "taiku:request" && !HEALTH_METHODS.has(decoded.message.method)) {
          called = true;
          watcher.onFirstCall?.();
        }
      }
      void answer(instance, event.data, () => stopped, strike);
    };
    const monitor = createLivenessMonitor({
      timing: liveness,
      sendPing: (n) => instance.sendEvent("host:ping", { n }),
      onChange: (responsive) => {
        if (!stopped) watcher.onResponsiveChange?.(responsive);
      },
    });
    cleanups.push(() => monitor.stop());
    instances.set(instanceId, instance);
    cleanups.push(() => {
      kvSubscriptions.get(instance)?.();
      kvSubscriptions.delete(instance);
    });

    const kvHandle = services.kv(plugin.id);
    cleanups.push(
      kvHandle.kv.observe((change) => {
        instance.sendEvent("kv:change", { keys: [...change.keys.keys()] });
      }),
    );

    instance.port = openPort();
    return () => instance.stop();
  }

  async function answer(instance: LiveInstance, raw: unknown, isStopped: () => boolean, strike: (why: string) => void): Promise<void> {
    const outcome = await server.handle(raw, instance);
    if (isStopped()) return;
    if (outcome.kind === "malformed") {
      if (outcome.response !== undefined) post(instance.port, outcome.response);
      strike(outcome.reason);
      return;
    }
    instance.port.postMessage(outcome.response, outcome.transfer);
    const sessionKvWrite = outcome.method === "setPluginData" || outcome.method === "kv.update";
    const details = sessionKvWrite && outcome.error?.code === ErrorCode.QuotaExceeded ? outcome.error.details : undefined;
    if (details !== undefined && typeof details.attempted === "number" && typeof details.limit === "number") {
      services.toast(instance.plugin.id, `Not saved: its session data would use ${details.attempted} of ${details.limit} bytes.`, "warning");
    }
  }

  return {
    connect,
    handleWindowMessage(event) {
      const decoded = decodeBridgeMessage(event.data);
      if (decoded.error === undefined && isConnectMessage(decoded.message) && event.source !== null) {
        for (const instance of instances.values()) {
          if (instance.window !== event.source) continue;
          if (instance.resendInit()) {
            resent++;
            return;
          }
          break;
        }
      }
      // Anything else: one from a foreign frame is forged, one from a plugin frame is stray.
      ignored++;
    },
    get initsResent() {
      return resent;
    },
    sendToPlugin(pluginId, type, data) {
      for (const instance of instances.values()) if (instance.plugin.id === pluginId) instance.sendEvent(type, data);
    },
    get ignoredWindowMessages() {
      return ignored;
    },
    dispose() {
      stopListening();
      for (const instance of [...instances.values()]) instance.stop();
    },
  };
}

/** The `id` of something shaped like a request, so even a rejected one can be answered. */
function requestIdOf(raw: unknown): string | undefined {
  if (typeof raw !== "object" || raw === null || !Object.hasOwn(raw, "id")) return undefined;
  const id = (raw as { id: unknown }).id;
  return typeof id === "string" && /^[A-Za-z0-9_.:-]{1,64}$/.test(id) ? id : undefined;
}
