/**
 * The session's event stream on this client: every event is
 * `{ type, data, ts }` (engine `TaikuEvent`). Sources are the relay's event
 * frames on the session socket (shells, joins and leaves, agent activity,
 * other members' plugin events), chat added to the session document, and
 * this client's plugins; the bridge is the main listener and forwards each
 * event only to plugins allowed to see it.
 *
 * Shell output is also kept per shell in a bounded ring buffer so
 * `getShellOutput` and late-opened panes can show recent output.
 */
import * as Y from "yjs";
import type { BridgeValue, TaikuEvent } from "@taiku/engine";

/** How an event reached this client. */
export interface EventMeta {
  /**
   * True for the relay's replay of a shell's recent output when the socket
   * opens: panes draw it, but it is not new output, so plugins do not get it.
   */
  readonly backlog: boolean;
}

/** Called with every session event. */
export type SessionEventListener = (event: TaikuEvent, meta: EventMeta) => void;

/** Lines of output kept per shell. */
export const SHELL_BUFFER_LINES = 1000;

/** The session's event stream. */
export interface SessionEvents {
  /** Delivers an event to every listener (and buffers `shell:data`; a backlog replaces the shell's buffer). */
  emit(type: string, data: BridgeValue, ts?: number, meta?: EventMeta): void;
  /** Adds a listener; returns a function that removes it. */
  listen(listener: SessionEventListener): () => void;
  /** The last `lines` lines of a shell's output. */
  shellOutput(shellId: string, lines: number): string;
}

/** Creates an event stream with no sources attached. */
export function createSessionEvents(): SessionEvents {
  const listeners = new Set<SessionEventListener>();
  const buffers = new Map<string, string[]>();

  function buffer(data: BridgeValue, replace: boolean): void {
    if (typeof data !== "object" || data === null || Array.isArray(data) || data instanceof Uint8Array) return;
    const shellId = data.shellId;
    const chunk = data.data;
    if (typeof shellId !== "string" || typeof chunk !== "string") return;
    const lines = (replace ? undefined : buffers.get(shellId)) ?? [""];
    const parts = chunk.split("\n");
    lines[lines.length - 1] += parts[0] ?? "";
    for (const part of parts.slice(1)) lines.push(part);
    if (lines.length > SHELL_BUFFER_LINES) lines.splice(0, lines.length - SHELL_BUFFER_LINES);
    buffers.set(shellId, lines);
  }

  return {
    emit(type, data, ts = Date.now(), meta = { backlog: false }) {
      if (type === "shell:data") buffer(data, meta.backlog);
      const event: TaikuEvent = { type, data, ts };
      for (const listener of [...listeners]) listener(event, meta);
    },
    listen(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    shellOutput(shellId, lines) {
      const kept = buffers.get(shellId) ?? [];
      return kept.slice(Math.max(0, kept.length - Math.max(0, lines))).join("\n");
    },
  };
}

/**
 * Turns chat messages added to the session document into `chat:message`
 * events (the relay sends every other session event itself, see
 * `attachEventChannel`). Only messages that are new are announced: this
 * client's own, and remote ones once the provider has synced — not history
 * loaded from IndexedDB or caught up on connect. Returns a function that stops.
 */
export function attachChatEvents(events: SessionEvents, doc: Y.Doc, isLive: (origin: unknown, local: boolean) => boolean): () => void {
  const chat = doc.getArray<unknown>("chat");
  const onChat = (event: Y.YArrayEvent<unknown>, transaction: Y.Transaction): void => {
    if (!isLive(transaction.origin, transaction.local)) return;
    for (const delta of event.changes.delta) {
      for (const item of delta.insert ?? []) events.emit("chat:message", toBridgeValue(item));
    }
  };
  chat.observe(onChat);
  return () => chat.unobserve(onChat);
}

/** Copies a value read from a Yjs document into a plain bridge value. */
export function toBridgeValue(value: unknown): BridgeValue {
  if (value instanceof Y.AbstractType) return toBridgeValue(value.toJSON());
  if (value === undefined) return null;
  return JSON.parse(JSON.stringify(value)) as BridgeValue;
}
