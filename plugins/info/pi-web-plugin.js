/**
 * Info: the reference Pi Web module bundled with taiku. It uses every
 * contribution type of the Pi Web plugin API v1: an action (show the
 * selected workspace's path), a workspace label (main checkout, worktree or
 * plain folder) and a workspace panel (the workspace's facts). It also
 * counts, in its session KV (`context.taiku`), how often anyone in the
 * session asked for the path: a trusted module shares state the way a
 * sandboxed plugin does.
 *
 * Copy it to start a plugin of your own, and give the copy a new id.
 */

/** What kind of checkout a workspace is, in a word. */
function kindOf(workspace) {
  if (!workspace.isGitRepo) return "folder";
  return workspace.isGitWorktree ? "worktree" : "main";
}

export default {
  apiVersion: 1,
  name: "Info",
  activate: ({ html, taiku }) => ({
    contributions: {
      actions: [
        {
          id: "workspace.show-path",
          title: "Show Current Workspace Path",
          description: "Display the selected workspace path",
          shortcut: "mod+shift+i",
          group: "Info",
          enabled: (context) => context.state.selectedWorkspace !== undefined,
          run: async (context) => {
            const workspace = context.state.selectedWorkspace;
            // A browser alert, as in Pi Web; a taiku panel or label is usually the better place for it.
            window.alert(workspace?.path ?? "No workspace selected");
            const asked = (await taiku.getPluginData("asked")) ?? 0;
            await taiku.setPluginData("asked", Number(asked) + 1);
          },
        },
      ],
      workspaceLabels: [
        {
          id: "kind",
          order: 100,
          items: ({ workspace }) => [{ type: "text", text: kindOf(workspace), title: "Checkout kind (Info plugin)" }],
        },
      ],
      workspacePanels: [
        {
          id: "workspace.info",
          title: "Info",
          order: 100,
          render: ({ workspace }) => html`
            <section class="toolbar"><strong>Info</strong></section>
            <section class="viewer">
              <p>${workspace.label}</p>
              <p class="muted">${workspace.path}</p>
              <p class="muted">${workspace.branch ? `on ${workspace.branch}` : "no branch"} · ${kindOf(workspace)}</p>
            </section>
          `,
        },
      ],
    },
  }),
};
