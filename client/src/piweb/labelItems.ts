/**
 * The items a Pi Web workspace label shows for one workspace: none when its
 * `visible` says no or throws, else what `items` returns, in the plugin's
 * error boundary; a non-array or an item of unknown type is reported and
 * left out.
 */
import type { Workspace, WorkspaceLabelContribution, WorkspaceLabelItem } from "@taiku/plugin-sdk";
import type { Qualified } from "./piWebModules";
import { guard, reportFailure } from "./pluginFailures";

/** The items of `label` for `workspace`, or `[]` when hidden or failing (reported). */
export function labelItems(label: Qualified<WorkspaceLabelContribution>, workspace: Workspace): readonly WorkspaceLabelItem[] {
  const context = { workspace };
  const visible = label.spec.visible;
  if (visible !== undefined && guard(label.pluginId, `${label.qualifiedId} visible`, () => visible(context) !== false, false) === false) return [];
  const items = guard<unknown>(label.pluginId, `${label.qualifiedId} items`, () => label.spec.items(context), []);
  if (!Array.isArray(items)) {
    reportFailure(label.pluginId, `${label.qualifiedId} items`, new Error("items() must return an array"));
    return [];
  }
  return items.filter((item: unknown): item is WorkspaceLabelItem => {
    const type = (item as { type?: unknown } | null)?.type;
    const ok = type === "text" || type === "link" || (type === "render" && typeof (item as { render?: unknown }).render === "function");
    if (!ok) reportFailure(label.pluginId, `${label.qualifiedId} items`, new Error(`skipped an item of unknown type ${JSON.stringify(type) ?? "(none)"}`));
    return ok;
  });
}

