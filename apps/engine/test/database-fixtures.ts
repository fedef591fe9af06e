import { join } from 'node:path';
import { runSqlite3 } from '@litewal/sqlite-fixtures';
import type { OpenOptions, SyncMode, SyncOptions, Vfs, VfsFile } from '@litewal/vfs';
import { ForwardingFile } from '@litewal/vfs-fixtures';
import type { Snapshot, WriteTransaction } from '../src/index.js';
import { textCellOffset } from '../src/bench/text-cell.js';

/** Width of the zero-padded counter in each row's text: `n=00000000`. */
const DIGITS = 8;
const PREFIX = 'n=';

/** A database made by sqlite3: table `t(id INTEGER PRIMARY KEY, v TEXT)` whose rows hold `n=<8 digits>`, all on one leaf page. */
export interface CounterTable {
  readonly db: string;
  /** The table's root page: a table b-tree leaf holding every row. */
  readonly rootPage: number;
  readonly rows: number;
}

/**
 * Makes `<dir>/<name>` with sqlite3 in WAL mode: `rows` rows with counters at 0. sqlite3 exits
 * normally, so the file is a checkpointed database with no `-wal`.
 */
export async function makeCounterTable(dir: string, name: string, rows: number, pageSize = 4096): Promise<CounterTable> {
  const db = join(dir, name);
  await runSqlite3(db, [
    `PRAGMA page_size=${pageSize};`,
    'PRAGMA journal_mode=WAL;',
    'CREATE TABLE t(id INTEGER PRIMARY KEY, v TEXT);',
    `INSERT INTO t(id, v) SELECT value, '${PREFIX}${'0'.repeat(DIGITS)}' FROM generate_series(1, ${rows});`,
  ]);
  const out = await runSqlite3(db, "SELECT rootpage FROM sqlite_schema WHERE name = 't';");
  return { db, rootPage: Number(out.trim()), rows };
}

/** SQL for sqlite3 that adds 1 to row `id`'s counter, keeping its width. */
export function sqlIncrement(id: number): string {
  return `UPDATE t SET v = printf('${PREFIX}%0${DIGITS}d', CAST(substr(v, ${PREFIX.length + 1}) AS INTEGER) + 1) WHERE id = ${id};`;
}

/** Where row `rowid`'s counter digits lie in a table b-tree leaf page (not page 1). */
function counterOffset(page: Uint8Array, rowid: number): number {
  return textCellOffset(page, rowid, PREFIX.length + DIGITS) + PREFIX.length;
}

/** Row `rowid`'s counter in a leaf page image. */
export function readCounter(page: Uint8Array, rowid: number): number {
  const at = counterOffset(page, rowid);
  return Number(new TextDecoder().decode(page.subarray(at, at + DIGITS)));
}

/** Rewrites row `rowid`'s counter in place in a leaf page image (same width: the cell keeps its size). */
export function writeCounter(page: Uint8Array, rowid: number, value: number): void {
  page.set(new TextEncoder().encode(String(value).padStart(DIGITS, '0')), counterOffset(page, rowid));
}

/** `PRAGMA user_version` from page 1 (offset 60, big-endian). */
export function readUserVersion(page1: Uint8Array): number {
  return new DataView(page1.buffer, page1.byteOffset, page1.byteLength).getUint32(60, false);
}

/** Sets `PRAGMA user_version` in an image of page 1. */
export function writeUserVersion(page1: Uint8Array, value: number): void {
  new DataView(page1.buffer, page1.byteOffset, page1.byteLength).setUint32(60, value, false);
}

/** In a write transaction: adds `by` to row `rowid`'s counter on `table`'s root page and returns the new value. */
export async function incrementCounter(txn: WriteTransaction, table: CounterTable, rowid: number, by = 1): Promise<number> {
  const page = await txn.readPage(table.rootPage);
  const value = readCounter(page, rowid) + by;
  writeCounter(page, rowid, value);
  txn.writePage(table.rootPage, page);
  return value;
}

/** Row `rowid`'s counter in a snapshot. */
export async function snapshotCounter(snapshot: Snapshot, table: CounterTable, rowid: number): Promise<number> {
  return readCounter(await snapshot.readPage(table.rootPage), rowid);
}

/** A file whose `sync()` first waits for `gate`. */
class GatedSyncFile extends ForwardingFile {
  readonly #gate: () => Promise<void>;

  constructor(inner: VfsFile, gate: () => Promise<void>) {
    super(inner);
    this.#gate = gate;
  }

  override async sync(mode?: SyncMode, options?: SyncOptions): Promise<void> {
    await this.#gate();
    await super.sync(mode, options);
  }
}

/**
 * A vfs that can hold the syncs of the WAL: while held, each `sync()` of a `-wal` file waits
 * (its data already written) until released, so a test can act while a group is in flight.
 */
export class SyncGateVfs implements Vfs {
  readonly #inner: Vfs;
  #gate: Promise<void> | null = null;
  #open: (() => void) | null = null;
  /** Resolves when a sync starts waiting at the gate. */
  #waiting: (() => void) | null = null;

  constructor(inner: Vfs) {
    this.#inner = inner;
  }

  /** Holds WAL syncs from now on; the promise resolves once one is waiting. */
  hold(): Promise<void> {
    this.#gate = new Promise((resolve) => (this.#open = resolve));
    return new Promise((resolve) => (this.#waiting = resolve));
  }

  /** Lets the held syncs (and later ones) go. */
  release(): void {
    this.#open?.();
    this.#gate = null;
  }

  async open(path: string, options?: OpenOptions): Promise<VfsFile> {
    const file = await this.#inner.open(path, options);
    if (!path.endsWith('-wal')) return file;
    return new GatedSyncFile(file, () => this.#wait());
  }

  exists(path: string): Promise<boolean> {
    return this.#inner.exists(path);
  }

  delete(path: string): Promise<void> {
    return this.#inner.delete(path);
  }

  async #wait(): Promise<void> {
    const gate = this.#gate;
    if (gate === null) return;
    this.#waiting?.();
    this.#waiting = null;
    await gate;
  }
}
