import { readFile } from 'node:fs/promises';
import { makeWalDatabase, type DatabaseFiles } from '@litewal/sqlite-fixtures';

/** Transactions of {@link makeFecDatabase}, each inserting 12 rows of 1500 random bytes. */
export const TRANSACTIONS = 6;
/** Rows in `t` after all transactions. */
export const ROWS = TRANSACTIONS * 12;

/** A SQLite database whose WAL holds 1 + TRANSACTIONS + 1 committed transactions of several frames. */
export async function makeFecDatabase(dir: string, seed = 12345, pageSize = 4096): Promise<DatabaseFiles> {
  return makeWalDatabase({
    dir,
    seed,
    pageSize,
    statements: [
      'CREATE TABLE t(id INTEGER PRIMARY KEY, v BLOB);',
      ...Array.from({ length: TRANSACTIONS }, () => 'BEGIN; INSERT INTO t(v) SELECT randomblob(1500) FROM generate_series(1,12); COMMIT;'),
      'PRAGMA user_version=9;',
    ],
  });
}

/** Frame ranges of the WAL's transactions, from its commit frames. */
export async function transactions(walPath: string): Promise<{ first: number; last: number }[]> {
  const wal = await readFile(walPath);
  const pageSize = wal.readUInt32BE(8);
  const frames = Math.floor((wal.length - 32) / (pageSize + 24));
  const out: { first: number; last: number }[] = [];
  let first = 1;
  for (let f = 1; f <= frames; f++) {
    if (wal.readUInt32BE(32 + (f - 1) * (pageSize + 24) + 4) !== 0) {
      out.push({ first, last: f });
      first = f + 1;
    }
  }
  return out;
}
