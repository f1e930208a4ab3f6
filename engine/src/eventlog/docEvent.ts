/**
 * The unit of persistence: one accepted change to one document.
 *
 * Every update the relay accepts, every compensation it issues and every
 * change the server authors itself becomes a {@link DocEvent} in that
 * document's log. A document's state is the fold of its log (see
 * `replay.ts`); its per-key history is derived from it (see `keyHistory.ts`).
 *
 * Invariant: within one document, `seq` starts at 1 and is dense (1, 2, 3 …);
 * the store assigns it on append.
 */
import type { DocName, PluginId, UserId } from "../ids";

/** Why an event exists. */
export type EventKind = "update" | "compensation" | "server";

/** Every {@link EventKind}, in a fixed order (the codec stores the index). */
export const EVENT_KINDS: readonly EventKind[] = ["update", "compensation", "server"];

/** True when `value` is one of the {@link EventKind} values. */
export function isEventKind(value: unknown): value is EventKind {
  return typeof value === "string" && (EVENT_KINDS as readonly string[]).includes(value);
}

/** Who caused an event. Server-authored events carry `null` ids. */
export interface EventOrigin {
  /** The authenticated user whose connection sent the update; `null` for the server. */
  readonly userId: UserId | null;
  /** The relay's id for the sending connection; `null` for the server. */
  readonly connection: string | null;
  /** The plugin the change was made through, when known. */
  readonly plugin?: PluginId;
}

/** One entry of a document's log. */
export interface DocEvent {
  /** Position in the document's log: 1-based, dense, assigned by the store. */
  readonly seq: number;
  /** The document the update applies to. */
  readonly doc: DocName;
  /** A Yjs update (`Y.applyUpdate` format, v1). */
  readonly update: Uint8Array;
  /** Who caused it. */
  readonly origin: EventOrigin;
  /** When the relay accepted it, in milliseconds since the Unix epoch. */
  readonly ts: number;
  /** Why it exists. */
  readonly kind: EventKind;
}

/** An event before the store has given it a `seq`. */
export type NewDocEvent = Omit<DocEvent, "seq">;

/** The origin of events the server authors itself. */
export const SERVER_ORIGIN: EventOrigin = Object.freeze({ userId: null, connection: null });
