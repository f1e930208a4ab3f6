/**
 * Serves the built client (`client/dist`) at `/`, with a fallback to
 * `index.html` for the app's own routes. When the client is not built it
 * answers a plain page saying how to build it. Never serves a byte from
 * outside the client folder. Every page it serves carries the host page's
 * Content-Security-Policy (`securityHeaders.ts`).
 */
import { readFile, stat } from "node:fs/promises";
import path from "node:path";
import type { Middleware } from "koa";
import { HOST_PAGE_CSP } from "./securityHeaders";

const NOT_BUILT_PAGE = `<!doctype html>
<meta charset="utf-8">
<title>taiku</title>
<h1>taiku is running, but the client is not built</h1>
<p>Build it with <code>npm run build -w @taiku/client</code> (or start the server with <code>npm start</code>, which builds it), then reload.</p>
`;

/** Paths other parts of the server own; the client never answers them. */
const RESERVED = /^\/(api|sync|plugins|pi-web-plugins|sdk)(\/|$)|^\/(healthz|readyz|metrics)$/;

async function isFile(file: string): Promise<boolean> {
  return stat(file).then(
    (info) => info.isFile(),
    (error: NodeJS.ErrnoException) => {
      if (error.code === "ENOENT" || error.code === "ENOTDIR" || error.code === "ENAMETOOLONG") return false;
      throw error;
    },
  );
}

function decodePath(raw: string): string | undefined {
  try {
    return decodeURIComponent(raw);
  } catch (error) {
    if (error instanceof URIError) return undefined;
    throw error;
  }
}

/** The client app, or the "not built" page. */
export function staticClient(clientDir: string): Middleware {
  const root = path.resolve(clientDir);
  return async (ctx, next) => {
    if ((ctx.method !== "GET" && ctx.method !== "HEAD") || RESERVED.test(ctx.path)) return next();
    const index = path.join(root, "index.html");
    if (!(await isFile(index))) {
      ctx.type = "text/html; charset=utf-8";
      ctx.set("Content-Security-Policy", HOST_PAGE_CSP);
      ctx.body = NOT_BUILT_PAGE;
      return;
    }
    // Refuse malformed escapes, NUL, and anything resolving outside the root.
    const decoded = decodePath(ctx.path);
    const wanted = decoded === undefined || decoded.includes("\0") ? undefined : path.resolve(root, `.${path.posix.normalize(decoded)}`);
    const inside = wanted !== undefined && (wanted === root || wanted.startsWith(root + path.sep));
    if (inside && wanted !== root && (await isFile(wanted))) {
      ctx.type = path.extname(wanted);
      if (ctx.response.is("html") !== false) ctx.set("Content-Security-Policy", HOST_PAGE_CSP);
      ctx.body = await readFile(wanted);
      if (ctx.path.startsWith("/assets/")) ctx.set("Cache-Control", "public, max-age=31536000, immutable");
      return;
    }
    if (path.extname(ctx.path) !== "") return next();
    ctx.type = "text/html; charset=utf-8";
    ctx.set("Cache-Control", "no-cache");
    ctx.set("Content-Security-Policy", HOST_PAGE_CSP);
    ctx.body = await readFile(index);
  };
}
