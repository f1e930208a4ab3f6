/**
 * Which plugins a session knows, the rule the relay admits KV documents by:
 * a plugin installed on this server (bundled or local, a taiku plugin or a
 * Pi Web module, as plugin discovery finds it now), or one the owner enabled for the session (session-managed).
 *
 * A user's own "enabled" switch is not part of the rule: it lives in that
 * user's browser and the server never sees it, so any member may open the
 * KV document of any installed plugin. Installed plugins are the operator's
 * choice and session-managed ones the owner's, so no member can make up
 * plugin ids that get documents.
 */
import type { PluginId, SessionId } from "@taiku/engine";
import { createDiscoveryCache, discoverPlugins } from "../plugins/discoverPlugins";
import type { PluginFolders } from "../plugins/pluginTypes";
import type { KnownPlugins } from "./kvDocumentCap";

/** The ids of the plugins installed now, re-read on each call (discovery keeps that cheap); concurrent calls share one scan. */
export function createInstalledPlugins(folders: PluginFolders): () => Promise<ReadonlySet<string>> {
  const cache = createDiscoveryCache();
  let inflight: Promise<ReadonlySet<string>> | undefined;
  return () => {
    inflight ??= discoverPlugins(folders, cache)
      .then((discovery) => new Set([...discovery.plugins.map((plugin) => plugin.manifest.id), ...discovery.modules.map((module) => module.spec.id)]))
      .finally(() => {
        inflight = undefined;
      });
    return inflight;
  };
}

/** The server's rule: installed now, or session-managed in the session's record. */
export function createKnownPlugins(
  installed: () => Promise<ReadonlySet<string>>,
  sessionManaged: (sessionId: SessionId) => Promise<readonly PluginId[]>,
): KnownPlugins {
  return async (sessionId) => {
    const [ids, managed] = await Promise.all([installed(), sessionManaged(sessionId)]);
    const managedIds = new Set<string>(managed);
    return (pluginId) => ids.has(pluginId) || managedIds.has(pluginId);
  };
}
