/**
 * The rule for a plugin's `entry`: a relative path to an HTML file inside the
 * package. The relay serves nothing outside a package root and nothing under
 * a dot-named folder, so an entry that could point elsewhere is refused here,
 * before it ever becomes a URL.
 */

/** Longest entry path accepted, in characters. */
export const MAX_ENTRY_LENGTH = 512;

/** Characters no entry may contain: controls, `\`, `:` (schemes, drives), and URL syntax. */
const FORBIDDEN = /[\u0000-\u001f\u007f\\:%?#]/;

/**
 * Checks an entry path. Returns the normalised path (a leading `./` removed)
 * or a message saying what is wrong. Never throws.
 */
export function checkEntryPath(value: unknown): { readonly path: string } | { readonly error: string } {
  if (typeof value !== "string" || value.length === 0 || value.length > MAX_ENTRY_LENGTH) {
    return { error: `must be a relative path of 1–${MAX_ENTRY_LENGTH} characters inside the package` };
  }
  const path = value.startsWith("./") ? value.slice(2) : value;
  const segments = path.split("/");
  const outside =
    FORBIDDEN.test(path) ||
    path.startsWith("/") ||
    segments.some((segment) => segment === "" || segment === "." || segment === "..");
  if (outside) return { error: "must be a relative path inside the package" };
  if (segments.some((segment) => segment.startsWith("."))) {
    return { error: "must not be in or name a dot-file or dot-folder (those are never served)" };
  }
  if (!/\.html?$/i.test(path)) return { error: "must name an .html file (the page loaded in the plugin's frame)" };
  return { path };
}
