/**
 * What the writer of a compensated session KV update learns: which entries
 * and root types were reverted, and the live bytes before the update, the
 * quota, and the live bytes the update would have produced. The judge makes
 * it (`rejectionOf`); the host delivers it to the plugin as the data of a
 * `kv:rejected` event, and the relay's `quota_rejected` notice carries the
 * same fields.
 */

/** A compensated update, as its writer hears of it. */
export interface KvRejection {
  /** `kv` keys whose change was reverted. */
  readonly revertedKeys: string[];
  /** Other root types whose change was reverted. */
  readonly revertedTypes: string[];
  /** Live bytes before the update. */
  readonly used: number;
  /** The quota in bytes. */
  readonly limit: number;
  /** Live bytes the update would have produced. */
  readonly attempted: number;
}
