/**
 * The plugin routes: `GET /plugins/manifest.json` (every discovered plugin
 * and module, and every package error), `GET /plugins/<id>/<path>` (a
 * sandboxed plugin's files), and for the Pi Web plugin API `GET
 * /pi-web-plugins/manifest.json` (the modules, in the seed's shape) and `GET
 * /pi-web-plugins/<id>/<path>` (a module's files). All are public by design:
 * sandboxed plugin frames load theirs without credentials, and modules are
 * operator-installed code that every page of this server loads.
 *
 * Assets of both kinds are served by one function, only from inside the
 * package's real root: the path is checked while still encoded (see
 * {@link parseAssetPath}) and the file's real path, after every symlink,
 * must lie under the root. Every answer carries `nosniff`. Sandboxed plugin
 * answers also carry `Access-Control-Allow-Origin: *` (a sandboxed frame has
 * the opaque origin `null` and still needs its module scripts), and their
 * HTML pages get the plugin's Content-Security-Policy (see
 * {@link buildPluginCsp}). Module answers are for the host page itself, so
 * they are same-origin only, and typed as the Pi Web API says (see
 * {@link moduleAssetContentType}).
 *
 * Trust: a module is imported into the host page and runs with the user's
 * full access. That is acceptable only because discovery reads nothing but
 * the operator's folders; no route of this server writes under them.
 */
import { constants } from "node:fs";
import { open } from "node:fs/promises";
import Router from "@koa/router";
import type { Context } from "koa";
import type { Logger } from "pino";
import { ErrorCode, isPluginId } from "@taiku/engine";
import { buildPluginCsp, INERT_DOCUMENT_CSP, requestOrigin } from "./buildPluginCsp";
import { contentTypeFor, isActiveDocument, isHtml, moduleAssetContentType } from "./contentTypeFor";
import { createDiscoveryCache, discoverPlugins } from "./discoverPlugins";
import { piWebManifestResponseSchema, pluginManifestResponseSchema, toManifestResponse, toPiWebManifestResponse } from "./pluginManifestResponse";
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
const MODULE_PREFIX = "/pi-web-plugins/";

/** What an asset request is served from: a package root, and how its files are typed and headed. */
interface AssetOwner {
  readonly root: string;
  readonly contentType: (file: string) => string;
  /** Sets the headers that depend on the file (its Content-Security-Policy). */
  readonly fileHeaders: (ctx: Context, file: string) => void;
}

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
    setCommonHeaders(ctx as unknown as Context);
    await serveAsset(ctx as unknown as Context, PREFIX, async (id) => {
      const plugin = (await discover()).plugins.find((candidate) => candidate.manifest.id === id);
      if (plugin === undefined) return undefined;
      return {
        root: plugin.root,
        contentType: contentTypeFor,
        fileHeaders: (context, file) => {
          if (isHtml(file)) {
            const serverOrigin = requestOrigin(context.protocol, context.host);
            context.set("Content-Security-Policy", buildPluginCsp({ manifest: plugin.manifest, serverOrigin, clientOrigins }));
          } else if (isActiveDocument(file)) {
            context.set("Content-Security-Policy", INERT_DOCUMENT_CSP);
          }
        },
      };
    });
  });

  router.get("/pi-web-plugins/manifest.json", async (ctx) => {
    setModuleHeaders(ctx as unknown as Context);
    ctx.type = "application/json";
    const manifest = pluginManifestResponseSchema.parse(toManifestResponse(await discover()));
    ctx.body = piWebManifestResponseSchema.parse(toPiWebManifestResponse(manifest));
  });

  router.get("/pi-web-plugins/:id/*rest", async (ctx) => {
    setModuleHeaders(ctx as unknown as Context);
    await serveAsset(ctx as unknown as Context, MODULE_PREFIX, async (id) => {
      const module = (await discover()).modules.find((candidate) => candidate.spec.id === id);
      if (module === undefined) return undefined;
      return { root: module.root, contentType: moduleAssetContentType, fileHeaders: () => undefined };
    });
  });

  /** Serves `<prefix><id>/<path>` from the root `find` gives for the id; refuses anything else. */
  async function serveAsset(ctx: Context, prefix: string, find: (id: string) => Promise<AssetOwner | undefined>): Promise<void> {
    // Work from the raw path, never from router-decoded params.
    const rest = ctx.path.slice(prefix.length);
    const slash = rest.indexOf("/");
    const id = rest.slice(0, slash);
    if (!ctx.path.startsWith(prefix) || slash < 0 || !isPluginId(id)) return refuse(ctx, 404, ErrorCode.NotFound, "no such plugin");
    const parsed = parseAssetPath(rest.slice(slash + 1));
    if ("error" in parsed) {
      logger?.debug({ path: ctx.path, reason: parsed.error }, "plugin asset path refused");
      return refuse(ctx, 400, ErrorCode.InvalidParams, `bad asset path: ${parsed.error}`);
    }
    const owner = await find(id);
    if (owner === undefined) return refuse(ctx, 404, ErrorCode.NotFound, `no plugin "${id}"`);
    const asset = await resolveInsideRoot(owner.root, parsed.segments);
    if (asset === undefined) return refuse(ctx, 404, ErrorCode.NotFound, "no such file in this plugin");

    const handle = await open(asset.file, constants.O_RDONLY | constants.O_NOFOLLOW);
    try {
      const stats = await handle.stat();
      ctx.status = 200;
      ctx.etag = `W/"${stats.size.toString(16)}-${Math.floor(stats.mtimeMs).toString(16)}"`;
      ctx.lastModified = stats.mtime;
      ctx.type = owner.contentType(asset.file);
      owner.fileHeaders(ctx, asset.file);
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

/** Headers on every sandboxed plugin answer (and the full manifest), refusals included. */
function setCommonHeaders(ctx: Context): void {
  ctx.set("Cache-Control", "no-cache");
  ctx.set("Access-Control-Allow-Origin", "*");
  ctx.set("X-Content-Type-Options", "nosniff");
  ctx.set("Cross-Origin-Resource-Policy", "cross-origin");
}

/** Headers on every `/pi-web-plugins/` answer, refusals included: for the host page, on its own origin. */
function setModuleHeaders(ctx: Context): void {
  ctx.set("Cache-Control", "no-cache");
  ctx.set("X-Content-Type-Options", "nosniff");
  ctx.set("Cross-Origin-Resource-Policy", "same-origin");
}

function refuse(ctx: Context, status: number, code: ErrorCode, message: string): void {
  ctx.status = status;
  ctx.type = "application/json";
  ctx.body = { error: { code, message } };
}

function isBareOrigin(value: string): boolean {
  return URL.canParse(value) && new URL(value).origin === value && !/[\s;,']/.test(value);
}
