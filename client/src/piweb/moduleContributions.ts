/**
 * The contributions of the active, turned-on Pi Web modules, as the session
 * view uses them: panels and labels in the shared order (`order`, then
 * qualified id), actions as palette entries whose `enabled` is asked each
 * time the palette lists them and whose `run` rejection is a visible error
 * toast. A shortcut that a built-in action, a sandboxed plugin's action or
 * an earlier module action already holds is reported and not bound.
 */
import type { PluginAction, WorkspaceLabelContribution, WorkspacePanelContribution } from "@taiku/plugin-sdk";
import type { PaletteAction } from "../session/ActionPalette";
import { showToast } from "../ui/toastStore";
import { sortOrdered } from "./contributionIds";
import type { LoadedModule, Qualified } from "./piWebModules";
import { guard, messageOf, reportFailure } from "./pluginFailures";
import { createRuntimeContext, type PiWebHost } from "./runtimeContext";

/** The modules whose contributions show: active and not turned off. */
export function activeModules(all: readonly LoadedModule[], off: readonly string[]): LoadedModule[] {
  return all.filter((m) => m.status === "active" && !off.includes(m.entry.id));
}

/** Every panel of `modules`, in the shared order. */
export function modulePanels(modules: readonly LoadedModule[]): Qualified<WorkspacePanelContribution>[] {
  return sortOrdered(modules.flatMap((m) => m.panels));
}

/** Every label of `modules`, in the shared order. */
export function moduleLabels(modules: readonly LoadedModule[]): Qualified<WorkspaceLabelContribution>[] {
  return sortOrdered(modules.flatMap((m) => m.labels));
}

/** A shortcut in one spelling: modifiers sorted, `cmd` as `meta`, the key last, lower case. */
export function normalizeShortcut(shortcut: string): string {
  const parts = shortcut.split("+").map((part) => part.trim().toLowerCase()).filter((part) => part !== "");
  const key = parts.pop() ?? "";
  const mods = [...new Set(parts.map((part) => (part === "cmd" ? "meta" : part === "control" ? "ctrl" : part)))].sort();
  return [...mods, key].join("+");
}

/** `mod+shift+p` as taiku writes shortcuts (`Mod+Shift+P`). */
export function displayShortcut(shortcut: string): string {
  return shortcut
    .split("+")
    .map((part) => part.trim())
    .map((part) => (part.length === 1 ? part.toUpperCase() : part.charAt(0).toUpperCase() + part.slice(1).toLowerCase()))
    .join("+");
}

function isValidShortcut(shortcut: unknown): shortcut is string {
  return typeof shortcut === "string" && shortcut.split("+").every((part) => part.trim() !== "");
}

/**
 * The palette entries of module actions. Shortcuts are resolved here (build
 * this once per change of modules, not per key press); `disabled` asks the
 * action's `enabled` (in its error boundary, with a fresh runtime context; a
 * throw disables the entry) each time it is read, i.e. each time the palette
 * lists the action or a key press matches its shortcut. `taken` holds the
 * normalized shortcuts already bound.
 */
export function moduleActions(modules: readonly LoadedModule[], host: () => PiWebHost | undefined, taken: ReadonlySet<string>): PaletteAction[] {
  const bound = new Set(taken);
  const entries: PaletteAction[] = [];
  for (const action of modules.flatMap((m) => m.actions)) {
    const spec: PluginAction = action.spec;
    let shortcut: string | undefined;
    if (spec.shortcut !== undefined) {
      const normalized = isValidShortcut(spec.shortcut) ? normalizeShortcut(spec.shortcut) : undefined;
      if (normalized === undefined) reportFailure(action.pluginId, `${action.qualifiedId} shortcut`, new Error(`invalid shortcut ${JSON.stringify(spec.shortcut)}`));
      else if (bound.has(normalized)) reportFailure(action.pluginId, `${action.qualifiedId} shortcut`, new Error(`shortcut ${spec.shortcut} is already taken by another action; not bound`));
      else {
        bound.add(normalized);
        shortcut = displayShortcut(spec.shortcut as string);
      }
    }
    const enabled = spec.enabled;
    entries.push({
      key: action.qualifiedId,
      title: String(spec.title),
      ...(typeof spec.description === "string" ? { description: spec.description } : {}),
      ...(shortcut === undefined ? {} : { shortcut }),
      group: typeof spec.group === "string" && spec.group !== "" ? spec.group : action.pluginName,
      get disabled() {
        return enabled === undefined ? false : !guard(action.pluginId, `${action.qualifiedId} enabled`, () => enabled(createRuntimeContext(host())) !== false, false);
      },
      run: () => runModuleAction(action, host()),
    });
  }
  return entries;
}

/** Runs an action with a fresh context; a throw or rejection is reported and shown as an error toast. */
export function runModuleAction(action: Qualified<PluginAction>, host: PiWebHost | undefined): void {
  const fail = (error: unknown): void => {
    reportFailure(action.pluginId, `${action.qualifiedId} run`, error);
    showToast(`${String(action.spec.title)} failed: ${messageOf(error)}`, "error", action.pluginName);
  };
  try {
    const result = action.spec.run(createRuntimeContext(host));
    if (result instanceof Promise) result.catch(fail);
  } catch (error) {
    fail(error);
  }
}
