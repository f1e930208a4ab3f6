/**
 * Plugin permissions, as DESIGN.md "The bridge" lists them. A plugin declares
 * the permissions it needs in its manifest; the host grants exactly those and
 * checks them before running any bridge method or delivering any event.
 */

/** Every permission a plugin can be granted. */
export const PERMISSIONS = [
  "session.read",
  "session.write",
  "terminal.read",
  "terminal.write",
  "events.subscribe",
  "ui.panel",
  "kv.read",
  "fs.read",
  "fs.write",
] as const;

/** One permission a plugin can be granted. */
export type Permission = (typeof PERMISSIONS)[number];

const PERMISSION_SET: ReadonlySet<string> = new Set(PERMISSIONS);

/** True when `value` is one of the {@link PERMISSIONS}. */
export function isPermission(value: unknown): value is Permission {
  return typeof value === "string" && PERMISSION_SET.has(value);
}
