/**
 * The browser's session cookie: the login token again, for requests a page
 * makes without an `Authorization` header (a trusted module plugin's plain
 * `fetch("/api/...")`). `HttpOnly` (no script reads it), `SameSite=Strict`
 * (no other site's page sends it), `Path=/`, `Secure` when the server is
 * reached over TLS, and expiring with its token.
 *
 * A request authenticated by the cookie alone is accepted only from this
 * server's own pages: when the browser says where it comes from
 * (`Sec-Fetch-Site`), it must be `same-origin`, and an `Origin` it sends
 * must be one of the server's browser origins; a state-changing request
 * must send an `Origin`. That refuses a cross-site form post or `fetch`
 * with credentials, and a sandboxed plugin frame (its origin is opaque, so
 * its requests are cross-origin and say `Origin: null`), even where a
 * browser would attach the cookie. Bearer tokens work as before.
 */
import type { IncomingHttpHeaders } from "node:http";

/** The cookie's name. */
export const SESSION_COOKIE = "taiku_session";

/** The session cookie's token in a `Cookie` header, or `undefined`. */
export function cookieToken(headers: IncomingHttpHeaders): string | undefined {
  const header = headers.cookie;
  if (header === undefined) return undefined;
  for (const part of header.split(";")) {
    const eq = part.indexOf("=");
    if (eq < 0 || part.slice(0, eq).trim() !== SESSION_COOKIE) continue;
    const value = part.slice(eq + 1).trim();
    return /^[A-Za-z0-9_-]{1,256}$/.test(value) ? value : undefined;
  }
  return undefined;
}

const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);

/** Why a request carried by the cookie alone is refused, or `undefined` when it is one of this server's own pages'. */
export function cookieRefusal(method: string, headers: IncomingHttpHeaders, origins: readonly string[]): string | undefined {
  const site = headers["sec-fetch-site"];
  if (site !== undefined && site !== "same-origin") return `the session cookie is accepted only from this server's own pages (this request is ${site})`;
  const origin = headers.origin;
  if (origin !== undefined && !origins.includes(origin)) return `the session cookie is not accepted from origin ${origin}`;
  if (origin === undefined && !SAFE_METHODS.has(method.toUpperCase())) return "a state-changing request signed in by the session cookie must send its Origin";
  return undefined;
}

/** Whether a login from this request may set the cookie: a browser page of this server asked. */
export function mayIssueCookie(headers: IncomingHttpHeaders, origins: readonly string[]): boolean {
  const origin = headers.origin;
  return origin !== undefined && origins.includes(origin) && (headers["sec-fetch-site"] === undefined || headers["sec-fetch-site"] === "same-origin");
}

/** The `Set-Cookie` value setting the cookie to `token` for `maxAgeSeconds`. */
export function sessionCookieHeader(token: string, maxAgeSeconds: number, secure: boolean): string {
  return [`${SESSION_COOKIE}=${token}`, "HttpOnly", "SameSite=Strict", "Path=/", `Max-Age=${Math.max(0, Math.floor(maxAgeSeconds))}`, ...(secure ? ["Secure"] : [])].join("; ");
}

/** The `Set-Cookie` value removing the cookie. */
export function clearedCookieHeader(secure: boolean): string {
  return sessionCookieHeader("", 0, secure);
}
