/**
 * The workspace layout as this participant's screen shows it, which is what
 * a plugin's `getLayout()` answers and `layout:change` carries: the tabs in
 * their order (the built-in tools `shells`, `files` and `git`, then each
 * running plugin's panels by plugin and `order`), the tab shown (a
 * remembered plugin tab whose plugin is not running shows Shells meanwhile), whether the side bars stand beside the
 * tabs (below {@link NARROW_SCREEN_PX} wide they stack under them) and the
 * theme. It changes exactly when the screen does.
 */
import { createMemo, createSignal, type Accessor } from "solid-js";
import type { Theme, WorkspaceLayout } from "@taiku/engine";
import type { CatalogPlugin } from "../plugins/pluginCatalog";

/** The workspace tools taiku has itself, before any plugin's panels: the shells (Terminal), Files and Git. */
export const BUILT_IN_TOOLS = [
  { key: "shells", title: "Shells" },
  { key: "files", title: "Files" },
  { key: "git", title: "Git" },
] as const;

const BUILT_IN_KEYS: readonly string[] = BUILT_IN_TOOLS.map((tool) => tool.key);

/** Below this viewport width (CSS pixels) the side bars stack under the workspace (see styles.css). */
export const NARROW_SCREEN_PX = 900;

/** Whether the viewport is narrower than {@link NARROW_SCREEN_PX}, reactive. */
function narrowScreen(): Accessor<boolean> {
  const query = window.matchMedia(`(max-width: ${NARROW_SCREEN_PX - 0.02}px)`);
  const [narrow, setNarrow] = createSignal(query.matches);
  query.addEventListener("change", (event) => setNarrow(event.matches));
  return narrow;
}

let sharedNarrow: Accessor<boolean> | undefined;

/** The layout of a session view over its running `plugins`, the remembered `openPanel` and the `theme`. */
export function createWorkspaceLayout(plugins: Accessor<readonly CatalogPlugin[]>, openPanel: Accessor<string>, theme: Accessor<Theme>): Accessor<WorkspaceLayout> {
  sharedNarrow ??= narrowScreen();
  const narrow = sharedNarrow;
  const panels = createMemo(() =>
    plugins().flatMap((plugin) =>
      [...plugin.contributions.panels].sort((a, b) => (a.order ?? 0) - (b.order ?? 0)).map((panel) => `${plugin.id}/${panel.id}`),
    ),
  );
  return createMemo(
    (): WorkspaceLayout => {
      const key = openPanel();
      return {
        panels: [...BUILT_IN_KEYS, ...panels()],
        openPanel: BUILT_IN_KEYS.includes(key) || panels().includes(key) ? key : "shells",
        sidebars: !narrow(),
        theme: theme(),
      };
    },
    undefined,
    { equals: (a: WorkspaceLayout, b: WorkspaceLayout) => JSON.stringify(a) === JSON.stringify(b) },
  );
}
