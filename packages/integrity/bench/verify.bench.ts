import { stat } from 'node:fs/promises';
import path from 'node:path';
import Database from 'better-sqlite3';
import { makeTempDir, removeTempDir } from '@litewal/sqlite-fixtures';
import { afterAll, bench, describe } from 'vitest';
import { isIntegrityOk, verifyDatabaseFile } from '../src/index.js';

/**
 * Level 5 (everything) against SQLite's own `PRAGMA integrity_check` (better-sqlite3, SQLite 3.53)
 * on the same database: about 24 MB, 4 KiB pages, 200,000 rows with an index, some overflowing
 * rows and a freelist. The page cache is warm for both. Run:
 *   pnpm exec vitest bench --run --project @litewal/integrity
 */
const ROWS = 200_000;
const dir = await makeTempDir('litewal-integrity-bench-');
const file = path.join(dir, 'bench.db');
{
  const db = new Database(file);
  db.exec('CREATE TABLE t(id INTEGER PRIMARY KEY, a TEXT, b BLOB, c INTEGER)');
  db.exec('CREATE INDEX t_a ON t(a)');
  const insert = db.prepare('INSERT INTO t(a, b, c) VALUES (?, ?, ?)');
  db.transaction(() => {
    for (let i = 0; i < ROWS; i++) insert.run(`name-${(i * 7919) % ROWS}`, Buffer.alloc(i % 500 === 0 ? 6000 : 60 + (i % 40), i & 0xff), i);
  })();
  db.exec('DELETE FROM t WHERE id % 50 = 0');
  db.close();
}
const bytes = (await stat(file)).size;
console.log(`bench database: ${(bytes / 1e6).toFixed(1)} MB, ${bytes / 4096} pages`);

afterAll(async () => {
  await removeTempDir(dir);
});

describe(`integrity check of a ${(bytes / 1e6).toFixed(0)} MB database`, () => {
  bench('litewal verifyDatabaseFile, level 5', async () => {
    const report = await verifyDatabaseFile(file, { level: 5 });
    if (!isIntegrityOk(report)) throw new Error('bench database is not ok');
  }, { time: 5000, iterations: 5 });

  bench("SQLite PRAGMA integrity_check (better-sqlite3)", () => {
    const db = new Database(file, { readonly: true });
    const result = db.pragma('integrity_check', { simple: true });
    db.close();
    if (result !== 'ok') throw new Error(`bench database: ${String(result)}`);
  }, { time: 5000, iterations: 5 });
});
