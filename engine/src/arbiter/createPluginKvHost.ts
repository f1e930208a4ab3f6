/**
 * A host's replica of one plugin's session KV document, as the bridge
 * serves it: the quota-checked entries the bridge's own methods write
 * (`setPluginData` and friends), and the judge every update from a plugin
 * frame's `sharedDoc()` goes through. The real host bridge and `MockHost`
 * both build on it, so a plugin meets the same answers in tests and in a
 * session.
 *
 * A plugin's update is never dropped: it is applied, and when the judge
 * compensates it (the host's replica held more than the plugin's, e.g. a
 * concurrent write), the compensation is applied in the same transaction —
 * so whatever syncs the document (the relay, IndexedDB, other frames) gets
 * the two as one update within the quota — and the frame is told, in this
 * order: a `kv:update` event carrying the compensation (its replica then
 * equals the host's), a `kv:rejected` event, and a `QuotaExceededError`
 * thrown for the request's answer.
 */
import type * as Y from "yjs";
import { ErrorCode, QuotaExceededError, TaikuError } from "../errors";
import { createSessionKv, type SessionKv } from "../kv/sessionKv";
import type { QuotaUsage } from "../protocol/bridgeTypes";
import type { BridgeValue } from "../protocol/bridgeValue";
import { createArbiter, rejectionOf } from "./createArbiter";

/** The plugin frame an update came from: the origin of its transaction, and who hears the verdict. */
export interface PluginFrame {
  /** Sends the frame one of its own events (`kv:update`, `kv:rejected`). */
  sendEvent(type: string, data: BridgeValue): void;
}

/** Options of {@link createPluginKvHost}. */
export interface PluginKvHostOptions {
  /** Live data limit in bytes; the session KV quota by default. */
  readonly limit?: number;
}

/** One plugin's session KV on a host. */
export interface PluginKvHost {
  /** The quota-checked entries (writes made by the host on the plugin's behalf). */
  readonly kv: SessionKv;
  /** Live bytes used and the quota, as `getPluginDataUsage` answers. */
  usage(): QuotaUsage;
  /**
   * Applies a Yjs update `frame` sent (its transaction's origin is `frame`)
   * and judges it. Throws `QuotaExceededError` after telling the frame when
   * the update was compensated, `MalformedUpdateError` for bytes that are
   * not an update (any part already applied is reverted in the same
   * transaction).
   */
  applyPluginUpdate(update: Uint8Array, frame: PluginFrame): void;
  /** Stops judging and accounting; the document is left as it is. */
  destroy(): void;
}

/** Wraps `doc`, the host's replica of a plugin's session KV document. */
export function createPluginKvHost(doc: Y.Doc, options: PluginKvHostOptions = {}): PluginKvHost {
  const kv = createSessionKv(doc, options.limit === undefined ? {} : { limit: options.limit });
  const arbiter = createArbiter(doc, { limit: kv.limit });
  return {
    kv,
    usage: () => arbiter.usage(),
    applyPluginUpdate(update, frame) {
      const result = arbiter.apply(update, frame);
      if (result.accepted) return;
      if (result.compensation !== null) frame.sendEvent("kv:update", { update: result.compensation });
      if (result.reason !== "quota_exceeded") throw new TaikuError(ErrorCode.PermissionDenied, `only the server may change ${result.revertedTypes.join(", ")}`);
      const rejection = rejectionOf(result);
      frame.sendEvent("kv:rejected", { ...rejection });
      throw new QuotaExceededError(rejection);
    },
    destroy() {
      arbiter.destroy();
      kv.destroy();
    },
  };
}
