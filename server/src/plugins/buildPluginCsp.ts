/**
 * The Content-Security-Policy sent with a plugin's HTML pages. The page may
 * load its own assets (`/plugins/<id>/…`), the SDK module
 * (`/sdk/plugin-sdk.js`) and the shared stylesheet (`/plugin.css`, the host's
 * theme colours) and nothing else of the server (no `'self'`: that
 * would admit every other plugin's scripts), connect only to its own assets and the `https://`
 * origins its manifest lists in `network`, and be framed only by the taiku app. It is also
 * sandboxed by the policy itself, so even a page opened directly, outside
 * the host's sandboxed iframe, runs with an opaque origin and cannot reach
 * the app's storage.
 */
import type { PluginManifest } from "@taiku/engine";

/** Sandbox flags the page runs with (never `allow-same-origin`). */
export const PLUGIN_SANDBOX_FLAGS = "allow-scripts allow-forms allow-popups allow-modals";

/** What the policy is built from. */
export interface PluginCspInput {
  readonly manifest: Pick<PluginManifest, "id" | "network">;
  /** The server's origin as the browser sees it (`http://127.0.0.1:7300`), when known. */
  readonly serverOrigin: string | undefined;
  /** Extra origins allowed to frame plugin pages (a client served from elsewhere, in development). */
  readonly clientOrigins: readonly string[];
}

/** The policy for one plugin page, as a header value. */
export function buildPluginCsp({ manifest, serverOrigin, clientOrigins }: PluginCspInput): string {
  const assets = serverOrigin === undefined ? [] : [`${serverOrigin}/plugins/${manifest.id}/`];
  const sdk = serverOrigin === undefined ? [] : [`${serverOrigin}/sdk/plugin-sdk.js`];
  const sharedStyles = serverOrigin === undefined ? [] : [`${serverOrigin}/plugin.css`];
  const ancestors = [...(serverOrigin === undefined ? ["'self'"] : [serverOrigin]), ...clientOrigins];
  // No 'self': it would be the whole server, every other plugin's folder included.
  const own = (sources: readonly string[]): readonly string[] => (sources.length === 0 ? ["'none'"] : sources);
  const directives: ReadonlyArray<readonly [string, readonly string[]]> = [
    ["default-src", own(assets)],
    ["script-src", own([...assets, ...sdk])],
    ["style-src", [...assets, ...sharedStyles, "'unsafe-inline'"]],
    ["img-src", [...assets, "data:", "blob:"]],
    ["font-src", [...assets, "data:"]],
    ["connect-src", [...assets, ...manifest.network].length === 0 ? ["'none'"] : [...assets, ...manifest.network]],
    ["object-src", ["'none'"]],
    ["base-uri", ["'none'"]],
    ["form-action", ["'none'"]],
    ["frame-ancestors", ancestors],
  ];
  return [...directives.map(([name, sources]) => `${name} ${sources.join(" ")}`), `sandbox ${PLUGIN_SANDBOX_FLAGS}`].join("; ");
}

/** The policy for SVG and XML assets: rendered inert if opened directly. */
export const INERT_DOCUMENT_CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; sandbox";

const ORIGIN_HOST = /^(?:[a-z0-9-]+(?:\.[a-z0-9-]+)*|\[[0-9a-f:.]+\])(?::\d{1,5})?$/;

/**
 * The origin `http(s)://<host>` a request was addressed to, or `undefined`
 * when the `Host` header is not a plain host name (it must not be able to
 * inject anything into a header built from it).
 */
export function requestOrigin(protocol: string, host: string): string | undefined {
  if ((protocol !== "http" && protocol !== "https") || !ORIGIN_HOST.test(host.toLowerCase())) return undefined;
  return `${protocol}://${host.toLowerCase()}`;
}
