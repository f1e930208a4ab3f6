/**
 * The bridge's dispatch table: one handler per method of the engine's
 * method table, in a `Map` of own entries. Handlers run only after
 * `admitRequest` has checked the permission and the parameters, so each one
 * receives typed, validated parameters. They answer from the host's
 * in-memory state; only user KV, files and the filesystem cross the network.
 */
import type { BridgeMethod, BridgeMethodParams, BridgeValue } from "@taiku/engine";
import type { HostServices } from "./hostServices";
import type { PluginInstance } from "./bridgeHost";
import { sessionMethods } from "./sessionMethods";
import { storageMethods } from "./storageMethods";
import { uiMethods } from "./uiMethods";
import { healthMethods } from "./healthMethods";

/** What a handler knows about its call. */
export interface CallContext {
  readonly services: HostServices;
  /** The calling plugin frame. */
  readonly instance: PluginInstance;
  /** Starts forwarding remote updates of the caller's session KV as `kv:update` events (idempotent). */
  subscribeKv(): void;
}

/** Runs one admitted call; throws a `TaikuError` for a failure the plugin should see. */
export type MethodHandler<M extends BridgeMethod = BridgeMethod> = (
  params: BridgeMethodParams[M],
  context: CallContext,
) => BridgeValue | Promise<BridgeValue>;

/** A group of handlers, typed by method. */
export type MethodGroup = { readonly [M in BridgeMethod]?: MethodHandler<M> };

/** Builds the dispatch table from every group. */
export function createMethodHandlers(): ReadonlyMap<string, MethodHandler> {
  const table = new Map<string, MethodHandler>();
  for (const group of [sessionMethods, storageMethods, uiMethods, healthMethods]) {
    for (const [method, handler] of Object.entries(group)) table.set(method, handler as MethodHandler);
  }
  return table;
}
