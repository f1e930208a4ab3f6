/**
 * The rule for entries of a plugin's `network` allowlist: an `https://`
 * origin written exactly as browsers serialise it. The list becomes the
 * `connect-src` of the plugin page's Content-Security-Policy, so nothing that
 * could change the meaning of that header (spaces, `;`, `,`, quotes, paths)
 * may pass.
 */

/** Longest origin accepted, in characters. */
export const MAX_ORIGIN_LENGTH = 253 + "https://".length + ":65535".length;

/** A host name (optionally with a leading `*.` wildcard) or a bracketed IPv6 address. */
const HOST = /^(?:(?:\*\.)?(?:[a-z0-9-]+\.)*[a-z0-9-]+|\[[0-9a-f:.]+\])$/;

/**
 * Checks one allowlist entry. Returns the origin or a message saying what is
 * wrong. Never throws.
 */
export function checkNetworkOrigin(value: unknown): { readonly origin: string } | { readonly error: string } {
  const expected = 'must be an https origin such as "https://api.example.com" (no path, no trailing slash)';
  if (typeof value !== "string" || value.length > MAX_ORIGIN_LENGTH || !value.startsWith("https://")) {
    return { error: expected };
  }
  let url: URL;
  try {
    url = new URL(value);
  } catch (cause) {
    return { error: `${expected}; it does not parse as a URL (${cause instanceof Error ? cause.message : String(cause)})` };
  }
  if (!HOST.test(url.hostname) || url.username !== "" || url.password !== "") return { error: expected };
  if (url.origin !== value) return { error: `${expected}; write it as "${url.origin}"` };
  return { origin: value };
}
