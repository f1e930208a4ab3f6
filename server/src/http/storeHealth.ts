/**
 * Whether the server's database can be read, for `/healthz` and `/readyz`.
 *
 * Damage is what the start-up check found (`checkLevelTables`: a table file
 * whose block does not match its checksum) plus every `LEVEL_CORRUPTION` a
 * read met since; it stays until the operator repairs the data and
 * restarts, so `/readyz` is 503 naming the store and the file while the
 * store is unreadable. `/healthz` probes the database with one cheap read.
 */
import type { TableDamage } from "./checkLevelTables";

/** A damaged part of a store. */
export interface StoreDamage {
  /** The store: the database folder's path relative to the data directory (`db`). */
  readonly store: string;
  /** The damaged file, relative to the store's folder, when known. */
  readonly file?: string;
  readonly reason: string;
}

/** The error code abstract-level gives a read that met damaged data. */
export const LEVEL_CORRUPTION = "LEVEL_CORRUPTION";

/** Most distinct damage reports kept (a damaged store can fail every read the same way). */
const MAX_DAMAGE = 32;

/** The database's health. */
export class StoreHealth {
  private readonly damage: StoreDamage[] = [];

  constructor(
    /** The store's name in reports. */
    readonly store: string,
    /** One cheap read of the database; rejects when it cannot read. */
    private readonly read: () => Promise<unknown>,
    found: readonly TableDamage[] = [],
  ) {
    for (const { file, reason } of found) this.record({ store, file, reason: `table file ${file} ${reason}` });
  }

  /** Every damage found so far, oldest first. */
  found(): readonly StoreDamage[] {
    return this.damage;
  }

  /** Records damage (once per distinct report). */
  record(damage: StoreDamage): void {
    if (this.damage.length >= MAX_DAMAGE) return;
    if (this.damage.some((d) => d.file === damage.file && d.reason === damage.reason)) return;
    this.damage.push(damage);
  }

  /** Records `error` when it is a read that met damaged data; true when it was. */
  recordIfCorruption(error: unknown): boolean {
    if ((error as { code?: unknown } | null)?.code !== LEVEL_CORRUPTION) return false;
    this.record({ store: this.store, reason: error instanceof Error ? error.message : String(error) });
    return true;
  }

  /** `null` when the database answers a read, else why not. */
  async probe(): Promise<string | null> {
    try {
      await this.read();
      return null;
    } catch (error) {
      this.recordIfCorruption(error);
      return error instanceof Error ? error.message : String(error);
    }
  }
}
