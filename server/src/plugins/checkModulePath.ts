/**
 * The rule for a Pi Web module's `module` path, before it is looked up on
 * disk: a relative path to a JavaScript file inside the package. Anything
 * that could name a file elsewhere (`..`, an absolute or drive path, percent
 * escapes, backslashes, NUL and other controls, URL syntax) is refused here,
 * so it never becomes a URL; whether the file exists, and whether its real
 * path (after symlinks) stays inside the package, is checked by the reader.
 * Dot-named folders and files are refused too: the asset route never serves
 * them.
 */
import type { PluginRule } from "./pluginTypes";

/** Longest module path accepted, in characters. */
export const MAX_MODULE_PATH_LENGTH = 512;

/** Characters no module path may contain: controls, `\`, `:` (schemes, drives), and URL syntax. */
const FORBIDDEN = /[\u0000-\u001f\u007f\\:%?#]/;

/**
 * Checks a `module` value. Returns the normalised path (a leading `./`
 * removed), or the rule broken and what to write instead. Never throws.
 */
export function checkModulePath(
  value: unknown,
): { readonly path: string } | { readonly rule: Extract<PluginRule, "module-outside-package" | "module-not-javascript">; readonly error: string } {
  const outside = "module-outside-package" as const;
  if (typeof value !== "string" || value.length === 0 || value.length > MAX_MODULE_PATH_LENGTH) {
    return { rule: outside, error: `must be a relative path of 1–${MAX_MODULE_PATH_LENGTH} characters inside the package, such as "pi-web-plugin.js"` };
  }
  const path = value.startsWith("./") ? value.slice(2) : value;
  const segments = path.split("/");
  if (FORBIDDEN.test(path) || path.startsWith("/") || segments.some((segment) => segment === "" || segment === "." || segment === "..")) {
    return { rule: outside, error: "must be a safe relative path inside the package (no '..', absolute path, drive, backslash, '%' escape or control character)" };
  }
  if (segments.some((segment) => segment.startsWith("."))) {
    return { rule: outside, error: "must not be in or name a dot-file or dot-folder (those are never served)" };
  }
  if (!/\.m?js$/i.test(path)) return { rule: "module-not-javascript", error: "must name a .js or .mjs file (the ES module the page imports)" };
  return { path };
}
