/**
 * Keeps a document's live data (see `liveSize.ts`) current, transaction by
 * transaction, re-weighing only what each transaction touched, so the cost
 * of a write does not grow with the number of keys or the history.
 *
 * Two ways of following the document, chosen from its shape:
 *
 * - **kv only** (the common case: the document has no root but a `kv`
 *   map, and no entry holds a shared type): the tracker listens to the
 *   `kv` map alone and re-weighs the keys each event names. A document
 *   whose roots are all known needs nothing else, and a map observer costs
 *   a fraction of a document-level hook on every transaction.
 * - **whole document** (any other root, a nested shared type in `kv`,
 *   content in `kv`'s sequence part, or no `kv` map yet): a
 *   `beforeObserverCalls` hook re-weighs every key and root each
 *   transaction touched, before any observer or `afterTransaction`
 *   listener runs.
 *
 * A root created while the tracker follows `kv` alone (by a remote update,
 * or a plugin naming a new shared type) shows as a new entry in
 * `doc.share`. Reading {@link LiveSizeTracker.bytes} notices it, weighs the
 * new roots from their current state (the figure is a pure function of
 * state, so weighing late is exact) and switches to following the whole
 * document. A document that is back to kv only switches back.
 */
import * as Y from "yjs";
import type { AnyType } from "./jsonBytes";
import { itemValue, typeJsonBytes, utf8Length, valueJsonBytes } from "./jsonBytes";
import { entryBytes, KV_MAP, kvSequenceBytes, rootBytes } from "./liveSize";
import type { Touched } from "./touched";
import { touchedBy } from "./touched";

/** Keeps a document's live data current, transaction by transaction. */
export class LiveSizeTracker {
  private total = 0;
  /** Weight of each live `kv` entry, held in the map itself: with many keys, a weight in an object of its own is one more memory line to fetch per write. */
  private readonly entries = new Map<string, number>();
  /** Weight of each other root with live content. */
  private readonly roots = new Map<string, number>();
  /** Weight of what sits in `kv`'s sequence part. */
  private sequence = 0;
  /** `kv` keys whose value is a shared type (its changes do not reach the `kv` observer). */
  private readonly nested = new Set<string>();
  /** The `kv` map, once observed. */
  private kv: Y.Map<unknown> | null = null;
  /** `doc.share.size` when the roots were last looked at. */
  private knownRoots = 0;
  /** True while following the whole document. */
  private watching = false;
  /** The transaction the whole-document hook last accounted (the `kv` observer skips it). */
  private accounted: Y.Transaction | null = null;
  private hintKey: string | null = null;
  private hintBytes = 0;
  private readonly onKv = (event: Y.YMapEvent<unknown>): void => this.accountKv(event);
  private readonly onTransaction = (transaction: Y.Transaction): void => this.account(transaction);

  constructor(readonly doc: Y.Doc) {
    for (const [name, type] of doc.share) {
      if (name !== KV_MAP) {
        this.setRoot(name, rootBytes(type));
        continue;
      }
      for (const key of type._map.keys()) this.weighEntry(type, key, false);
      this.setSequence(kvSequenceBytes(type));
    }
    this.knownRoots = doc.share.size;
    this.attachKv();
    this.chooseMode();
  }

  /** Live bytes of the whole document. */
  get bytes(): number {
    if (this.doc.share.size !== this.knownRoots) this.syncRoots();
    return this.total;
  }

  /** Current weight of the `kv` entry `key`. */
  entry(key: string): number {
    return this.entries.get(key) ?? 0;
  }

  /**
   * Live bytes the document holds now, in the middle of a transaction that
   * touched `touched` (see `touchedBy`): the figure at the transaction's
   * start, with what it touched re-weighed from the current state. Nothing
   * is recorded; the tracker accounts the transaction when it ends, as
   * always. Read {@link bytes} once before the transaction opens, so every
   * root that existed then is known.
   */
  projected(touched: Touched): number {
    let total = this.total;
    if (touched.keys.size > 0) {
      const kv = this.doc.share.get(KV_MAP);
      for (const key of touched.keys) total += (kv === undefined ? 0 : entryBytes(kv, key)) - this.entry(key);
    }
    for (const name of touched.roots) {
      const type = this.doc.share.get(name);
      if (type === undefined) continue;
      if (name === KV_MAP) total += kvSequenceBytes(type) - this.sequence;
      else total += rootBytes(type) - (this.roots.get(name) ?? 0);
    }
    return total;
  }

  /**
   * Announces the weight of a value about to be set at `key` in a
   * transaction of its own, so the tracker takes it instead of weighing the
   * value again; {@link forget} right after the write.
   * @param bytes the entry's weight with the value, key included
   */
  expect(key: string, value: unknown, bytes: number): void {
    // A shared type is weighed once integrated, and followed as a nested type.
    if (value instanceof Y.AbstractType) return;
    this.hintKey = key;
    this.hintBytes = bytes;
  }

  /** Drops the weight announced by {@link expect}. */
  forget(): void {
    this.hintKey = null;
  }

  /** Stops tracking. */
  destroy(): void {
    this.kv?.unobserve(this.onKv);
    this.kv = null;
    if (this.watching) this.doc.off("beforeObserverCalls", this.onTransaction);
    this.watching = false;
  }

  /** Observes the `kv` root once it exists as a map. */
  private attachKv(): void {
    if (this.kv !== null) return;
    const kv = this.doc.share.get(KV_MAP);
    if (!(kv instanceof Y.Map)) return;
    this.kv = kv as Y.Map<unknown>;
    this.kv.observe(this.onKv);
  }

  /** Takes in roots added since the last look. */
  private syncRoots(): void {
    // Following kv alone, the tracker knew no root but kv: every other one is new, weighed as it stands.
    if (!this.watching) for (const [name, type] of this.doc.share) if (name !== KV_MAP) this.setRoot(name, rootBytes(type));
    this.knownRoots = this.doc.share.size;
    this.attachKv();
    this.chooseMode();
  }

  /** Follows `kv` alone when that sees every change, else the whole document. */
  private chooseMode(): void {
    if (this.doc.share.size !== this.knownRoots) {
      this.syncRoots();
      return;
    }
    // An observed kv map cannot be replaced, so with one root that root is kv.
    const kvOnly = this.kv !== null && this.knownRoots === 1 && this.nested.size === 0 && this.sequence === 0;
    if (kvOnly !== this.watching) return;
    if (kvOnly) this.doc.off("beforeObserverCalls", this.onTransaction);
    else this.doc.on("beforeObserverCalls", this.onTransaction);
    this.watching = !kvOnly;
  }

  /** The `kv` observer: re-weighs the keys the event names. */
  private accountKv(event: Y.YMapEvent<unknown>): void {
    if (event.transaction === this.accounted) return;
    const keys = event.keysChanged as Set<string | null>;
    const hinted = this.hintKey;
    if (hinted !== null && keys.size === 1 && keys.has(hinted)) {
      // The announced write, alone in the transaction it ended (the common case): no lookup, no walk.
      this.takeHint(hinted);
      return;
    }
    const kv = event.target;
    const alone = keys.size === 1;
    for (const key of keys) {
      if (key === null) this.setSequence(kvSequenceBytes(kv));
      else this.weighEntry(kv, key, alone);
    }
    if (this.nested.size > 0 || this.sequence > 0) this.chooseMode();
  }

  /** The whole-document hook: re-weighs every key and root the transaction touched. */
  private account(transaction: Y.Transaction): void {
    this.accounted = transaction;
    const touched = touchedBy(transaction);
    if (touched.keys.size > 0) {
      const kv = this.doc.share.get(KV_MAP);
      if (kv === undefined) throw new Error("kv keys changed without a kv root");
      const alone = touched.keys.size === 1 && touched.roots.size === 0;
      for (const key of touched.keys) this.weighEntry(kv, key, alone);
    }
    for (const name of touched.roots) {
      const type = this.doc.share.get(name);
      if (type === undefined) continue;
      if (name === KV_MAP) this.setSequence(kvSequenceBytes(type));
      else this.setRoot(name, rootBytes(type));
    }
    this.chooseMode();
  }

  /**
   * Re-weighs the `kv` entry `key`.
   * @param alone true when `key` is the only thing the transaction changed
   */
  private weighEntry(kv: AnyType, key: string, alone: boolean): void {
    if (alone && key === this.hintKey) {
      this.takeHint(key);
      return;
    }
    const item = kv._map.get(key);
    if (item === undefined || item.deleted) {
      this.nested.delete(key);
      this.setEntry(key, 0);
      return;
    }
    const value = itemValue(item);
    if (value instanceof Y.AbstractType) {
      this.nested.add(key);
      this.setEntry(key, utf8Length(key) + typeJsonBytes(value, false));
      return;
    }
    if (this.nested.size > 0) this.nested.delete(key);
    this.setEntry(key, utf8Length(key) + valueJsonBytes(value));
  }

  /** Takes the announced weight for `key`, the announced write being all its transaction changed (so the entry holds that value). */
  private takeHint(key: string): void {
    this.hintKey = null; // taken once: a later transaction (an observer writing back) is weighed afresh
    if (this.nested.size > 0) this.nested.delete(key);
    this.setEntry(key, this.hintBytes);
  }

  private setEntry(key: string, bytes: number): void {
    const weight = this.entries.get(key);
    if (weight === undefined) {
      if (bytes === 0) return;
      this.entries.set(key, bytes);
      this.total += bytes;
      return;
    }
    this.total += bytes - weight;
    if (bytes === 0) this.entries.delete(key);
    else this.entries.set(key, bytes);
  }

  private setSequence(bytes: number): void {
    this.total += bytes - this.sequence;
    this.sequence = bytes;
  }

  private setRoot(name: string, bytes: number): void {
    this.total += bytes - (this.roots.get(name) ?? 0);
    if (bytes === 0) this.roots.delete(name);
    else this.roots.set(name, bytes);
  }
}
