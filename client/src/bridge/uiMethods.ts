/**
 * Bridge handlers for the plugin's contributions to the host UI: toasts,
 * panel badges, status labels, palette action enablement and opening a
 * panel. Ids must name a panel or action the plugin's manifest declares.
 */
import { ErrorCode, TaikuError } from "@taiku/engine";
import type { PluginInstance } from "./bridgeHost";
import type { MethodGroup } from "./methodHandlers";

/** Throws `not_found` unless the plugin's manifest declares the panel. */
function requireDeclaredPanel(instance: PluginInstance, panelId: string): void {
  if (!instance.plugin.contributions.panels.some((panel) => panel.id === panelId)) {
    throw new TaikuError(ErrorCode.NotFound, `the manifest declares no panel ${panelId}`);
  }
}

/** Handlers for the `ui.panel` methods. */
export const uiMethods: MethodGroup = {
  showToast: ({ message, kind }, { services, instance }) => {
    services.toast(instance.plugin.id, message, kind ?? "info");
    return null;
  },
  setBadge: ({ panelId, badge }, { services, instance }) => {
    requireDeclaredPanel(instance, panelId);
    services.setBadge(instance.plugin.id, panelId, badge);
    return null;
  },
  setLabels: ({ labels }, { services, instance }) => {
    services.setLabels(instance.plugin.id, labels);
    return null;
  },
  setActionEnabled: ({ actionId, enabled }, { services, instance }) => {
    if (!instance.plugin.contributions.actions.some((action) => action.id === actionId)) {
      throw new TaikuError(ErrorCode.NotFound, `the manifest declares no action ${actionId}`);
    }
    services.setActionEnabled(instance.plugin.id, actionId, enabled);
    return null;
  },
  openPanel: ({ panelId }, { services, instance }) => {
    requireDeclaredPanel(instance, panelId);
    services.openPanel(instance.plugin.id, panelId);
    return null;
  },
};
