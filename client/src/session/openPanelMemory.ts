/**
 * Which tab of a session view is open, remembered per session in
 * localStorage (`taiku:open-panel`, session id → `"shells"` or
 * `pluginId/panelId`), so a reload reopens the tab the user was on.
 */
const STORAGE_KEY = "taiku:open-panel";

function readAll(storage: Pick<Storage, "getItem">): Record<string, string> {
  const raw = storage.getItem(STORAGE_KEY);
  if (raw === null) return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch (error) {
    console.warn("taiku: ignoring localStorage taiku:open-panel, it is not JSON", error);
    return {};
  }
  if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) return {};
  return Object.fromEntries(Object.entries(parsed).filter((entry): entry is [string, string] => typeof entry[1] === "string"));
}

/** The tab last open in `sessionId`, or `undefined`. */
export function rememberedPanel(sessionId: string, storage: Pick<Storage, "getItem"> = localStorage): string | undefined {
  return readAll(storage)[sessionId];
}

/** Remembers `panel` as the open tab of `sessionId`. */
export function rememberPanel(sessionId: string, panel: string, storage: Pick<Storage, "getItem" | "setItem"> = localStorage): void {
  storage.setItem(STORAGE_KEY, JSON.stringify({ ...readAll(storage), [sessionId]: panel }));
}
