import { sharedHashes, type Hashes } from '@litewal/checksum';
import { TruncateGuard, requireVerified, type ExpectedPage } from '@litewal/recovery-fence';
import type { VfsFile } from '@litewal/vfs';
import type { BackfillList } from './backfill-iterator.js';

/** XXH3-128 digest size. */
const DIGEST_BYTES = 16;
/** Bytes read back per verification batch (the fence allocates one such buffer per verification). */
const VERIFY_BATCH_BYTES = 1024 * 1024;
/** The fence's largest verification batch, in pages. */
const MAX_VERIFY_BATCH_PAGES = 4096;
/**
 * Verifications run side by side over consecutive slices of the pages: while one hashes what it
 * read, the other's read is in flight.
 */
const VERIFY_STREAMS = 2;

/**
 * The recovery fence around one checkpoint (`@litewal/recovery-fence`): every database write goes
 * through a {@link TruncateGuard}; the XXH3-128 of each page image is taken as it is copied;
 * before the log may be reset (nBackfill reaching mxFrame) or truncated, the database is
 * `fsync`ed and every page copied is read back and compared, and any difference refuses.
 * @internal
 */
export class CheckpointFence {
  /** The database file, every write and sync observed by the guard. */
  readonly db: VfsFile;
  readonly #raw: VfsFile;
  readonly #guard: TruncateGuard;
  readonly #hashes: Hashes;
  #list: BackfillList | null = null;
  #digests = new Uint8Array(0);
  #sealed = false;

  private constructor(db: VfsFile, hashes: Hashes) {
    this.#raw = db;
    this.#guard = new TruncateGuard(db);
    this.db = this.#guard.file;
    this.#hashes = hashes;
  }

  /** Guards `db` for one checkpoint. */
  static async open(db: VfsFile): Promise<CheckpointFence> {
    return new CheckpointFence(db, await sharedHashes());
  }

  /** Starts recording what is copied for `list`; the returned hook takes entry `index`'s page image. */
  recorder(list: BackfillList): (index: number, page: Uint8Array) => void {
    this.#list = list;
    this.#digests = new Uint8Array(list.pages.length * DIGEST_BYTES);
    return (index, page) => this.#digests.set(this.#hashes.xxh3_128(page), index * DIGEST_BYTES);
  }

  /**
   * Makes the copy durable and proves it: a full `fsync` of the database, and (at the same time,
   * the guard checking afterwards that no write slipped in) a read-back of every page copied,
   * compared with its frame's XXH3-128. With no page copied (the log needed none, or an earlier
   * checkpoint copied them) only the `fsync` is left to do.
   * @throws `DbSyncFailedError`, `DbNotSyncedError`, `CheckpointMismatchError` from the fence.
   */
  async seal(pageSize: number): Promise<void> {
    const copied = this.#list?.pages.length ?? 0;
    const slice = Math.ceil(copied / VERIFY_STREAMS);
    // No bigger than a stream's share: a small checkpoint must not allocate a full batch buffer.
    const batchPages = Math.max(1, Math.min(MAX_VERIFY_BATCH_PAGES, Math.floor(VERIFY_BATCH_BYTES / pageSize), slice));
    const verifications = [];
    for (let start = 0; start < copied; start += slice) {
      const pages = this.#expected(start, Math.min(copied, start + slice));
      verifications.push(requireVerified({ dbFile: this.#raw, pageSize, pages, hashes: this.#hashes, batchPages }));
    }
    await Promise.all([this.#guard.sync(), ...verifications]);
    this.#guard.assertSynced();
    this.#sealed = true;
  }

  /**
   * Right before the WAL is truncated: {@link CheckpointFence.seal} unless it was done (then only
   * the guard's check that nothing was written since).
   * @throws as {@link CheckpointFence.seal}.
   */
  async beforeWalTruncate(pageSize: number): Promise<void> {
    if (this.#sealed) this.#guard.assertSynced();
    else await this.seal(pageSize);
  }

  /** The expected pages of list entries `start..end - 1`, in ascending page order. */
  *#expected(start: number, end: number): Generator<ExpectedPage> {
    const pages = this.#list?.pages ?? new Uint32Array(0);
    for (let i = start; i < end; i++) {
      yield { pageNumber: pages[i] as number, expected: this.#digests.subarray(i * DIGEST_BYTES, (i + 1) * DIGEST_BYTES) };
    }
  }
}
