/**
 * The session event channel: event frames (message type 101, engine
 * `encodeSessionEvent` / `decodeSessionEventPayload`) on the session
 * document's sync socket, next to the Yjs sync messages (see docs/shells.md).
 * Inbound events go to the session's event stream (a shell's backlog marked
 * as such); `fs:response` answers this client's own `fs:request`s. Outbound:
 * shell input and requests, custom plugin events, file requests.
 */
import {
  decodeSessionEventPayload,
  encodeSessionEvent,
  ErrorCode,
  isErrorCode,
  MESSAGE_TAIKU_EVENT,
  sessionEvent,
  TaikuError,
  type BridgeValue,
  type SessionEvent,
} from "@taiku/engine";
import type { WebsocketProvider } from "y-websocket";
import type { SessionEvents } from "./sessionEvents";

/** How long a file request may take before it fails with `timeout`. */
export const FS_TIMEOUT_MS = 15_000;

/** The channel of one session. */
export interface SessionEventChannel {
  /** Sends an event to the relay; false when the socket is not connected. */
  send(event: SessionEvent): boolean;
  /** Asks the session's `--fs` host for a file operation. */
  fs(op: "list" | "read" | "write", path: string, data?: string, workspaceId?: string): Promise<BridgeValue>;
  dispose(): void;
}

/** Attaches the channel to the session document's provider. */
export function attachEventChannel(provider: WebsocketProvider, events: SessionEvents): SessionEventChannel {
  const pending = new Map<string, { resolve: (value: BridgeValue) => void; reject: (error: Error) => void; timer: ReturnType<typeof setTimeout> }>();
  let nextId = 0;

  provider.messageHandlers[MESSAGE_TAIKU_EVENT] = (_encoder, decoder) => {
    const decoded = decodeSessionEventPayload(decoder.arr.subarray(decoder.pos));
    if (decoded.error !== undefined) {
      console.warn(`taiku: ignored a malformed session event: ${decoded.error}`);
      return;
    }
    const { type, data, ts } = decoded.event;
    if (type === "fs:response") {
      const waiting = pending.get(data.id);
      if (waiting === undefined) return;
      pending.delete(data.id);
      clearTimeout(waiting.timer);
      if (data.error !== undefined) waiting.reject(new TaikuError(isErrorCode(data.error.code) ? data.error.code : ErrorCode.Internal, data.error.message));
      else waiting.resolve(data.result ?? null);
      return;
    }
    if (type === "host:welcome") return;
    const backlog = type === "shell:data" && data.backlog === true;
    events.emit(type, data as BridgeValue, ts, { backlog });
  };

  function send(event: SessionEvent): boolean {
    if (!provider.wsconnected || provider.ws === null) return false;
    provider.ws.send(encodeSessionEvent(event) as Uint8Array<ArrayBuffer>);
    return true;
  }

  return {
    send,
    fs(op, path, data, workspaceId) {
      const id = `fs-${Date.now().toString(36)}-${nextId++}`;
      return new Promise((resolve, reject) => {
        const request = sessionEvent("fs:request", { id, op, path, ...(data === undefined ? {} : { data }), ...(workspaceId === undefined ? {} : { workspaceId }) });
        if (!send(request)) {
          reject(new TaikuError(ErrorCode.Unavailable, "not connected to the session"));
          return;
        }
        const timer = setTimeout(() => {
          pending.delete(id);
          reject(new TaikuError(ErrorCode.Timeout, `no answer to ${op} ${path} within ${FS_TIMEOUT_MS / 1000} s`));
        }, FS_TIMEOUT_MS);
        pending.set(id, { resolve, reject, timer });
      });
    },
    dispose() {
      for (const waiting of pending.values()) {
        clearTimeout(waiting.timer);
        waiting.reject(new TaikuError(ErrorCode.Unavailable, "the session was closed"));
      }
      pending.clear();
    },
  };
}
