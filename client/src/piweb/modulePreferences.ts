/**
 * Which Pi Web modules a user turned off on this client:
 * `localStorage["taiku:pi-web-off:<userId>"]`, a JSON array of plugin ids.
 * Modules are on by default, as in Pi Web. Turning one off hides its
 * contributions at once; its code keeps running until the page reloads.
 */
import { createSignal } from "solid-js";

const keyFor = (userId: string): string => `taiku:pi-web-off:${userId}`;

function read(userId: string): readonly string[] {
  const raw = localStorage.getItem(keyFor(userId));
  if (raw === null) return [];
  try {
    const parsed: unknown = JSON.parse(raw);
    return Array.isArray(parsed) ? parsed.filter((id): id is string => typeof id === "string") : [];
  } catch (error) {
    console.warn(`[taiku] ignored unreadable ${keyFor(userId)}: ${String(error)}`);
    return [];
  }
}

const [off, setOff] = createSignal<{ userId: string; ids: readonly string[] }>({ userId: "", ids: [] });

/** The ids of the modules `userId` turned off, reactive. */
export function modulesOff(userId: string): readonly string[] {
  const current = off();
  if (current.userId === userId) return current.ids;
  const ids = read(userId);
  queueMicrotask(() => setOff({ userId, ids }));
  return ids;
}

/** Turns a module on or off for `userId` on this client. */
export function setModuleOff(userId: string, pluginId: string, isOff: boolean): void {
  const next = read(userId).filter((id) => id !== pluginId);
  if (isOff) next.push(pluginId);
  localStorage.setItem(keyFor(userId), JSON.stringify(next));
  setOff({ userId, ids: next });
}
