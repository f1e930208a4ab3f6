/**
 * The plugin routes: `GET /plugins/manifest.json` (every discovered plugin
 * and every package error) and `GET /plugins/<id>/<path>` (the plugin's
 * files). Both are public by design: sandboxed plugin frames load them
 * without credentials.
 *
 * Assets are served only from inside the package's real root: the path is
 * checked while still encoded (see {@link parseAssetPath}) and the file's
 * real path, after every symlink, must lie under the root. Every answer
 * carries `Access-Control-Allow-Origin: *` (a sandboxed frame has the opaque
 * origin `null` and still needs its module scripts) and `nosniff`; HTML pages
 * get the plugin's Content-Security-Policy (see {@link buildPluginCsp}).
 */
import { constants } from "node:fs";
import { open } from "node:fs/promises";
import Router from "@koa/router";
import type { Context } from "koa";
import type { Logger } from "pino";
import { ErrorCode, isPluginId } from "@taiku/engine";
import { buildPluginCsp, INERT_DOCUMENT_CSP, requestOrigin } from "./buildPluginCsp";
import { contentTypeFor, isActiveDocument, isHtml } from "./contentTypeFor";
import { createDiscoveryCache, discoverPlugins } from "./discoverPlugins";
import { pluginManifestResponseSchema, toManifestResponse } from "./pluginManifestResponse";
import type { PluginDiscovery, PluginFolders } from "./pluginTypes";
import { parseAssetPath, resolveInsideRoot } from "./resolveAssetPath";

/** Options of {@link createPluginRoutes}. */
export interface PluginRoutesOptions extends PluginFolders {
  /** Receives discovery errors (once per change) and refused asset paths. */
  readonly logger?: Logger;
  /**
   * Origins besides the server's own that may frame plugin pages, such as a
   * development client on another port. Each must be a bare origin.
   */
  readonly clientOrigins?: readonly string[];
}

const PREFIX = "/plugins/";

/** A router serving the plugin manifest and plugin assets. */
export function createPluginRoutes(options: PluginRoutesOptions): Router {
  const { logger } = options;
  const cache = createDiscoveryCache();
  const clientOrigins = (options.clientOrigins ?? []).filter((origin) => {
    const bare = isBareOrigin(origin);
    if (!bare) logger?.warn({ origin }, "ignoring client origin for plugin frames: not a bare origin");
    return bare;
  });
  let loggedErrors = "";

  // Requests that arrive while a scan runs share it (a page load asks for many assets at once).
  let inflight: Promise<PluginDiscovery> | undefined;
  const scan = async (): Promise<PluginDiscovery> => {
    const discovery = await discoverPlugins(options, cache);
    const errors = JSON.stringify(discovery.errors);
    if (errors !== loggedErrors) {
      loggedErrors = errors;
      for (const error of discovery.errors) logger?.warn(error, "plugin not loaded");
    }
    return discovery;
  };
  const discover = (): Promise<PluginDiscovery> => {
    inflight ??= scan().finally(() => {
      inflight = undefined;
    });
    return inflight;
  };

  const router = new Router();

  router.get("/plugins/manifest.json", async (ctx) => {
    setCommonHeaders(ctx as unknown as Context);
    ctx.type = "application/json";
    ctx.body = pluginManifestResponseSchema.parse(toManifestResponse(await discover()));
  });

  router.get("/plugins/:id/*rest", async (ctx) => {
    await serveAsset(ctx as unknown as Context);
  });

  async function serveAsset(ctx: Context): Promise<void> {
    setCommonHeaders(ctx);
    // Work from the raw path, never from router-decoded params.
    const rest = ctx.path.slice(PREFIX.length);
    const slash = rest.indexOf("/");
    const id = rest.slice(0, slash);
    if (!ctx.path.startsWith(PREFIX) || slash < 0 || !isPluginId(id)) return refuse(ctx, 404, ErrorCode.NotFound, "no such plugin");
    const parsed = parseAssetPath(rest.slice(slash + 1));
    if ("error" in parsed) {
      logger?.debug({ path: ctx.path, reason: parsed.error }, "plugin asset path refused");
      return refuse(ctx, 400, ErrorCode.InvalidParams, `bad asset path: ${parsed.error}`);
    }
    const plugin = (await discover()).plugins.find((candidate) => candidate.manifest.id === id);
    if (plugin === undefined) return refuse(ctx, 404, ErrorCode.NotFound, `no plugin "${id}"`);
    const asset = await resolveInsideRoot(plugin.root, parsed.segments);
    if (asset === undefined) return refuse(ctx, 404, ErrorCode.NotFound, "no such file in this plugin");

    const handle = await open(asset.file, constants.O_RDONLY | constants.O_NOFOLLOW);
    try {
      const stats = await handle.stat();
      ctx.status = 200;
      ctx.etag = `W/"${stats.size.toString(16)}-${Math.floor(stats.mtimeMs).toString(16)}"`;
      ctx.lastModified = stats.mtime;
      ctx.type = contentTypeFor(asset.file);
      if (isHtml(asset.file)) {
        ctx.set(
          "Content-Security-Policy",
          buildPluginCsp({ manifest: plugin.manifest, serverOrigin: requestOrigin(ctx.protocol, ctx.host), clientOrigins }),
        );
      } else if (isActiveDocument(asset.file)) {
        ctx.set("Content-Security-Policy", INERT_DOCUMENT_CSP);
      }
      if (ctx.fresh) {
        ctx.status = 304;
        return;
      }
      ctx.body = await handle.readFile();
    } finally {
      await handle.close();
    }
  }

  return router;
}

/** Headers on every plugin answer, refusals included. */
function setCommonHeaders(ctx: Context): void {
  ctx.set("Cache-Control", "no-cache");
  ctx.set("Access-Control-Allow-Origin", "*");
  ctx.set("X-Content-Type-Options", "nosniff");
  ctx.set("Cross-Origin-Resource-Policy", "cross-origin");
}

function refuse(ctx: Context, status: number, code: ErrorCode, message: string): void {
  ctx.status = status;
  ctx.type = "application/json";
  ctx.body = { error: { code, message } };
}

function isBareOrigin(value: string): boolean {
  return URL.canParse(value) && new URL(value).origin === value && !/[\s;,']/.test(value);
}
