/**
 * Failures of Pi Web modules, one error boundary per call: every call into
 * plugin code (import, `activate`, `visible`, `enabled`, `items`, `badge`,
 * `render`, `run`) goes through {@link guard}, which logs
 * `[taiku] plugin <id>: <contribution> failed: <message>` to the console and
 * records the failure so the plugin manager marks the plugin. A failure never
 * propagates into the host. The same failure is recorded once (a panel that
 * throws on every render does not flood the list).
 */
import { createSignal, type Accessor } from "solid-js";

/** One recorded failure. */
export interface PluginFailure {
  readonly pluginId: string;
  /** `import`, `activate`, or `<plugin-id>:<local-id> <callback>`. */
  readonly contribution: string;
  readonly message: string;
}

const [failures, setFailures] = createSignal<readonly PluginFailure[]>([]);

/** Every failure recorded in this page, reactive. */
export const pluginFailures: Accessor<readonly PluginFailure[]> = failures;

/** The failures of one plugin. */
export function failuresOf(pluginId: string): readonly PluginFailure[] {
  return failures().filter((failure) => failure.pluginId === pluginId);
}

/** The message of anything thrown. */
export function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : typeof error === "string" ? error : String(error);
}

/**
 * Logs and records a failure. Recording is deferred to a microtask, so a
 * failure inside a reactive computation (a memo asking `visible`) does not
 * write a signal while Solid is computing.
 */
export function reportFailure(pluginId: string, contribution: string, error: unknown): void {
  const message = messageOf(error);
  console.error(`[taiku] plugin ${pluginId}: ${contribution} failed: ${message}`, error);
  queueMicrotask(() => {
    if (failures().some((f) => f.pluginId === pluginId && f.contribution === contribution && f.message === message)) return;
    setFailures((all) => [...all, { pluginId, contribution, message }]);
  });
}

/** Runs `call` in its own error boundary: a throw is reported and `fallback` returned. */
export function guard<T>(pluginId: string, contribution: string, call: () => T, fallback: T): T {
  try {
    return call();
  } catch (error) {
    reportFailure(pluginId, contribution, error);
    return fallback;
  }
}

/** Forgets every recorded failure (tests). */
export function clearPluginFailures(): void {
  setFailures([]);
}
