/**
 * What plugins have set in the host UI during this session view: panel
 * badges, status labels, action enablement, which panel is open, and which
 * plugins have been stopped (their panel shows the reason).
 */
import { createSignal, type Accessor } from "solid-js";
import type { StatusLabel } from "@taiku/engine";

/** The plugin UI state of one session view. */
export interface PluginUiState {
  /** Badge per `pluginId/panelId`. */
  readonly badges: Accessor<Readonly<Record<string, string | number>>>;
  /** Labels per plugin id (run-time labels replace the manifest's). */
  readonly labels: Accessor<Readonly<Record<string, readonly StatusLabel[]>>>;
  /** `false` per `pluginId/actionId` for disabled actions. */
  readonly disabledActions: Accessor<ReadonlySet<string>>;
  /** The open panel as `pluginId/panelId`, or a host panel name. */
  readonly openPanel: Accessor<string>;
  /** Why a plugin was stopped, per plugin id. */
  readonly failures: Accessor<Readonly<Record<string, string>>>;
  setBadge(pluginId: string, panelId: string, badge: string | number | null): void;
  setLabels(pluginId: string, labels: readonly StatusLabel[]): void;
  setActionEnabled(pluginId: string, actionId: string, enabled: boolean): void;
  setOpenPanel(panel: string): void;
  fail(pluginId: string, reason: string): void;
  clearFailure(pluginId: string): void;
}

/** Creates empty plugin UI state; `initialPanel` is the panel open at first, `onOpenPanel` hears every change of it. */
export function createPluginUiState(initialPanel: string, onOpenPanel: (panel: string) => void = () => {}): PluginUiState {
  const [badges, setBadges] = createSignal<Readonly<Record<string, string | number>>>({});
  const [labels, setLabelsSignal] = createSignal<Readonly<Record<string, readonly StatusLabel[]>>>({});
  const [disabledActions, setDisabled] = createSignal<ReadonlySet<string>>(new Set());
  const [openPanel, setOpenPanel] = createSignal(initialPanel);
  const [failures, setFailures] = createSignal<Readonly<Record<string, string>>>({});
  return {
    badges,
    labels,
    disabledActions,
    openPanel,
    failures,
    setBadge(pluginId, panelId, badge) {
      setBadges((all) => {
        const next = { ...all };
        if (badge === null || badge === "") delete next[`${pluginId}/${panelId}`];
        else next[`${pluginId}/${panelId}`] = badge;
        return next;
      });
    },
    setLabels(pluginId, list) {
      setLabelsSignal((all) => ({ ...all, [pluginId]: list.map((label) => ({ ...label })) }));
    },
    setActionEnabled(pluginId, actionId, enabled) {
      setDisabled((all) => {
        const next = new Set(all);
        if (enabled) next.delete(`${pluginId}/${actionId}`);
        else next.add(`${pluginId}/${actionId}`);
        return next;
      });
    },
    setOpenPanel(panel) {
      setOpenPanel(panel);
      onOpenPanel(panel);
    },
    fail(pluginId, reason) {
      setFailures((all) => ({ ...all, [pluginId]: reason }));
    },
    clearFailure(pluginId) {
      setFailures((all) => {
        const next = { ...all };
        delete next[pluginId];
        return next;
      });
    },
  };
}
