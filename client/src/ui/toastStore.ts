/**
 * Toasts: short notices in the corner, from the host or from a plugin (then
 * they name the plugin). Each disappears after a few seconds.
 */
import { createSignal } from "solid-js";
import type { ToastKind } from "@taiku/engine";

/** One toast on screen. */
export interface Toast {
  readonly id: number;
  readonly message: string;
  readonly kind: ToastKind;
  /** The plugin's display name when a plugin caused it. */
  readonly source?: string;
}

const [toasts, setToasts] = createSignal<readonly Toast[]>([]);
let nextId = 1;

/** Toasts on screen, reactive. */
export { toasts };

/** Shows a toast for `ms` milliseconds. At most 5 are kept. */
export function showToast(message: string, kind: ToastKind = "info", source?: string, ms = 6000): void {
  const toast: Toast = { id: nextId++, message, kind, ...(source === undefined ? {} : { source }) };
  setToasts((list) => [...list.slice(-4), toast]);
  setTimeout(() => dismissToast(toast.id), ms);
}

/** Removes a toast. */
export function dismissToast(id: number): void {
  setToasts((list) => list.filter((toast) => toast.id !== id));
}
