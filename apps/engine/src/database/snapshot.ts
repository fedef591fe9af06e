import type { VfsFile } from '@litewal/vfs';
import type { WalIndex, WalIndexSnapshot } from '@litewal/wal-index';
import { DatabaseError } from '../errors.js';
import { readDatabasePage, readWalPage } from './internal/page-io.js';

/**
 * A read snapshot of the database, from {@link Database.read}: every page as of one commit, however
 * long it is kept and whatever is committed meanwhile (by this process or another, `sqlite3`
 * included).
 *
 * @remarks It holds a wal-index read mark and READ lock until {@link Snapshot.release}, exactly
 * as a SQLite reader does: checkpoints do not copy frames it still reads from, and the log is not
 * restarted while it is held, so release snapshots promptly. Only commits that are durable and
 * published to the wal-index are visible.
 * @public
 */
export interface Snapshot {
  /** Page size in bytes. */
  readonly pageSize: number;
  /** The database size in pages in this snapshot. */
  readonly pageCount: number;
  /** The last WAL frame (SQLite's mxFrame) in this snapshot; 0 when the log is empty. */
  readonly maxFrame: number;
  /** False once released. */
  readonly held: boolean;
  /**
   * The image of page `pageNumber` (1..pageCount) in this snapshot: its latest frame up to
   * `maxFrame` through the wal-index, else the database file. A fresh copy.
   * @throws RangeError for a page outside 1..pageCount; {@link DatabaseError}
   * `ERR_DATABASE_CLOSED` after release or after the database closed; `ERR_DATABASE_CORRUPT`
   * when the WAL ends inside a frame the wal-index names.
   */
  readPage(pageNumber: number): Promise<Uint8Array<ArrayBuffer>>;
  /** Ends the read transaction, releasing its read mark. Releasing again does nothing. */
  release(): Promise<void>;
}

/** Files a snapshot reads from. @internal */
export interface SnapshotFiles {
  readonly db: VfsFile;
  readonly wal: VfsFile;
  readonly pageSize: number;
}

/** A {@link Snapshot} on one reader connection of the pool. @internal */
export class ReadSnapshot implements Snapshot {
  readonly pageSize: number;
  readonly pageCount: number;
  readonly maxFrame: number;
  readonly #index: WalIndex;
  readonly #files: SnapshotFiles;
  readonly #onRelease: (snapshot: ReadSnapshot) => Promise<void>;
  #held = true;

  constructor(index: WalIndex, snapshot: WalIndexSnapshot, pageCount: number, files: SnapshotFiles, onRelease: (snapshot: ReadSnapshot) => Promise<void>) {
    this.#index = index;
    this.#files = files;
    this.#onRelease = onRelease;
    this.pageSize = files.pageSize;
    this.pageCount = pageCount;
    this.maxFrame = snapshot.header.maxFrame;
  }

  get held(): boolean {
    return this.#held;
  }

  async readPage(pageNumber: number): Promise<Uint8Array<ArrayBuffer>> {
    if (!this.#held) throw new DatabaseError('ERR_DATABASE_CLOSED', 'the snapshot was released');
    if (!Number.isInteger(pageNumber) || pageNumber < 1 || pageNumber > this.pageCount) {
      throw new RangeError(`page ${String(pageNumber)} is outside the snapshot (pages 1..${this.pageCount})`);
    }
    const { db, wal, pageSize } = this.#files;
    const frame = await this.#index.findFrame(pageNumber);
    return frame === 0 ? readDatabasePage(db, pageNumber, pageSize) : readWalPage(wal, frame, pageSize);
  }

  async release(): Promise<void> {
    if (!this.#held) return;
    this.#held = false;
    await this.#onRelease(this);
  }
}

/**
 * The reader connections of a database: one wal-index connection per snapshot held (each its
 * own lock owner, as separate SQLite connections are), reused once released.
 * @internal
 */
export class ReaderPool {
  readonly #open: () => Promise<WalIndex>;
  readonly #idle: WalIndex[] = [];
  readonly #all = new Set<WalIndex>();

  constructor(open: () => Promise<WalIndex>) {
    this.#open = open;
  }

  /** An idle connection, or a new one. */
  async acquire(): Promise<WalIndex> {
    const idle = this.#idle.pop();
    if (idle !== undefined) return idle;
    const index = await this.#open();
    this.#all.add(index);
    return index;
  }

  /** Gives a connection back, outside any transaction. */
  release(index: WalIndex): void {
    this.#idle.push(index);
  }

  /** Closes every connection (releasing their locks). */
  async close(): Promise<void> {
    const all = [...this.#all];
    this.#all.clear();
    this.#idle.length = 0;
    const results = await Promise.allSettled(all.map((index) => index.close()));
    const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failed !== undefined) throw failed.reason;
  }
}
