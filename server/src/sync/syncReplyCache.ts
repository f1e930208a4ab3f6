/**
 * The sync step 2 reply of one document, kept while the document is
 * unchanged. When many clients connect at once (a reconnect storm after a
 * deploy or a network blip) they all send the same state vector — usually
 * the empty one of a fresh page — and encoding the whole state for each of
 * them is most of the relay's work. A transaction that inserted or deleted
 * anything drops the kept reply; one that changed nothing (each connecting
 * client sends an empty update) and a garbage collection pass do not change
 * what the reply means, so they keep it.
 */
import * as Y from "yjs";
import { syncStep2Frame } from "./syncMessages";

/** Answers sync step 1 for one document, re-encoding only when the document or the asked state vector changed. */
export class SyncReplyCache {
  private stateVector: Uint8Array | null = null;
  private reply: Uint8Array | null = null;

  constructor(private readonly doc: Y.Doc) {
    doc.on("afterTransaction", this.onTransaction);
  }

  /** The sync step 2 frame for a peer at `stateVector` (throws for a malformed state vector, like `syncStep2Frame`). */
  replyTo(stateVector: Uint8Array): Uint8Array {
    if (this.reply !== null && this.stateVector !== null && sameBytes(this.stateVector, stateVector)) return this.reply;
    const reply = syncStep2Frame(this.doc, stateVector);
    this.stateVector = stateVector.slice();
    this.reply = reply;
    return reply;
  }

  /** Stops watching the document. */
  destroy(): void {
    this.doc.off("afterTransaction", this.onTransaction);
    this.forget();
  }

  private readonly forget = (): void => {
    this.stateVector = null;
    this.reply = null;
  };

  private readonly onTransaction = (transaction: Y.Transaction): void => {
    if (changedAnything(transaction)) this.forget();
  };
}

function changedAnything(transaction: Y.Transaction): boolean {
  if (transaction.deleteSet.clients.size > 0) return true;
  for (const [client, clock] of transaction.afterState) if ((transaction.beforeState.get(client) ?? 0) !== clock) return true;
  return false;
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.byteLength !== b.byteLength) return false;
  for (let i = 0; i < a.byteLength; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** What {@link SyncReplies} needs of a loaded document. */
export interface RepliedDocument {
  /** The stored bytes while the document is not built, else `null`. */
  readonly unbuilt: { readonly fullSyncStep2: Uint8Array } | null;
  /** The built document (building it on first use). */
  readonly doc: Y.Doc;
}

/**
 * The sync step 2 replies of every loaded document. A peer that holds
 * nothing, asking a document not built yet, is answered with the stored
 * bytes as they are; any other peer from the document's kept reply.
 */
export class SyncReplies {
  /** By built document: a document that went back to its bytes and was built again gets a new cache. */
  private readonly caches = new WeakMap<Y.Doc, SyncReplyCache>();

  /** The sync step 2 frame for a peer at `stateVector` (throws for a malformed state vector). */
  replyTo(live: RepliedDocument, stateVector: Uint8Array): Uint8Array {
    const stored = live.unbuilt;
    if (stored !== null && Y.decodeStateVector(stateVector).size === 0) return stored.fullSyncStep2;
    const doc = live.doc;
    let cache = this.caches.get(doc);
    if (cache === undefined) {
      cache = new SyncReplyCache(doc);
      this.caches.set(doc, cache);
    }
    return cache.replyTo(stateVector);
  }
}
