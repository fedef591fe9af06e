import type { PageWrite } from '@litewal/wal-file';
import { SQLITE_PENDING_BYTE } from '@litewal/vfs';
import { DatabaseError } from '../errors.js';
import type { PageArena } from './internal/page-arena.js';

/** SQLite's largest page count (`SQLITE_MAX_PAGE_COUNT`). */
const MAX_PAGE_COUNT = 0xffff_fffe;

/**
 * A write transaction, handed to the callback of {@link Database.write}.
 *
 * @remarks It sees the database as of its start plus every transaction committed or staged
 * before it in this process, and its own writes. Pages are staged in memory and reach the WAL
 * when the callback returns. Each page image must keep the database valid for SQLite (b-tree
 * pages, page 1's header): litewal writes it as given. Calls after the callback has returned
 * (or its promise settled) throw `ERR_DATABASE_TRANSACTION_CLOSED`.
 * @public
 */
export interface WriteTransaction {
  /** Page size in bytes. */
  readonly pageSize: number;
  /** The database size in pages, writes of this transaction included. */
  readonly pageCount: number;
  /**
   * The current image of page `pageNumber` (1..pageCount), this transaction's writes included:
   * a fresh copy the caller may change.
   * @throws RangeError for a page outside 1..pageCount; {@link DatabaseError}
   * `ERR_DATABASE_TRANSACTION_CLOSED` after the callback.
   */
  readPage(pageNumber: number): Promise<Uint8Array<ArrayBuffer>>;
  /**
   * Stages a new image of page `pageNumber` (copied at once). Writing page `pageCount + 1` grows
   * the database by one page (two when the next page is SQLite's locking page, which is never
   * written).
   * @throws RangeError for a page past `pageCount + 1`, the locking page (the one holding byte
   * 0x40000000), or an image that is not `pageSize` bytes; {@link DatabaseError}
   * `ERR_DATABASE_TRANSACTION_CLOSED` after the callback.
   */
  writePage(pageNumber: number, data: Uint8Array): void;
}

/** Reads the committed (or staged by earlier transactions) image of a page; the caller must not change it. */
export type PageSource = (pageNumber: number) => Promise<Uint8Array>;

/** The {@link WriteTransaction} of one `write()` call. @internal */
export class StagingTransaction implements WriteTransaction {
  readonly pageSize: number;
  readonly #source: PageSource;
  readonly #writes = new Map<number, Uint8Array<ArrayBuffer>>();
  readonly #lockingPage: number;
  readonly #arena: PageArena;
  #pageCount: number;
  #ended = false;

  constructor(source: PageSource, pageCount: number, pageSize: number, arena: PageArena) {
    this.#source = source;
    this.#arena = arena;
    this.#pageCount = pageCount;
    this.pageSize = pageSize;
    this.#lockingPage = Math.floor(SQLITE_PENDING_BYTE / pageSize) + 1;
  }

  get pageCount(): number {
    return this.#pageCount;
  }

  async readPage(pageNumber: number): Promise<Uint8Array<ArrayBuffer>> {
    this.#checkOpen('readPage');
    if (!Number.isInteger(pageNumber) || pageNumber < 1 || pageNumber > this.#pageCount) {
      throw new RangeError(`page ${String(pageNumber)} is outside the database (pages 1..${this.#pageCount})`);
    }
    const own = this.#writes.get(pageNumber);
    return (own ?? (await this.#source(pageNumber))).slice();
  }

  writePage(pageNumber: number, data: Uint8Array): void {
    this.#checkOpen('writePage');
    const next = this.#pageCount + 1 === this.#lockingPage ? this.#pageCount + 2 : this.#pageCount + 1;
    if (!Number.isInteger(pageNumber) || pageNumber < 1 || pageNumber > next || pageNumber > MAX_PAGE_COUNT) {
      throw new RangeError(`page ${String(pageNumber)} cannot be written: the database has ${this.#pageCount} pages (the next is ${next})`);
    }
    if (pageNumber === this.#lockingPage) {
      throw new RangeError(`page ${pageNumber} holds SQLite's locking byte 0x40000000 and is never written`);
    }
    if (data.length !== this.pageSize) throw new RangeError(`a page image is ${this.pageSize} bytes, got ${data.length}`);
    this.#writes.set(pageNumber, this.#arena.copy(data));
    if (pageNumber > this.#pageCount) this.#pageCount = pageNumber;
  }

  /** Ends the transaction: later calls throw. Returns the staged pages in page order. */
  end(): PageWrite[] {
    this.#ended = true;
    return [...this.#writes.entries()].sort((a, b) => a[0] - b[0]).map(([pageNumber, data]) => ({ pageNumber, data }));
  }

  #checkOpen(operation: string): void {
    if (this.#ended) {
      throw new DatabaseError('ERR_DATABASE_TRANSACTION_CLOSED', `${operation}() was called after the transaction's callback returned`);
    }
  }
}
