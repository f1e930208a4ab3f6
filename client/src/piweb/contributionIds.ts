/**
 * Contribution ids of Pi Web modules: local ids match `^[a-z][a-z0-9.-]*$`
 * and taiku qualifies them as `<plugin-id>:<local-id>` everywhere (palette,
 * `selectWorkspaceTool`, `data-contribution` attributes, errors). Panels and
 * labels of all plugins share one order: `order` (default 0), then the
 * qualified id.
 */

/** What a plugin id and a local contribution id must match. */
export const LOCAL_ID = /^[a-z][a-z0-9.-]*$/;

/** `<plugin-id>:<local-id>`. */
export function qualify(pluginId: string, localId: string): string {
  return `${pluginId}:${localId}`;
}

/** Whether `id` is a valid local contribution id. */
export function isLocalId(id: unknown): id is string {
  return typeof id === "string" && LOCAL_ID.test(id);
}

/** Something placed in the shared order. */
export interface Ordered {
  readonly order?: number | undefined;
  readonly qualifiedId: string;
}

/** Compares by `order` (missing or non-finite is 0), then by qualified id. */
export function compareOrdered(a: Ordered, b: Ordered): number {
  const oa = Number.isFinite(a.order) ? (a.order as number) : 0;
  const ob = Number.isFinite(b.order) ? (b.order as number) : 0;
  if (oa !== ob) return oa - ob;
  return a.qualifiedId < b.qualifiedId ? -1 : a.qualifiedId > b.qualifiedId ? 1 : 0;
}

/** A sorted copy of `items`. */
export function sortOrdered<T extends Ordered>(items: readonly T[]): T[] {
  return [...items].sort(compareOrdered);
}
