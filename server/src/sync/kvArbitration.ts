/**
 * Judging one client update on the relay: the arbiter applies it, and an
 * update the document may not keep (over the session KV quota, over the
 * session document quota, or touching a server-only root of a session
 * document) gets its compensation and a rejection notice for its sender.
 *
 * The session document quota, {@link SESSION_QUOTA_BYTES} (2 MiB of live
 * data, weighed as the KV quota is: the UTF-8 bytes of each root's JSON),
 * bounds what every joiner downloads before it sees the session: 2 MiB is
 * about ten thousand chat messages of 200 bytes, or a layout, shells list
 * and activity feed far beyond what a screen shows, and it downloads in
 * well under a second on an ordinary link. The same rule as KV applies:
 * an update that leaves live data over the quota and larger than before is
 * compensated, so deleting always works.
 *
 * Invariant: a judged update is never dropped. Its events (the update, and
 * the compensation after it) are persisted together; other peers receive
 * both merged in one frame, so they never see the rejected state; the
 * sender, which already holds the update, receives the compensation and
 * the notice.
 */
import * as Y from "yjs";
import {
  ErrorCode,
  SERVER_ORIGIN,
  encodeRelayNotice,
  parseDocName,
  type ArbiterPolicy,
  type DocName,
  type EventOrigin,
  type NewDocEvent,
  type RejectionReason,
} from "@taiku/engine";
import type { LiveDocument } from "./liveDocument";
import { updateFrame } from "./syncMessages";

/** Roots of a session document that only the server writes. */
export const SERVER_ONLY_ROOTS = ["members", "plugins", "lifecycle"] as const;

/** Live data a session document may hold, in bytes: 2 MiB (see the module header for why). */
export const SESSION_QUOTA_BYTES = 2 * 1024 * 1024;

/**
 * The arbiter policy of a document: the KV quota for plugin documents; the
 * session quota and the server-only roots for session documents.
 */
export function policyFor(name: DocName, quotaBytes: number, sessionQuotaBytes = SESSION_QUOTA_BYTES): ArbiterPolicy {
  if (parseDocName(name)?.kind === "kv") return { limit: quotaBytes };
  return { limit: sessionQuotaBytes, protectedRoots: SERVER_ONLY_ROOTS };
}

/** What to persist and send for one judged update. */
export interface Judgement {
  /** Events to append, in order. */
  readonly events: readonly NewDocEvent[];
  /** The frame for every other peer (once the events are durable). */
  readonly toOthers: Uint8Array;
  /** Frames for the sender (once the events are durable): the compensation and the notice, when rejected. */
  readonly toSender: readonly Uint8Array[];
  /** How the update was judged. */
  readonly outcome: "accepted" | RejectionReason;
}

/** A v1 update that carries nothing: what a client with nothing new sends in reply to the relay's sync step 1. */
function isEmptyUpdate(update: Uint8Array): boolean {
  return update.byteLength === 2 && update[0] === 0 && update[1] === 0;
}

/**
 * Judges `update` from `origin` against `live`; `null` when it changes
 * nothing (then nothing is persisted or sent). Throws the arbiter's
 * `MalformedUpdateError` for bytes that are not an update.
 */
export function judgeUpdate(live: LiveDocument<unknown>, update: Uint8Array, origin: EventOrigin, quotaBytes: number): Judgement | null {
  // A client's empty reply to the relay's sync step 1 changes nothing: no reason to build the document for it.
  if (!live.isBuilt && isEmptyUpdate(update)) return null;
  const result = live.arbiter.apply(update, origin);
  if (result.update === null) return null;
  const ts = Date.now();
  const applied: NewDocEvent = { doc: live.name, update: result.update, origin, ts, kind: "update" };
  if (result.accepted) return { events: [applied], toOthers: updateFrame(result.update), toSender: [], outcome: "accepted" };
  const events = [applied];
  if (result.compensation !== null) events.push({ doc: live.name, update: result.compensation, origin: SERVER_ORIGIN, ts, kind: "compensation" });
  const notice =
    result.reason === "quota_exceeded"
      ? encodeRelayNotice({
          type: "quota_rejected",
          doc: live.name,
          revertedKeys: result.revertedKeys,
          revertedTypes: result.revertedTypes,
          used: result.used,
          limit: result.limit ?? quotaBytes,
          attempted: result.attempted,
        })
      : encodeRelayNotice({
          type: "error",
          code: ErrorCode.PermissionDenied,
          message: `only the server may change ${result.revertedTypes.join(", ")}; the change was reverted`,
        });
  const both = result.compensation === null ? result.update : Y.mergeUpdates([result.update, result.compensation]);
  const toSender = result.compensation === null ? [notice] : [updateFrame(result.compensation), notice];
  return { events, toOthers: updateFrame(both), toSender, outcome: result.reason };
}
