/**
 * The origins a browser page of this server has: what the sync endpoint
 * compares a browser's `Origin` with. Never the request's own `Host`
 * header: a page of a DNS-rebinding attacker (`http://evil.example:7300`,
 * resolving to this server) sends a matching `Host` and `Origin` both.
 *
 * Configured: `TAIKU_PUBLIC_ORIGIN` (one or more origins, comma-separated,
 * e.g. `https://taiku.example.com`): exactly those. Not configured: the
 * origins of the address the server listens on, with its bound port —
 * `http://127.0.0.1:<port>`, `http://localhost:<port>` and
 * `http://[::1]:<port>` when it listens on a loopback or every interface,
 * `http://<HOST>:<port>` when it listens on one other address. A server
 * reached by another name (behind a proxy, on a LAN name) needs
 * `TAIKU_PUBLIC_ORIGIN`.
 */

const LOOPBACK_OR_ANY = new Set(["127.0.0.1", "localhost", "::1", "0.0.0.0", "::", ""]);

/** The origin of `value` (`scheme://host[:port]`), or an error naming what is wrong. */
export function parseOrigin(value: string): { readonly origin: string } | { readonly error: string } {
  let url: URL;
  try {
    url = new URL(value);
  } catch (error) {
    if (error instanceof TypeError) return { error: `${JSON.stringify(value)} is not a URL` };
    throw error;
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") return { error: `${JSON.stringify(value)} is not an http(s) origin` };
  if (url.pathname !== "/" || url.search !== "" || url.hash !== "" || url.username !== "") {
    return { error: `${JSON.stringify(value)} is not a bare origin (no path, query or credentials)` };
  }
  return { origin: url.origin };
}

/** The origins of a server listening on `host` and `port` (see the module header). */
export function listeningOrigins(host: string, port: number): string[] {
  if (LOOPBACK_OR_ANY.has(host)) return [`http://127.0.0.1:${port}`, `http://localhost:${port}`, `http://[::1]:${port}`];
  return [`http://${host.includes(":") ? `[${host}]` : host}:${port}`];
}

/** True when the loopback and listening origins may not be the ones browsers use (the server listens on every interface). */
export function needsPublicOrigin(host: string): boolean {
  return host === "0.0.0.0" || host === "::";
}
