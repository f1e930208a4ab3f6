/** Shortcut strings from plugin manifests, matched against key presses. */
import { describe, expect, it } from "vitest";
import { matchesShortcut } from "./shortcut";

function press(key: string, modifiers: Partial<Record<"ctrlKey" | "metaKey" | "altKey" | "shiftKey", boolean>> = {}): KeyboardEvent {
  return { key, code: /^[a-z]$/i.test(key) ? `Key${key.toUpperCase()}` : key, ctrlKey: false, metaKey: false, altKey: false, shiftKey: false, ...modifiers } as KeyboardEvent;
}

describe("matchesShortcut", () => {
  it("matches exactly the modifiers named, and the key case-insensitively", () => {
    expect(matchesShortcut(press("B", { altKey: true, shiftKey: true }), "Alt+Shift+B")).toBe(true);
    expect(matchesShortcut(press("b", { altKey: true }), "Alt+Shift+B")).toBe(false);
    expect(matchesShortcut(press("b", { altKey: true, shiftKey: true, ctrlKey: true }), "Alt+Shift+B")).toBe(false);
  });
  it("reads Mod as Ctrl off macOS", () => {
    expect(matchesShortcut(press("k", { ctrlKey: true }), "Mod+K")).toBe(true);
    expect(matchesShortcut(press("k"), "Mod+K")).toBe(false);
  });
  it("ignores malformed shortcuts", () => {
    expect(matchesShortcut(press("k"), "")).toBe(false);
    expect(matchesShortcut(press("k", { ctrlKey: true }), "Ctrl+")).toBe(false);
  });
});
