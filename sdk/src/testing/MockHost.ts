/**
 * `MockHost`: a stand-in for the taiku host so plugin logic runs in Vitest
 * (with a DOM environment) without a session. It hands the plugin a
 * `MessagePort` the way the real host does and answers every message with
 * the real host's request server (the engine's `createBridgeServer`: decode,
 * permission, parameters, the one handler table) over in-memory services
 * (`mockServices.ts`) holding {@link MockState}, so its answers are the real
 * host's. It keeps the plugin's session KV the way the real host does: a host replica built on the engine's `createPluginKvHost` (the same
 * judge for `sharedDoc()` updates, the same compensation sent back to the
 * plugin's replica, the same `kv:rejected` event and `quota_exceeded`
 * answer), synced with an in-memory relay running the real quota arbiter.
 * It can also simulate other participants.
 * Create it before or after the plugin's `TaikuPlugin`; dispose of it when
 * the test ends.
 */
import {
  createBridgeServer,
  createEvent,
  createInit,
  createPluginKvHost,
  decodeBridgeMessage,
  ErrorCode,
  isPermission,
  mayReceiveEvent,
  PERMISSIONS,
  validatePluginPackage,
  type BridgeCaller,
  type BridgeErrorBody,
  type BridgeServer,
  type BridgeValue,
  type ErrorCode as ErrorCodeValue,
  type JsonValue,
  type KvRejection,
  type Permission,
  type PluginFrame,
  type PluginId,
  type PluginKvHost,
  type PluginManifest,
  type ResponseMessage,
  type SessionId,
  type SessionKv,
  type Theme,
} from "@taiku/engine";
import * as Y from "yjs";
import { forgetHostLink, offerHostLink, trafficOf, type HostLink } from "../hostLink";
import { createMockState, type MockData, type MockState } from "./mockData";
import { createMockServices } from "./mockServices";
import { MockRelay, type RelayConnection } from "./mockRelay";
import { SimulatedParticipant } from "./SimulatedParticipant";

/** Options of {@link MockHost}. */
export interface MockHostOptions {
  /** The plugin's id; `test-plugin` by default. */
  readonly pluginId?: string;
  /** The session's id; `test-session` by default. */
  readonly sessionId?: string;
  /** Granted permissions; the manifest's when it is given, else every permission. */
  readonly permissions?: readonly Permission[];
  /**
   * The plugin's entry of `taiku.plugins` in its `package.json` (validated
   * like the real manifest): its declared settings (their defaults are what
   * `getSetting` reads until changed), panels and actions (`setBadge`,
   * `openPanel` and `setActionEnabled` on an undeclared id are `not_found`,
   * as in taiku) and permissions. Fields left out default to none; `id` to
   * {@link pluginId}, `name` to the id, `entry` to `index.html`.
   */
  readonly manifest?: { readonly [field: string]: unknown };
  /** What the host answers with (see {@link MockData}). */
  readonly data?: MockData;
  /** The theme sent in `taiku:init`; `dark` by default. */
  readonly theme?: Theme;
}

/** One request the plugin made, as the host saw it. */
export interface RecordedCall {
  /** The method called. */
  readonly method: string;
  /** Its parameters, as sent. */
  readonly params: { readonly [key: string]: BridgeValue };
  /** The error code it was answered with, when it failed. */
  readonly error?: ErrorCodeValue;
}

/** A fake taiku host for one plugin instance. */
export class MockHost {
  /** The plugin's id. */
  readonly pluginId: PluginId;
  /** The session's id. */
  readonly sessionId: SessionId;
  /** Granted permissions. */
  readonly permissions: ReadonlySet<Permission>;
  /** The plugin's manifest, as the host knows it. */
  readonly manifest: PluginManifest;
  /** Everything the host answers from; tests may read and change it. */
  readonly state: MockState;
  /** Every request the plugin made, oldest first. */
  readonly calls: RecordedCall[] = [];
  /** The host client's replica of the plugin's session KV (what `getPluginData` reads). */
  readonly kv: SessionKv;
  /** The relay holding the authoritative session KV document. */
  readonly relay = new MockRelay();
  /** Quota rejections the relay sent this client, oldest first. */
  readonly rejections: KvRejection[] = [];

  readonly #channel = new MessageChannel();
  readonly #port: MessagePort = this.#channel.port1;
  readonly #link: HostLink;
  readonly #clientDoc = new Y.Doc();
  readonly #kvHost: PluginKvHost = createPluginKvHost(this.#clientDoc);
  /** The plugin's frame, as the host's replica knows it: the origin of its updates, and who hears verdicts. */
  readonly #frame: PluginFrame = { sendEvent: (type, data) => this.#send(type, data) };
  readonly #connection: RelayConnection;
  readonly #rejects = new Map<string, BridgeErrorBody>();
  readonly #server: BridgeServer;
  readonly #delays = new Map<string, number>();
  readonly #timers = new Set<ReturnType<typeof setTimeout>>();
  readonly #participants = new Set<SimulatedParticipant>();
  readonly #cleanups: (() => void)[] = [];
  #inFlight = 0;
  #sent = 0;
  #received = 0;
  #forwardingKv = false;
  #disposed = false;

  constructor(options: MockHostOptions = {}) {
    const pluginId = options.pluginId ?? (typeof options.manifest?.id === "string" ? options.manifest.id : "test-plugin");
    const sessionId = options.sessionId ?? "test-session";
    const init = createInit({
      pluginId: pluginId as PluginId,
      sessionId: sessionId as SessionId,
      instanceId: "mock-1",
      theme: options.theme ?? "dark",
    });
    const checked = decodeBridgeMessage(init);
    if (checked.error !== undefined) throw new TypeError(`MockHost: ${checked.error}`);
    const unknown = (options.permissions ?? []).filter((permission) => !isPermission(permission));
    if (unknown.length > 0) throw new TypeError(`MockHost: unknown permission ${JSON.stringify(unknown[0])}`);
    this.pluginId = init.pluginId;
    this.sessionId = init.sessionId;
    this.manifest = mockManifest(pluginId, options.manifest);
    this.permissions = new Set(options.permissions ?? (options.manifest?.permissions === undefined ? PERMISSIONS : this.manifest.permissions));
    this.state = createMockState(this.sessionId, this.pluginId, options.data, {
      name: this.manifest.name,
      permissions: [...this.permissions],
      theme: init.theme,
    });
    this.#server = createBridgeServer(
      createMockServices({ state: this.state, kvHost: this.#kvHost, deliver: (type, data) => void this.emit(type, data) }),
      { intercept: (call) => this.#rejects.get(call.method) },
    );
    this.kv = this.#kvHost.kv;
    for (const [key, value] of Object.entries(options.data?.pluginData ?? {})) this.kv.set(key, value);
    this.#connection = this.relay.connect(this.#clientDoc, (rejection) => {
      this.rejections.push(rejection);
      this.#send("kv:rejected", { ...rejection });
    });
    this.#watchKv();
    this.#port.addEventListener("message", this.#onRequest);
    this.#port.start();
    this.#link = { init, port: this.#channel.port2 };
    if (typeof window !== "undefined" && typeof window.dispatchEvent === "function") {
      window.dispatchEvent(new MessageEvent("message", { data: init, ports: [this.#channel.port2], source: window }));
    } else {
      offerHostLink(this.#link);
    }
  }

  /** Answers every later call of `method` with this error (until {@link restore}). */
  reject(method: string, code: ErrorCodeValue = ErrorCode.Internal, message = `${method} failed (MockHost.reject)`): void {
    // Permission and parameter checks still come first, as they would in taiku.
    this.#rejects.set(method, { code, message });
  }

  /** Answers every later call of `method` only after `ms` milliseconds (until {@link restore}). */
  delay(method: string, ms: number): void {
    this.#delays.set(method, ms);
  }

  /** Undoes {@link reject} and {@link delay} for `method`. */
  restore(method: string): void {
    this.#rejects.delete(method);
    this.#delays.delete(method);
  }

  /** The recorded calls of one method. */
  callsTo(method: string): RecordedCall[] {
    return this.calls.filter((call) => call.method === method);
  }

  /**
   * Sends the plugin a session event, if its permissions allow it (the real
   * host's rule); returns whether it was delivered.
   */
  emit(type: string, data: JsonValue): boolean {
    if (!mayReceiveEvent(type, this.permissions)) return false;
    const shaped = this.#server.pluginEvent(type, data);
    if (shaped === undefined) return false;
    this.#send(type, shaped);
    return true;
  }

  /** Runs one of the plugin's palette actions (sends `action:run`). */
  runAction(actionId: string): void {
    this.emit("action:run", { actionId });
  }

  /**
   * Sends the plugin the host's liveness probe `host:ping { n }`, as the real
   * host does every few seconds; the SDK answers with a `pong { n }` call,
   * recorded in `calls` like every other call (so are `reportError`s).
   */
  ping(n: number): void {
    this.#send("host:ping", { n });
  }

  /** A second participant with its own replica of the plugin's session KV, online at once. */
  addParticipant(): SimulatedParticipant {
    const participant = new SimulatedParticipant(this.relay);
    this.#participants.add(participant);
    return participant;
  }

  /** This client loses its connection to the relay; the plugin keeps working against it. */
  goOffline(): void {
    this.#connection.goOffline();
  }

  /** This client reconnects; changes made meanwhile are exchanged (and arbitrated) both ways. */
  goOnline(): void {
    this.#connection.goOnline();
  }

  /**
   * Resolves once traffic between plugin and host has stopped: every message
   * either side sent was received, no request is being handled and no
   * delayed answer is waiting. Rejects if that takes more than five seconds.
   */
  async settle(): Promise<void> {
    const plugin = trafficOf(this.#channel.port2);
    const quiet = (): boolean =>
      this.#inFlight === 0 && this.#timers.size === 0 && plugin.sent === this.#received && plugin.received === this.#sent;
    for (let round = 0; round < 1000; round++) {
      await new Promise((resolve) => setTimeout(resolve, 5));
      if (!quiet()) continue;
      await new Promise((resolve) => setTimeout(resolve, 1));
      if (quiet()) return;
    }
    throw new Error("MockHost.settle: traffic did not stop within five seconds");
  }

  /** Closes the port, stops timers and forgets this host; plugins created later wait for a new one. */
  dispose(): void {
    if (this.#disposed) return;
    this.#disposed = true;
    forgetHostLink(this.#link.port);
    for (const timer of this.#timers) clearTimeout(timer);
    for (const cleanup of this.#cleanups) cleanup();
    for (const participant of this.#participants) participant.leave();
    this.#port.removeEventListener("message", this.#onRequest);
    this.#port.close();
    this.#channel.port2.close();
    this.#connection.close();
    this.#kvHost.destroy();
    this.#clientDoc.destroy();
    this.relay.destroy();
  }

  #watchKv(): void {
    const onUpdate = (update: Uint8Array, origin: unknown): void => {
      if (this.#forwardingKv && origin !== this.#frame) this.#send("kv:update", { update });
    };
    this.#clientDoc.on("update", onUpdate);
    this.#cleanups.push(() => this.#clientDoc.off("update", onUpdate));
    this.#cleanups.push(this.kv.observe((change) => this.#send("kv:change", { keys: [...change.keys.keys()] })));
  }

  #send(type: string, data: BridgeValue): void {
    if (this.#disposed) return;
    this.#sent++;
    this.#port.postMessage(createEvent(type, data));
  }

  readonly #onRequest = (event: MessageEvent): void => {
    this.#received++;
    const raw: unknown = event.data;
    this.#inFlight++;
    void this.#server
      .handle(raw, this.#caller)
      .then((outcome) => {
        if (outcome.kind === "malformed") {
          if (outcome.response !== undefined) this.#answer("", outcome.response, []);
          return;
        }
        const request = raw as { method: string; params: RecordedCall["params"] };
        this.calls.push(outcome.error === undefined ? { method: outcome.method, params: request.params } : { method: outcome.method, params: request.params, error: outcome.error.code });
        this.#answer(outcome.method, outcome.response, outcome.transfer);
      })
      .finally(() => {
        this.#inFlight--;
      });
  };

  #answer(method: string, response: ResponseMessage, transfer: ArrayBuffer[]): void {
    const ms = this.#delays.get(method);
    const post = (): void => {
      if (this.#disposed) return;
      this.#sent++;
      this.#port.postMessage(response, transfer);
    };
    if (ms === undefined) return post();
    const timer = setTimeout(() => {
      this.#timers.delete(timer);
      post();
    }, ms);
    this.#timers.add(timer);
  }

  /** The plugin frame, as the request server sees it. */
  get #caller(): BridgeCaller {
    return {
      plugin: this.manifest,
      granted: this.permissions,
      frame: this.#frame,
      sendEvent: (type, data) => this.#send(type, data),
      reportError: () => {},
      pong: () => {},
      startKvForwarding: () => {
        this.#forwardingKv = true;
      },
    };
  }
}

/** Validates a manifest entry the way discovery does, filling in what a test leaves out. */
function mockManifest(pluginId: string, entry: MockHostOptions["manifest"] = {}): PluginManifest {
  const full = { id: pluginId, name: pluginId, entry: "index.html", permissions: [], ...entry };
  const { plugins, problems } = validatePluginPackage({ name: "mock-plugin", taiku: { plugins: [full] } });
  const manifest = plugins[0];
  if (problems.length > 0 || manifest === undefined) {
    throw new TypeError(`MockHost: invalid manifest: ${problems.map((problem) => `${problem.path}: ${problem.message}`).join("; ")}`);
  }
  return manifest;
}
