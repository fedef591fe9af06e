import type { AppendResult, OpenWalOptions, TransactionFrames, WalFile } from '@litewal/wal-file';
import type { AppendGate } from './append-gate.js';

/**
 * SQLite's `PRAGMA synchronous` for a WAL: `full` syncs the WAL after each group (a commit is
 * durable when told); `normal` never syncs on commit (a commit is written when told, and durable
 * once a checkpoint syncs the WAL; a power cut may lose the latest ones); `off` never syncs, not
 * even the header of a new log. In every mode the rollback of a failed group is synced.
 * @public
 */
export type SynchronousMode = 'full' | 'normal' | 'off';

/** Every {@link SynchronousMode}. */
export const SYNCHRONOUS_MODES: readonly SynchronousMode[] = ['full', 'normal', 'off'];

/**
 * A group {@link WalFileSink} has written (and synced, per its mode), as its `afterFlush` hook sees it.
 * @public
 */
export interface FlushedGroup {
  /** The WAL, with the group appended: `committedFrames` is the group's last frame. */
  readonly wal: WalFile;
  /** The group's transactions, in log order. */
  readonly transactions: readonly TransactionFrames[];
  /** What the append wrote. */
  readonly append: AppendResult;
  /** Whether the group was synced. */
  readonly synced: boolean;
}

/**
 * Options of {@link WalFileSink.open}.
 * @public
 */
export interface WalFileSinkOptions extends Pick<OpenWalOptions, 'pageSize' | 'byteOrder'> {
  /** When to sync, as SQLite's `PRAGMA synchronous`. @defaultValue `'full'` */
  readonly synchronous?: SynchronousMode;
  /**
   * Cross-process lock held around each flush. With a gate, other processes may write the WAL
   * between groups, so each flush first checks (one size and one 32-byte header read) that the file
   * still continues this log; without one the sink is the only writer and skips those two calls.
   * @defaultValue undefined (no lock, a single writer)
   */
  readonly gate?: AppendGate;
  /**
   * Runs after each group is written and synced, with the gate still held: the engine publishes
   * the commit to the wal-index here. If it throws, the group fails and is rolled back, so it must
   * publish all of the group or nothing (header copies last, as SQLite does).
   * @defaultValue undefined
   */
  readonly afterFlush?: (group: FlushedGroup) => void | Promise<void>;
  /**
   * With `synchronous: 'full'`, a group of a single transaction (no other commit was waiting) is
   * synced with a blocking call on the event loop's thread, as SQLite syncs, saving the thread
   * pool's round trip (tens of microseconds of commit latency), as long as such syncs take at most
   * this many milliseconds on average (a running average, whose first value is the first sync):
   * past it, the next 256 lone groups go to the thread pool, so a slow disk does not keep the
   * event loop blocked. Groups of several transactions are
   * always synced through the thread pool. 0 never blocks.
   * @defaultValue 1
   */
  readonly blockingSyncMaxMs?: number;
}
