/**
 * The typed view of a built-in event that `TaikuPlugin.on` hands to a
 * handler: `on("chat:message", (event) => event.data.text)` type-checks.
 */
import type { TaikuEventMap } from "@taiku/engine";

/** An event of a built-in type, with its data typed. */
export interface TypedEvent<T extends keyof TaikuEventMap> {
  /** The event type. */
  readonly type: T;
  /** The event's payload. */
  readonly data: TaikuEventMap[T];
  /** Milliseconds since the epoch when the event happened. */
  readonly ts: number;
}
