import { NodeVfs, type Vfs, type VfsFile } from '@litewal/vfs';
import { WalFile } from '@litewal/wal-file';
import { IntegrityError } from './errors.js';
import type { PageSource } from './page-source.js';

/**
 * Options of {@link openDatabaseSource}.
 *
 * @public
 */
export interface DatabaseSourceOptions {
  /**
   * The file system to read through.
   * @defaultValue a new `NodeVfs`
   */
  readonly vfs?: Vfs;
  /**
   * Lay the committed pages of `<db>-wal` over the database file, as a reader opening the
   * database would see it (`'auto'`), or read the database file alone (`'ignore'`).
   * @defaultValue 'auto'
   */
  readonly wal?: 'auto' | 'ignore';
}

/**
 * A {@link PageSource} over a database file (and its WAL) opened read-only; close it when done.
 *
 * @public
 */
export interface DatabaseSource extends PageSource {
  /** The database file. */
  readonly path: string;
  /** Committed WAL frames laid over the file (0 without a WAL or with `wal: 'ignore'`). */
  readonly walFrames: number;
  /** Closes the files. */
  close(): Promise<void>;
}

/** Bytes read from the file per cached block (whole pages of any size fit). */
const BLOCK_BYTES = 256 * 1024;
/** Blocks kept: at most 4 MiB of cache whatever the database size. */
const MAX_BLOCKS = 16;

/**
 * Opens a database file read-only as a {@link PageSource}; with `wal: 'auto'` and a `<db>-wal`
 * beside it, pages come from the latest committed frame of the WAL's valid prefix (the database
 * size from its last commit frame), else from the file.
 *
 * @remarks Nothing is ever written or created: the WAL is opened read-only and `-shm` is not
 * touched, so the database may be in use by SQLite. Reads are cached in blocks of 256 KiB (4 MiB
 * at most).
 * @throws `VfsError` `ERR_VFS_NOT_FOUND` when the database file does not exist.
 * @throws {@link IntegrityError} `ERR_INTEGRITY_WAL` when the WAL cannot be read.
 * @public
 */
export async function openDatabaseSource(path: string, options: DatabaseSourceOptions = {}): Promise<DatabaseSource> {
  const vfs = options.vfs ?? new NodeVfs();
  const file = await vfs.open(path, { readOnly: true });
  let wal: WalFile | null = null;
  try {
    const walPath = `${path}-wal`;
    if ((options.wal ?? 'auto') === 'auto' && (await vfs.exists(walPath))) {
      try {
        wal = await WalFile.open(vfs, walPath, { readOnly: true });
      } catch (error) {
        throw new IntegrityError('ERR_INTEGRITY_WAL', `cannot read ${walPath}: ${(error as Error).message}`, { cause: error });
      }
      if (wal.committedFrames === 0) {
        await wal.close();
        wal = null;
      }
    }
  } catch (error) {
    await file.close();
    throw error;
  }
  return new FileSource(path, file, wal);
}

class FileSource implements DatabaseSource {
  readonly path: string;
  readonly walFrames: number;
  readonly #file: VfsFile;
  readonly #wal: WalFile | null;
  readonly #blocks = new Map<number, Uint8Array>();
  #fileBytes = -1;

  constructor(path: string, file: VfsFile, wal: WalFile | null) {
    this.path = path;
    this.#file = file;
    this.#wal = wal;
    this.walFrames = wal?.committedFrames ?? 0;
  }

  async sizeBytes(): Promise<number> {
    if (this.#wal !== null) return this.#wal.dbSizePages * this.#wal.pageSize;
    return this.#size();
  }

  async readPage(pageNumber: number, pageSize: number): Promise<Uint8Array> {
    const wal = this.#wal;
    if (wal !== null) {
      if (pageNumber > wal.dbSizePages && pageSize === wal.pageSize) return new Uint8Array(pageSize);
      const fromWal = await wal.readPage(pageNumber);
      if (fromWal !== null) {
        if (pageSize !== wal.pageSize && pageNumber !== 1) {
          throw new IntegrityError(
            'ERR_INTEGRITY_WAL',
            `${wal.path} has ${wal.pageSize}-byte pages, the database ${pageSize}-byte pages`,
          );
        }
        const page = new Uint8Array(pageSize);
        page.set(fromWal.subarray(0, Math.min(pageSize, fromWal.length)));
        return page;
      }
    }
    return this.#readFile((pageNumber - 1) * pageSize, pageSize);
  }

  async close(): Promise<void> {
    try {
      await this.#wal?.close();
    } finally {
      await this.#file.close();
    }
  }

  async #size(): Promise<number> {
    if (this.#fileBytes < 0) this.#fileBytes = await this.#file.size();
    return this.#fileBytes;
  }

  async #readFile(offset: number, length: number): Promise<Uint8Array> {
    const page = new Uint8Array(length);
    const size = await this.#size();
    let done = 0;
    while (done < length && offset + done < size) {
      const at = offset + done;
      const index = Math.floor(at / BLOCK_BYTES);
      const block = await this.#block(index, size);
      const from = at - index * BLOCK_BYTES;
      const n = Math.min(length - done, block.length - from);
      if (n <= 0) break;
      page.set(block.subarray(from, from + n), done);
      done += n;
    }
    return page;
  }

  async #block(index: number, size: number): Promise<Uint8Array> {
    const cached = this.#blocks.get(index);
    if (cached !== undefined) {
      this.#blocks.delete(index);
      this.#blocks.set(index, cached);
      return cached;
    }
    const start = index * BLOCK_BYTES;
    const block = new Uint8Array(Math.min(BLOCK_BYTES, size - start));
    let read = 0;
    while (read < block.length) {
      const n = await this.#file.read(block.subarray(read), start + read);
      if (n === 0) break;
      read += n;
    }
    if (this.#blocks.size >= MAX_BLOCKS) this.#blocks.delete(this.#blocks.keys().next().value as number);
    const kept = read === block.length ? block : block.subarray(0, read);
    this.#blocks.set(index, kept);
    return kept;
  }
}
