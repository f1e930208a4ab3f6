/**
 * The session's event stream on this client: every event is
 * `{ type, data, ts }` (engine `TaikuEvent`). Sources are the session
 * document (chat, activity, shells), awareness (joins and leaves), the host
 * CLI's shell output, and plugins' own events; the bridge is the main
 * listener and forwards each event only to plugins allowed to see it.
 *
 * Shell output is also kept per shell in a bounded ring buffer so
 * `getShellOutput` and late-opened panes can show recent output.
 */
import * as Y from "yjs";
import type { Awareness } from "y-protocols/awareness";
import type { BridgeValue, TaikuEvent } from "@taiku/engine";

/** Called with every session event. */
export type SessionEventListener = (event: TaikuEvent) => void;

/** Lines of output kept per shell. */
export const SHELL_BUFFER_LINES = 1000;

/** The session's event stream. */
export interface SessionEvents {
  /** Delivers an event to every listener (and buffers `shell:data`). */
  emit(type: string, data: BridgeValue, ts?: number): void;
  /** Adds a listener; returns a function that removes it. */
  listen(listener: SessionEventListener): () => void;
  /** The last `lines` lines of a shell's output. */
  shellOutput(shellId: string, lines: number): string;
}

/** Creates an event stream with no sources attached. */
export function createSessionEvents(): SessionEvents {
  const listeners = new Set<SessionEventListener>();
  const buffers = new Map<string, string[]>();

  function buffer(data: BridgeValue): void {
    if (typeof data !== "object" || data === null || Array.isArray(data) || data instanceof Uint8Array) return;
    const shellId = data.shellId;
    const chunk = data.data;
    if (typeof shellId !== "string" || typeof chunk !== "string") return;
    const lines = buffers.get(shellId) ?? [""];
    const parts = chunk.split("\n");
    lines[lines.length - 1] += parts[0] ?? "";
    for (const part of parts.slice(1)) lines.push(part);
    if (lines.length > SHELL_BUFFER_LINES) lines.splice(0, lines.length - SHELL_BUFFER_LINES);
    buffers.set(shellId, lines);
  }

  return {
    emit(type, data, ts = Date.now()) {
      if (type === "shell:data") buffer(data);
      const event: TaikuEvent = { type, data, ts };
      for (const listener of [...listeners]) listener(event);
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
 * Turns changes of the session document and awareness into events:
 * `chat:message`, `agent:activity`, `shell:open`, `shell:exit`, `user:join`,
 * `user:leave`. Returns a function that stops.
 */
export function attachDocumentSources(events: SessionEvents, doc: Y.Doc, awareness: Awareness): () => void {
  const chat = doc.getArray<unknown>("chat");
  const activity = doc.getArray<unknown>("activity");
  const shells = doc.getMap<unknown>("shells");

  const onArray = (type: string) => (event: Y.YArrayEvent<unknown>) => {
    for (const delta of event.changes.delta) {
      for (const item of delta.insert ?? []) events.emit(type, toBridgeValue(item));
    }
  };
  const onChat = onArray("chat:message");
  const onActivity = onArray("agent:activity");
  const onShells = (event: Y.YMapEvent<unknown>): void => {
    for (const [shellId, change] of event.changes.keys) {
      const value = toBridgeValue(shells.get(shellId));
      const status = typeof value === "object" && value !== null && !Array.isArray(value) && !(value instanceof Uint8Array) ? value.status : undefined;
      if (change.action === "add") events.emit("shell:open", { shellId, shell: value });
      else if (change.action === "delete" || status === "exited" || status === "closed") events.emit("shell:exit", { shellId });
    }
  };
  const onAwareness = ({ added, removed }: { added: number[]; removed: number[] }, origin: unknown): void => {
    if (origin === "local") return;
    for (const clientId of added) events.emit("user:join", { clientId, user: toBridgeValue(awareness.getStates().get(clientId)?.user) });
    for (const clientId of removed) events.emit("user:leave", { clientId });
  };
  chat.observe(onChat);
  activity.observe(onActivity);
  shells.observe(onShells);
  awareness.on("change", onAwareness);
  return () => {
    chat.unobserve(onChat);
    activity.unobserve(onActivity);
    shells.unobserve(onShells);
    awareness.off("change", onAwareness);
  };
}

/** Copies a value read from a Yjs document into a plain bridge value. */
export function toBridgeValue(value: unknown): BridgeValue {
  if (value instanceof Y.AbstractType) return toBridgeValue(value.toJSON());
  if (value === undefined) return null;
  return JSON.parse(JSON.stringify(value)) as BridgeValue;
}
