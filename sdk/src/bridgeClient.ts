/**
 * The plugin's end of the bridge: sends `taiku:request`s over the host's
 * port, correlates `taiku:response`s by id, rejects a request the host does
 * not answer within the timeout, and dispatches `taiku:event`s to handlers
 * by type and to `*` handlers. Every inbound message goes through the
 * engine's decoder first; it caches nothing and retries nothing. When the
 * host replaces the connection (it answered the SDK's `taiku:connect` while
 * its first init was still arriving), the client moves to the new port and
 * sends its unanswered requests there: the host reads nothing from a port it
 * replaces, so none of them ran.
 */
import {
  ErrorCode,
  createRequest,
  type RequestMessage,
  decodeBridgeMessage,
  isErrorResponse,
  type BridgeMethod,
  type BridgeMethodParams,
  type BridgeMethodResults,
  type BridgeValue,
  type InitMessage,
  type TaikuEvent,
} from "@taiku/engine";
import { BridgeError, errorFromBody, TimeoutError } from "./errors";
import { awaitHostLink, trafficOf, watchHostLinks, type HostLink } from "./hostLink";

/** A handler of session events. */
export type EventHandler = (event: TaikuEvent) => void;

interface Pending {
  readonly resolve: (result: BridgeValue) => void;
  readonly reject: (error: Error) => void;
  readonly timer: ReturnType<typeof setTimeout>;
  /** The request as sent, so it can be sent again on a replacing port. */
  message?: RequestMessage;
  /** True when the request moved buffers to the old port: it cannot be sent again (they are detached). */
  transferred?: boolean;
}

let clientCount = 0;
/** Port messages already counted (several plugins may listen on one port). */
const counted = new WeakSet<MessageEvent>();

/** Reports an error thrown by a plugin's own handler without stopping the bridge. */
function reportHandlerError(error: unknown): void {
  queueMicrotask(() => {
    throw error;
  });
}

/** One plugin's connection to its host. */
export class BridgeClient {
  private link: HostLink | null = null;
  private readonly linked: Promise<HostLink>;
  private readonly cancelWait: () => void;
  private readonly stopWatching: () => void;
  private readonly pending = new Map<string, Pending>();
  private readonly handlers = new Map<string, Set<EventHandler>>();
  private readonly prefix = `c${++clientCount}`;
  private nextId = 0;
  private closed = false;

  constructor(private readonly timeoutMs: number) {
    let cancel: () => void = () => {};
    this.linked = new Promise<HostLink>((resolve) => {
      cancel = awaitHostLink((link) => {
        if (this.closed) return;
        this.link = link;
        link.port.addEventListener("message", this.onPortMessage);
        link.port.start();
        resolve(link);
      });
    });
    this.cancelWait = cancel;
    this.stopWatching = watchHostLinks((link) => this.moveTo(link));
  }

  /** Follows the host to a replacing connection and resends what it never read. */
  private moveTo(link: HostLink): void {
    const old = this.link;
    if (this.closed || old === null || old.port === link.port) return;
    old.port.removeEventListener("message", this.onPortMessage);
    this.link = link;
    link.port.addEventListener("message", this.onPortMessage);
    link.port.start();
    for (const [id, pending] of this.pending) {
      if (pending.message === undefined) continue;
      if (pending.transferred === true) {
        this.pending.delete(id);
        clearTimeout(pending.timer);
        pending.reject(new BridgeError(ErrorCode.Unavailable, `${pending.message.method}: the host reconnected before reading its data; call it again`));
        continue;
      }
      trafficOf(link.port).sent++;
      link.port.postMessage(pending.message);
    }
  }

  /** Resolves with the host's `taiku:init` once it arrived. */
  async ready(): Promise<InitMessage> {
    return (await this.linked).init;
  }

  /** True once {@link close} was called. */
  get isClosed(): boolean {
    return this.closed;
  }

  /** The `taiku:init` if it arrived, else `null`. */
  get init(): InitMessage | null {
    return this.link?.init ?? null;
  }

  /**
   * Calls a bridge method; rejects with the error class matching the host's
   * error code, or `TimeoutError`. `transfer` buffers are moved to the host,
   * not copied (they are detached here afterwards).
   */
  request<M extends BridgeMethod>(method: M, params: BridgeMethodParams[M], transfer: ArrayBuffer[] = []): Promise<BridgeMethodResults[M]> {
    const id = `${this.prefix}-${++this.nextId}`;
    return new Promise<BridgeMethodResults[M]>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        const why = this.link === null ? "no taiku host started this plugin" : "the host did not answer";
        reject(new TimeoutError(`${method} timed out after ${this.timeoutMs} ms: ${why}`));
      }, this.timeoutMs);
      this.pending.set(id, { resolve: resolve as (result: BridgeValue) => void, reject, timer });
      void this.linked.then(() => {
        const pending = this.pending.get(id);
        const link = this.link;
        if (pending === undefined || link === null) return;
        pending.message = createRequest(id, method, params as { [key: string]: BridgeValue });
        pending.transferred = transfer.length > 0;
        trafficOf(link.port).sent++;
        link.port.postMessage(pending.message, transfer);
      });
    });
  }

  /** Calls `handler` for events of `type` (or every event for `*`); returns an unsubscribe function. */
  on(type: string, handler: EventHandler): () => void {
    let set = this.handlers.get(type);
    if (set === undefined) {
      set = new Set();
      this.handlers.set(type, set);
    }
    set.add(handler);
    return () => this.off(type, handler);
  }

  /** Stops calling `handler` for `type`. */
  off(type: string, handler: EventHandler): void {
    this.handlers.get(type)?.delete(handler);
  }

  /** Stops listening; pending requests are rejected with `TimeoutError`. */
  close(): void {
    this.closed = true;
    this.cancelWait();
    this.stopWatching();
    this.link?.port.removeEventListener("message", this.onPortMessage);
    for (const [id, pending] of this.pending) {
      clearTimeout(pending.timer);
      pending.reject(new TimeoutError(`request ${id} abandoned: the plugin was closed`));
    }
    this.pending.clear();
  }

  private readonly onPortMessage = (event: MessageEvent): void => {
    if (this.link !== null && !counted.has(event)) {
      counted.add(event);
      trafficOf(this.link.port).received++;
    }
    const decoded = decodeBridgeMessage(event.data);
    if (decoded.error !== undefined) {
      console.warn(`taiku plugin: ignored a malformed message from the host: ${decoded.error}`);
      return;
    }
    const message = decoded.message;
    if (message.type === "taiku:response") {
      const pending = this.pending.get(message.id);
      if (pending === undefined) return;
      this.pending.delete(message.id);
      clearTimeout(pending.timer);
      if (isErrorResponse(message)) pending.reject(errorFromBody(message.error));
      else pending.resolve(message.result);
    } else if (message.type === "taiku:event") {
      this.dispatch(message.event);
    }
  };

  private dispatch(event: TaikuEvent): void {
    for (const type of [event.type, "*"]) {
      for (const handler of [...(this.handlers.get(type) ?? [])]) {
        try {
          handler(event);
        } catch (error) {
          reportHandlerError(error);
        }
      }
    }
  }
}
