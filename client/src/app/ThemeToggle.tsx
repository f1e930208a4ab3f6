/**
 * The button that switches between the dark and the light theme.
 */
import type { JSX } from "solid-js";
import { setTheme, theme } from "./theme";

/** Switches the app's theme; its label names the theme it switches to. */
export function ThemeToggle(): JSX.Element {
  const other = () => (theme() === "dark" ? "light" : "dark");
  return (
    <button class="secondary theme-toggle" data-theme-now={theme()} title={`Switch to the ${other()} theme`} onClick={() => setTheme(other())}>
      {other() === "light" ? "Light theme" : "Dark theme"}
    </button>
  );
}
