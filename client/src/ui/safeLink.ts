/**
 * Which plugin-supplied links may render as links: only absolute `http:`
 * and `https:` URLs. Everything else (`javascript:`, `data:`, relative or
 * unparsable) renders as plain text.
 */

/** The URL to use for `href`, or `undefined` when it must render as text. */
export function safeHref(href: string | undefined): string | undefined {
  if (href === undefined) return undefined;
  if (!URL.canParse(href)) return undefined;
  const url = new URL(href);
  return url.protocol === "http:" || url.protocol === "https:" ? url.href : undefined;
}
