/**
 * Keyboard shortcuts written as `Mod+Shift+B`: modifiers `Mod` (Cmd on
 * macOS, Ctrl elsewhere), `Ctrl`, `Alt`, `Shift`, `Meta`, then one key.
 */

const isMac = typeof navigator !== "undefined" && /Mac|iPhone|iPad/.test(navigator.platform);

/** True when `event` is the key press `shortcut` describes. */
export function matchesShortcut(event: KeyboardEvent, shortcut: string): boolean {
  const parts = shortcut.split("+").map((part) => part.trim().toLowerCase());
  const key = parts.pop();
  if (key === undefined || key === "") return false;
  const wants = new Set(parts);
  const ctrl = wants.has("ctrl") || (wants.has("mod") && !isMac);
  const meta = wants.has("meta") || wants.has("cmd") || (wants.has("mod") && isMac);
  if (event.ctrlKey !== ctrl || event.metaKey !== meta) return false;
  if (event.altKey !== wants.has("alt") || event.shiftKey !== wants.has("shift")) return false;
  const pressed = event.key.toLowerCase();
  return pressed === key || event.code.toLowerCase() === `key${key}` || event.code.toLowerCase() === `digit${key}`;
}

/** A shortcut as shown to the user on this platform. */
export function describeShortcut(shortcut: string): string {
  return shortcut.replace(/\bMod\b/g, isMac ? "⌘" : "Ctrl");
}
