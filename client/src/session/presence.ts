/**
 * This client's awareness state: `{ user: { userId, name, colour }, idle }`.
 * A participant is idle after a minute without input or while the tab is
 * hidden.
 *
 * Reconnects: awareness accepts a state only with a newer clock than the one
 * it saw last, so after a reconnect this client re-announces itself with a
 * fresh clock and forgets the clocks of the peers it dropped, so that both
 * sides see each other again at once instead of after the next renewal.
 * Leaving the page removes the state right away.
 */
import { removeAwarenessStates } from "y-protocols/awareness";
import type { WebsocketProvider } from "y-websocket";

const IDLE_AFTER_MS = 60_000;

/** A stable colour for a user id. */
export function colourFor(userId: string): string {
  const palette = ["#f87171", "#fb923c", "#facc15", "#4ade80", "#2dd4bf", "#60a5fa", "#a78bfa", "#f472b6"];
  let hash = 0;
  for (const char of userId) hash = (hash * 31 + char.charCodeAt(0)) >>> 0;
  return palette[hash % palette.length] ?? "#60a5fa";
}

/** Publishes the user's presence on the provider's awareness; returns a function that stops. */
export function trackPresence(provider: WebsocketProvider, user: { userId: string; name: string }): () => void {
  const awareness = provider.awareness;
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
  const onStatus = ({ status }: { status: string }): void => {
    if (status === "connected") awareness.setLocalState(awareness.getLocalState());
    if (status === "disconnected") {
      for (const clientId of [...awareness.meta.keys()]) {
        if (clientId !== awareness.clientID && !awareness.states.has(clientId)) awareness.meta.delete(clientId);
      }
    }
  };
  const onPageHide = (): void => removeAwarenessStates(awareness, [awareness.clientID], "window unload");
  const events = ["pointerdown", "keydown", "visibilitychange"] as const;
  for (const name of events) document.addEventListener(name, active);
  provider.on("status", onStatus);
  window.addEventListener("pagehide", onPageHide);
  active();
  return () => {
    clearTimeout(timer);
    for (const name of events) document.removeEventListener(name, active);
    provider.off("status", onStatus);
    window.removeEventListener("pagehide", onPageHide);
  };
}
