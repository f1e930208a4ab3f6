/**
 * Bridge handlers that read and act on the session: info, participants,
 * shells, chat, agent activity and custom events. All answers come from the
 * host's in-memory session state.
 */
import { customEventType, ErrorCode, TaikuError } from "@taiku/engine";
import type { MethodGroup } from "./methodHandlers";

/** Handlers for the `session.*` and `terminal.*` methods and `emit`. */
export const sessionMethods: MethodGroup = {
  getSession: (_params, { services }) => ({
    sessionId: services.sessionId,
    ...services.sessionInfo(),
    plugins: services.registeredPlugins().map((plugin) => ({ ...plugin, permissions: [...plugin.permissions] })),
  }),
  getPlugin: (_params, { services, instance }) => {
    const self = services.registeredPlugins().find((plugin) => plugin.id === instance.plugin.id);
    if (self === undefined) throw new TaikuError(ErrorCode.NotFound, `plugin ${instance.plugin.id} is no longer registered in this client`);
    return { ...self, permissions: [...self.permissions] };
  },
  getLayout: (_params, { services }) => {
    const layout = services.layout();
    return { ...layout, panels: [...layout.panels] };
  },
  getUsers: (_params, { services }) => {
    const seen = new Map<string, { userId: string; name: string; color: string }>();
    for (const p of services.participants()) if (!seen.has(p.userId)) seen.set(p.userId, { userId: p.userId, name: p.name, color: p.colour });
    return [...seen.values()];
  },
  getShells: (_params, { services }) =>
    services.shells().map((shell) => ({
      id: shell.id,
      title: shell.title,
      cwd: shell.cwd,
      host: shell.host,
      status: shell.status,
    })),
  getShellOutput: ({ shellId, lines }, { services }) => {
    if (!services.shells().some((shell) => shell.id === shellId)) throw new TaikuError(ErrorCode.NotFound, `no shell ${shellId}`);
    return services.events.shellOutput(shellId, lines ?? 100);
  },
  writeToShell: ({ shellId, data }, { services }) => {
    if (!services.shells().some((shell) => shell.id === shellId)) throw new TaikuError(ErrorCode.NotFound, `no shell ${shellId}`);
    const outcome = services.writeToShell(shellId, data);
    if (outcome.error !== undefined) throw new TaikuError(ErrorCode.Unavailable, outcome.error);
    return null;
  },
  getChat: ({ limit }, { services }) => services.chat().slice(-(limit ?? 100)).map((m) => ({ ...m })),
  sendChat: ({ text }, { services }) => {
    services.sendChat(text);
    return null;
  },
  getAgentActivity: ({ limit }, { services }) =>
    services
      .activity()
      .slice(-(limit ?? 100))
      .map((entry) => ({ ...entry })),
  emit: ({ name, data }, { services, instance }) => {
    services.publish(customEventType(instance.plugin.id, name), data);
    return null;
  },
  listFiles: ({ path }, { services }) => services.fs("list", path ?? ""),
  readFile: ({ path }, { services }) => services.fs("read", path),
  writeFile: async ({ path, content }, { services }) => {
    await services.fs("write", path, content);
    return null;
  },
};
