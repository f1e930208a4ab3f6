/**
 * `MockHost`: a stand-in for the taiku host so plugin logic runs in Vitest
 * (with a DOM environment) without a session. It hands the plugin a
 * `MessagePort` the way the real host does, decodes and admits every request
 * with the engine's protocol module and permission table, answers from
 * {@link MockState}, and keeps the plugin's session KV the way the real host
 * does: a host replica built on the engine's `createPluginKvHost` (the same
 * judge for `sharedDoc()` updates, the same compensation sent back to the
 * plugin's replica, the same `kv:rejected` event and `quota_exceeded`
 * answer), synced with an in-memory relay running the real quota arbiter.
 * It can also simulate other participants.
 * Create it before or after the plugin's `TaikuPlugin`; dispose of it when
 * the test ends.
 */
import {
  admitRequest,
  createErrorResponse,
  createEvent,
  createInit,
  createResponse,
  createPluginKvHost,
  decodeBridgeMessage,
  ErrorCode,
  isPermission,
  mayReceiveEvent,
  PERMISSIONS,
  QuotaExceededError,
  TaikuError,
  type BridgeValue,
  type ErrorCode as ErrorCodeValue,
  type JsonValue,
  type KvRejection,
  type Permission,
  type PluginFrame,
  type PluginId,
  type PluginKvHost,
  type RequestMessage,
  type ResponseMessage,
  type SessionId,
  type SessionKv,
  type Theme,
} from "@taiku/engine";
import * as Y from "yjs";
import { forgetHostLink, offerHostLink, trafficOf, type HostLink } from "../hostLink";
import { createMockState, type MockData, type MockState } from "./mockData";
import { MOCK_HANDLERS, type HandlerContext } from "./mockHandlers";
import { MockRelay, type RelayConnection } from "./mockRelay";
import { SimulatedParticipant } from "./SimulatedParticipant";

/** Options of {@link MockHost}. */
export interface MockHostOptions {
  /** The plugin's id; `test-plugin` by default. */
  readonly pluginId?: string;
  /** The session's id; `test-session` by default. */
  readonly sessionId?: string;
  /** Granted permissions; every permission when omitted. */
  readonly permissions?: readonly Permission[];
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
  readonly #rejects = new Map<string, { code: ErrorCodeValue; message: string }>();
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
    const pluginId = options.pluginId ?? "test-plugin";
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
    this.permissions = new Set(options.permissions ?? PERMISSIONS);
    this.state = createMockState(this.sessionId, this.pluginId, options.data, [...this.permissions], init.theme);
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
    this.#send(type, data);
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
    const decoded = decodeBridgeMessage(event.data);
    if (decoded.error !== undefined || decoded.message.type !== "taiku:request") return;
    const request = decoded.message;
    const admitted = admitRequest(request, this.permissions);
    if (admitted.error !== undefined) return this.#refuse(request, admitted.error);
    const rejected = this.#rejects.get(request.method);
    if (rejected !== undefined) return this.#refuse(request, rejected);
    const call = admitted.call;
    const handler = MOCK_HANDLERS.get(call.method);
    if (handler === undefined) throw new Error(`MockHost has no handler for ${call.method}`);
    const recorded: { method: string; params: RecordedCall["params"]; error?: ErrorCodeValue } = {
      method: request.method,
      params: request.params,
    };
    this.calls.push(recorded);
    this.#inFlight++;
    void (async () => {
      try {
        const result = await handler(call.params as never, this.#context);
        this.#answer(request.method, createResponse(request.id, result as BridgeValue));
      } catch (cause) {
        const error = cause instanceof TaikuError ? cause : new TaikuError(ErrorCode.Internal, String(cause));
        recorded.error = error.code;
        const details = error instanceof QuotaExceededError ? { used: error.used, limit: error.limit, attempted: error.attempted } : undefined;
        this.#answer(request.method, createErrorResponse(request.id, error.code, error.message, details));
      } finally {
        this.#inFlight--;
      }
    })();
  };

  /** Records `request` as failed with `code` and answers it with that error. */
  #refuse(request: RequestMessage, { code, message }: { code: ErrorCodeValue; message: string }): void {
    this.calls.push({ method: request.method, params: request.params, error: code });
    this.#answer(request.method, createErrorResponse(request.id, code, message));
  }

  #answer(method: string, response: ResponseMessage): void {
    const ms = this.#delays.get(method);
    const post = (): void => {
      if (this.#disposed) return;
      this.#sent++;
      this.#port.postMessage(response);
    };
    if (ms === undefined) return post();
    const timer = setTimeout(() => {
      this.#timers.delete(timer);
      post();
    }, ms);
    this.#timers.add(timer);
  }

  get #context(): HandlerContext {
    return {
      state: this.state,
      kv: this.kv,
      startKvForwarding: () => {
        this.#forwardingKv = true;
      },
      usage: () => this.#kvHost.usage(),
      applyPluginUpdate: (update) => this.#kvHost.applyPluginUpdate(update, this.#frame),
      deliver: (type, data) => void this.emit(type, data),
    };
  }
}
