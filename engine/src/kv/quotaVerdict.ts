/**
 * The quota rule, stated once: a change is refused when it leaves live data
 * above the limit *and* larger than before it. A change that shrinks live
 * data (or keeps it level) always passes, even over the limit, so a plugin
 * can always delete its way back under. Every judge of a change — the
 * arbiter applying an update, the writer's pre-check of a local write, the
 * guard of a plugin's `sharedDoc()` replica — asks this function, so they
 * cannot disagree.
 */
import type { QuotaFigures } from "../errors";

/**
 * The figures of a refusal when a change from `used` to `attempted` live
 * bytes breaks the quota `limit` (`null`: no quota), else `null`.
 */
export function quotaVerdict(used: number, attempted: number, limit: number | null): QuotaFigures | null {
  if (limit === null || attempted <= limit || attempted <= used) return null;
  return { used, limit, attempted };
}
