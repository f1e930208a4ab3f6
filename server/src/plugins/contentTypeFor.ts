/**
 * Content types for plugin assets, by file extension. Anything unknown is
 * served as `application/octet-stream` (with `nosniff`, so a browser never
 * guesses it into something executable).
 */
import path from "node:path";

const TYPES: Readonly<Record<string, string>> = {
  ".html": "text/html; charset=utf-8",
  ".htm": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".mjs": "text/javascript; charset=utf-8",
  ".cjs": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".json": "application/json; charset=utf-8",
  ".map": "application/json; charset=utf-8",
  ".txt": "text/plain; charset=utf-8",
  ".md": "text/markdown; charset=utf-8",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".jpg": "image/jpeg",
  ".jpeg": "image/jpeg",
  ".gif": "image/gif",
  ".webp": "image/webp",
  ".avif": "image/avif",
  ".ico": "image/x-icon",
  ".wasm": "application/wasm",
  ".woff": "font/woff",
  ".woff2": "font/woff2",
  ".ttf": "font/ttf",
  ".otf": "font/otf",
  ".mp3": "audio/mpeg",
  ".wav": "audio/wav",
  ".mp4": "video/mp4",
  ".webm": "video/webm",
};

/** The `Content-Type` for a file name. */
export function contentTypeFor(fileName: string): string {
  return TYPES[path.extname(fileName).toLowerCase()] ?? "application/octet-stream";
}

const MODULE_ASSET_TYPES: Readonly<Record<string, string>> = {
  ".js": "text/javascript; charset=utf-8",
  ".mjs": "text/javascript; charset=utf-8",
  ".json": "application/json; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".html": "text/html; charset=utf-8",
  ".htm": "text/html; charset=utf-8",
};

/**
 * The `Content-Type` for a Pi Web module's file, as the Pi Web plugin API
 * says: JavaScript, JSON, CSS and HTML typed, everything else
 * `application/octet-stream` (with `nosniff`, so an SVG or anything else
 * never renders as an active document on the host page's origin).
 */
export function moduleAssetContentType(fileName: string): string {
  return MODULE_ASSET_TYPES[path.extname(fileName).toLowerCase()] ?? "application/octet-stream";
}

/** True for files a browser renders as a page (they get the plugin page's CSP). */
export function isHtml(fileName: string): boolean {
  return /\.html?$/i.test(fileName);
}

/** True for files a browser can render as an active document besides HTML (SVG, XML). */
export function isActiveDocument(fileName: string): boolean {
  return /\.(svg|xml|xhtml)$/i.test(fileName);
}
