import type { SyncMode } from '@litewal/vfs';

/**
 * Counts the writes and syncs of one database file: which writes a successful full sync covers,
 * which are still running, and whether any sync failed.
 */
export class WriteLedger {
  /** Writes and truncates that have settled (failed ones included: they may have changed bytes). */
  completed = 0;
  /** Writes and truncates still running. */
  inFlight = 0;
  /** `completed` when the latest successful full sync began; -1 before any. */
  syncedThrough = -1;
  /** The error of the first failed sync, if one failed. */
  failure: { readonly error: unknown } | undefined;

  /** Runs a write or truncate, counting it. */
  async write<T>(operation: () => Promise<T>): Promise<T> {
    this.inFlight++;
    try {
      return await operation();
    } finally {
      this.inFlight--;
      this.completed++;
    }
  }

  /** Runs a sync: a full one that succeeds covers the writes settled before it began; any failure is kept. */
  async sync(mode: SyncMode, operation: () => Promise<void>): Promise<void> {
    const covered = this.completed;
    try {
      await operation();
    } catch (error) {
      this.failure ??= { error };
      throw error;
    }
    if (mode === 'full') this.syncedThrough = Math.max(this.syncedThrough, covered);
  }
}
