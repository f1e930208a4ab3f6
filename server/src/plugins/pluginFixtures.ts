/**
 * Test fixtures for the plugin modules: temporary bundled and data folders,
 * plugin packages written to disk, a real Koa app on a free port, and a raw
 * HTTP GET that sends the path exactly as given (no client-side `..`
 * normalisation), which is what an attacker's client does.
 */
import { cp, mkdir, mkdtemp, realpath, rm, writeFile } from "node:fs/promises";
import http from "node:http";
import type { AddressInfo } from "node:net";
import os from "node:os";
import path from "node:path";
import Koa from "koa";
import type Router from "@koa/router";
import { DEFAULT_BUNDLED_DIR } from "./listPlugins";

/** Temporary folders laid out like a real install. */
export interface PluginSandbox {
  /** The temporary folder holding everything below (a real path). */
  readonly base: string;
  readonly bundledDir: string;
  readonly dataDir: string;
  /** Somewhere outside both, for packages that get symlinked in. */
  readonly elsewhere: string;
  readonly cleanup: () => Promise<void>;
}

/** Creates empty bundled, data and outside folders under a fresh temporary folder. */
export async function createPluginSandbox(): Promise<PluginSandbox> {
  const base = await realpath(await mkdtemp(path.join(os.tmpdir(), "taiku-plugins-")));
  const sandbox = {
    base,
    bundledDir: path.join(base, "bundled"),
    dataDir: path.join(base, "data"),
    elsewhere: path.join(base, "elsewhere"),
    cleanup: () => rm(base, { recursive: true, force: true }),
  };
  for (const dir of [sandbox.bundledDir, path.join(sandbox.dataDir, "plugins"), sandbox.elsewhere]) await mkdir(dir, { recursive: true });
  return sandbox;
}

/** A `package.json` object declaring one plugin, with `overrides` merged into the plugin. */
export function pluginPackage(packageName: string, id: string, overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return { name: packageName, version: "1.0.0", private: true, taiku: { plugins: [{ id, name: `Plugin ${id}`, entry: "index.html", ...overrides }] } };
}

/** A `package.json` object declaring Pi Web modules (`piWeb.plugins`), entries as given. */
export function piWebPackage(packageName: string, entries: readonly unknown[], extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { name: packageName, private: true, ...extra, piWeb: { plugins: entries } };
}

/** A minimal Pi Web module source: the seed's plugin shape with no contributions. */
export const PI_WEB_MODULE_SOURCE = 'export default { apiVersion: 1, name: "Test", activate: () => ({ contributions: {} }) };\n';

/** Writes a package folder: `package.json` (an object, or raw text) plus `files`. */
export async function writePackage(
  folder: string,
  packageJson: Record<string, unknown> | string,
  files: Readonly<Record<string, string | Uint8Array>> = { "index.html": "<!doctype html><p>plugin</p>" },
): Promise<string> {
  await mkdir(folder, { recursive: true });
  const text = typeof packageJson === "string" ? packageJson : JSON.stringify(packageJson, null, 2);
  await writeFile(path.join(folder, "package.json"), text);
  for (const [name, content] of Object.entries(files)) {
    await mkdir(path.dirname(path.join(folder, name)), { recursive: true });
    await writeFile(path.join(folder, name), content);
  }
  return folder;
}

/** Copies the repository's bundled hello plugin into `bundledDir`. */
export async function copyHelloPlugin(bundledDir: string): Promise<string> {
  const target = path.join(bundledDir, "hello");
  await cp(path.join(DEFAULT_BUNDLED_DIR, "hello"), target, { recursive: true });
  return target;
}

/** A running Koa app with just `router`. */
export interface RunningApp {
  readonly port: number;
  readonly close: () => Promise<void>;
}

/** Serves `router` (after any `before` middleware) on 127.0.0.1 on a free port. */
export async function startApp(router: Router, before: readonly Koa.Middleware[] = []): Promise<RunningApp> {
  const app = new Koa();
  app.silent = true;
  for (const middleware of before) app.use(middleware);
  app.use(router.routes()).use(router.allowedMethods());
  const server = http.createServer(app.callback());
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    port,
    close: () => new Promise<void>((resolve, reject) => server.close((error) => (error ? reject(error) : resolve()))),
  };
}

/** A response, body as text and bytes. */
export interface RawResponse {
  readonly status: number;
  readonly headers: http.IncomingHttpHeaders;
  readonly body: string;
  readonly bytes: Buffer;
}

/** GETs `rawPath` exactly as written (no normalisation of `..` or escapes). */
export function rawGet(port: number, rawPath: string, headers: http.OutgoingHttpHeaders = {}): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const request = http.request({ host: "127.0.0.1", port, path: rawPath, method: "GET", headers, agent: false }, (response) => {
      const chunks: Buffer[] = [];
      response.on("data", (chunk: Buffer) => chunks.push(chunk));
      response.on("end", () => {
        const bytes = Buffer.concat(chunks);
        resolve({ status: response.statusCode ?? 0, headers: response.headers, body: bytes.toString("utf8"), bytes });
      });
      response.on("error", reject);
    });
    request.on("error", reject);
    request.end();
  });
}
