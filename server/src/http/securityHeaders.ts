/**
 * The headers every answer carries, and the Content-Security-Policy of the
 * host page (the client app and the "not built" page).
 *
 * Every answer: `X-Content-Type-Options: nosniff` (no content is sniffed
 * into a script or a page) and `Referrer-Policy: no-referrer` (no URL of
 * the app leaves it in a `Referer`).
 *
 * The host page holds the user's token, so its policy is strict: scripts
 * only from the server's own files (no inline script, no `eval`: an
 * injected `<script>` does not run), connections only to the server itself
 * (its API and its sync WebSockets), frames only from the server (plugin
 * pages under `/plugins/`), no plugins, and `frame-ancestors 'self'`: only
 * the server's own pages may frame the app. Inline styles are allowed (the
 * UI and the terminal set `style` attributes).
 */
import type { Middleware } from "koa";

/** The host page's Content-Security-Policy. */
export const HOST_PAGE_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: blob:",
  "font-src 'self' data:",
  "connect-src 'self'",
  "frame-src 'self'",
  "worker-src 'self' blob:",
  "object-src 'none'",
  "base-uri 'self'",
  "form-action 'self'",
  "frame-ancestors 'self'",
].join("; ");

/** Sets the headers every answer carries (before the rest runs, so error answers carry them too). */
export function securityHeaders(): Middleware {
  return async (ctx, next) => {
    ctx.set("X-Content-Type-Options", "nosniff");
    ctx.set("Referrer-Policy", "no-referrer");
    await next();
  };
}
