/**
 * This client's awareness state: `{ user: { userId, name, colour }, idle }`.
 * A participant is idle after a minute without input or while the tab is
 * hidden.
 */
import type { Awareness } from "y-protocols/awareness";

const IDLE_AFTER_MS = 60_000;

/** A stable colour for a user id. */
export function colourFor(userId: string): string {
  const palette = ["#f87171", "#fb923c", "#facc15", "#4ade80", "#2dd4bf", "#60a5fa", "#a78bfa", "#f472b6"];
  let hash = 0;
  for (const char of userId) hash = (hash * 31 + char.charCodeAt(0)) >>> 0;
  return palette[hash % palette.length] ?? "#60a5fa";
}

/** Publishes the user's presence on `awareness`; returns a function that stops tracking input. */
export function trackPresence(awareness: Awareness, user: { userId: string; name: string }): () => void {
  awareness.setLocalState({ user: { userId: user.userId, name: user.name, colour: colourFor(user.userId) }, idle: false });
  let timer: ReturnType<typeof setTimeout> | undefined;
  const setIdle = (idle: boolean): void => {
    if (awareness.getLocalState()?.idle !== idle) awareness.setLocalStateField("idle", idle);
  };
  const active = (): void => {
    setIdle(document.visibilityState === "hidden");
    clearTimeout(timer);
    timer = setTimeout(() => setIdle(true), IDLE_AFTER_MS);
  };
  const events = ["pointerdown", "keydown", "visibilitychange"] as const;
  for (const name of events) document.addEventListener(name, active);
  active();
  return () => {
    clearTimeout(timer);
    for (const name of events) document.removeEventListener(name, active);
  };
}
