import type { WalHeader } from '@litewal/checksum';
import type { WalFileSink } from '@litewal/group-commit';
import type { WalFile } from '@litewal/wal-file';
import type { WalIndex, WalIndexHeader, WalIndexSnapshot } from '@litewal/wal-index';
import { BusySnapshotDatabaseError, DatabaseError } from '../errors.js';
import type { CheckpointRunner } from './checkpoint-runner.js';
import { waitWithBusyHandler } from './internal/busy.js';
import { busyOrSame, errorCode } from './internal/error-codes.js';
import type { DatabaseMetrics } from './internal/metrics.js';

/**
 * Where the writer's wal-index connection is: no transaction, a read transaction (a snapshot a
 * transaction stages on before it may take the write lock), or the write lock with its read
 * transaction (held for a whole pipeline of transactions).
 */
export type LockState = 'none' | 'snapshot' | 'write';

/** What {@link WriterLock} works with. @internal */
export interface WriterLockParts {
  /** The writer's wal-index connection. */
  readonly index: WalIndex;
  readonly sink: WalFileSink;
  readonly checkpoints: CheckpointRunner;
  readonly busyTimeoutMs: number;
  readonly metrics: DatabaseMetrics;
  /** Runs when the log was restarted (still under the restart's locks), after the WAL points at frame 1. */
  readonly onRestarted: (before: WalIndexHeader, after: WalIndexHeader) => void;
}

/**
 * The writer connection's side of SQLite's lock protocol: a snapshot (read transaction) to stage
 * on, then SQLite's WAL_WRITE lock, taken with the busy handler, after which the WAL handle
 * catches up with what other connections did to the log.
 * @internal
 */
export class WriterLock {
  readonly #parts: WriterLockParts;
  #state: LockState = 'none';
  /** The snapshot header while staging on a snapshot. */
  #snapshotHeader: WalIndexHeader | null = null;

  constructor(parts: WriterLockParts) {
    this.#parts = parts;
  }

  get state(): LockState {
    return this.#state;
  }

  /**
   * Starts a read transaction for a transaction to stage on and returns its header. When every
   * frame of the log is in the database, first restarts the log (as SQLite's writer does), so the
   * next commit goes to frame 1.
   */
  async beginSnapshot(): Promise<WalIndexHeader> {
    const { index, checkpoints } = this.#parts;
    let snapshot: WalIndexSnapshot;
    try {
      snapshot = await index.beginRead();
      if (snapshot.readLock === 0 && snapshot.header.maxFrame > 0) {
        await index.endRead();
        await checkpoints.restart((before, after) => this.#restarted(before, after));
        snapshot = await index.beginRead();
      }
    } catch (error) {
      throw busyOrSame(error, 'starting a write transaction');
    }
    this.#state = 'snapshot';
    this.#snapshotHeader = snapshot.header;
    return snapshot.header;
  }

  /** Ends a snapshot that did not become a write (the transaction wrote nothing or failed). */
  async endSnapshot(): Promise<void> {
    if (this.#state !== 'snapshot') return;
    this.#state = 'none';
    this.#snapshotHeader = null;
    if (this.#parts.index.snapshot !== null) await this.#parts.index.endRead();
  }

  /**
   * Takes SQLite's WAL_WRITE lock for the snapshot, waiting with the busy handler while another
   * connection writes, then catches up with the log.
   * @throws {@link BusySnapshotDatabaseError} when another connection committed since the snapshot.
   */
  async upgrade(): Promise<void> {
    if (this.#state === 'write') return;
    const { index, busyTimeoutMs, metrics: m } = this.#parts;
    const started = m.telemetry.now();
    let acquired: boolean;
    try {
      acquired = await waitWithBusyHandler(busyTimeoutMs, async () => {
        try {
          await index.beginWrite();
          return true;
        } catch (error) {
          if (errorCode(error) === 'ERR_WAL_INDEX_BUSY') return false;
          throw error;
        }
      });
    } catch (error) {
      if (errorCode(error) !== 'ERR_WAL_INDEX_BUSY_SNAPSHOT') throw busyOrSame(error, 'taking the WAL write lock');
      m.busySnapshot.inc();
      const { snapshotMaxFrame, currentMaxFrame } = error as { snapshotMaxFrame: number; currentMaxFrame: number };
      throw new BusySnapshotDatabaseError(snapshotMaxFrame, currentMaxFrame, { cause: error });
    }
    if (!acquired) {
      throw new DatabaseError('ERR_DATABASE_BUSY', `another connection held the WAL write lock for more than ${busyTimeoutMs} ms`);
    }
    m.telemetry.recordSince(m.lockWaitUs, started);
    m.lockAcquired.inc();
    this.#state = 'write';
    try {
      await this.#catchUp(this.#snapshotHeader as WalIndexHeader);
    } catch (error) {
      await this.release();
      throw error;
    }
    this.#snapshotHeader = null;
  }

  /** Ends the write lock and the read transaction of the writer's connection. */
  async release(): Promise<void> {
    const { index } = this.#parts;
    const state = this.#state;
    this.#state = 'none';
    this.#snapshotHeader = null;
    if (state === 'write') await index.endWrite();
    if (index.snapshot !== null) await index.endRead();
  }

  /** Points the WAL at frame 1 after the wal-index header was restarted (still under the restart's locks). */
  async #restarted(before: WalIndexHeader, after: WalIndexHeader): Promise<void> {
    await this.#parts.sink.wal.reset();
    this.#parts.onRestarted(before, after);
    this.#parts.metrics.telemetry.event('database.wal-restart', { frames: before.maxFrame });
  }

  /**
   * Brings the WAL handle in line with the wal-index header the lock was taken at: another
   * connection may have committed (absorbed with `refresh()`), restarted or truncated the log
   * (the next frame is 1). As SQLite's writer does, the next commit goes right after the
   * header's last frame, over anything a writer that died before publishing left there; but when
   * the WAL had to be read again and such committed frames chain after the header's, they are
   * published now, as a recovery would, and the transaction, whose snapshot did not include
   * them, fails with busy-snapshot.
   * @throws {@link DatabaseError} `ERR_DATABASE_CORRUPT` when the WAL does not hold the frames
   * the wal-index says it holds.
   */
  async #catchUp(header: WalIndexHeader): Promise<void> {
    const { index, metrics } = this.#parts;
    const wal = this.#parts.sink.wal;
    if (header.maxFrame === 0) {
      if (wal.committedFrames > 0) await wal.reset();
      return;
    }
    if (wal.committedFrames === header.maxFrame && sameSalts(wal, header)) return;
    metrics.catchUps.inc();
    await wal.refresh();
    if (wal.committedFrames > header.maxFrame && sameSalts(wal, header)) {
      const pages: number[] = [];
      for (let frame = header.maxFrame + 1; frame <= wal.committedFrames; frame++) pages.push(wal.pageOf(frame));
      const published = await index.publish({
        pages,
        dbSizePages: wal.dbSizePages,
        frameChecksum: wal.committedChecksum,
        walHeader: wal.header as WalHeader,
      });
      metrics.telemetry.event('database.adopted-frames', { from: header.maxFrame + 1, to: published.maxFrame });
      metrics.busySnapshot.inc();
      throw new BusySnapshotDatabaseError(header.maxFrame, published.maxFrame);
    }
    if (wal.committedFrames !== header.maxFrame || !sameSalts(wal, header)) {
      throw new DatabaseError('ERR_DATABASE_CORRUPT', `${wal.path} holds ${wal.committedFrames} committed frames, the wal-index says ${header.maxFrame}`);
    }
  }
}

function sameSalts(wal: WalFile, header: WalIndexHeader): boolean {
  return wal.header !== null && wal.header.salt1 === header.salt1 && wal.header.salt2 === header.salt2;
}
