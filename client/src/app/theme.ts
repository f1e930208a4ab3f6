/**
 * The colour scheme of the app: `dark` (the default, matching the plugin
 * reference's colours) or `light`, chosen by the user and remembered in
 * localStorage (`taiku:theme`). The choice is applied as
 * `<html data-theme="dark|light">`, which the stylesheet's CSS variables
 * follow; plugins receive it in `taiku:init` and as `theme:change`.
 */
import { createSignal, type Accessor } from "solid-js";
import type { Theme } from "@taiku/engine";

const STORAGE_KEY = "taiku:theme";

function remembered(): Theme {
  return localStorage.getItem(STORAGE_KEY) === "light" ? "light" : "dark";
}

function apply(next: Theme): void {
  document.documentElement.dataset.theme = next;
  document.querySelector('meta[name="color-scheme"]')?.setAttribute("content", next);
}

const [current, setCurrent] = createSignal<Theme>(remembered());
apply(current());

// Another tab switched the theme: follow it.
window.addEventListener("storage", (event) => {
  if (event.key === STORAGE_KEY) {
    setCurrent(remembered());
    apply(current());
  }
});

/** The current theme, reactive. */
export const theme: Accessor<Theme> = current;

/** Switches to `next` and remembers it. */
export function setTheme(next: Theme): void {
  localStorage.setItem(STORAGE_KEY, next);
  apply(next);
  setCurrent(next);
}
