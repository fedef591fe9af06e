import { readFile } from 'node:fs/promises';
import path from 'node:path';
import Database from 'better-sqlite3';
import { runSqlite3 } from '@litewal/sqlite-fixtures';
import { Prng } from './prng.js';

/** A healthy database made by SQLite, kept as bytes. */
export interface CorpusDatabase {
  readonly name: string;
  readonly bytes: Uint8Array;
}

interface Recipe {
  readonly name: string;
  readonly pragmas: readonly string[];
  readonly build: (db: Database.Database, prng: Prng) => void;
}

function fillMixed(db: Database.Database, prng: Prng, rows: number, maxText: number, bigOneIn = 10): void {
  db.exec('CREATE TABLE t(id INTEGER PRIMARY KEY, a TEXT, b, c INTEGER)');
  db.exec('CREATE INDEX t_a ON t(a)');
  const insert = db.prepare('INSERT INTO t(a, b, c) VALUES (?, ?, ?)');
  for (let i = 0; i < rows; i++) {
    const big = prng.int(bigOneIn) === 0;
    const blob = Buffer.from(prng.text(big ? 200 + prng.int(maxText) : prng.int(40)));
    insert.run(prng.text(3 + prng.int(20)), blob, prng.int(1_000_000));
  }
}

const RECIPES: readonly Recipe[] = [
  {
    name: 'p512-index-overflow',
    pragmas: ['page_size=512'],
    build: (db, prng) => fillMixed(db, prng, 500, 1500),
  },
  {
    name: 'p1024-freelist',
    pragmas: ['page_size=1024'],
    build: (db, prng) => {
      fillMixed(db, prng, 800, 3000);
      db.exec('DELETE FROM t WHERE id % 3 = 0');
      db.exec('CREATE TABLE gone(x)');
      db.exec("INSERT INTO gone SELECT hex(zeroblob(300)) FROM (WITH RECURSIVE s(value) AS (SELECT 1 UNION ALL SELECT value + 1 FROM s WHERE value < 40) SELECT value FROM s)");
      db.exec('DROP TABLE gone');
    },
  },
  {
    name: 'p4096-mixed',
    pragmas: ['page_size=4096'],
    build: (db, prng) => {
      fillMixed(db, prng, 2500, 6000);
      db.exec('CREATE TABLE w(k TEXT PRIMARY KEY, v, n) WITHOUT ROWID');
      db.exec('CREATE INDEX w_v ON w(v)');
      const insert = db.prepare('INSERT INTO w VALUES (?, ?, ?)');
      for (let i = 0; i < 1500; i++) insert.run(`k${i}-${prng.text(6)}`, prng.int(5000), prng.text(prng.int(60)));
      db.exec('CREATE TABLE u(x UNIQUE, y)');
      db.exec("INSERT INTO u SELECT 'u' || value, value FROM (WITH RECURSIVE s(value) AS (SELECT 1 UNION ALL SELECT value + 1 FROM s WHERE value < 300) SELECT value FROM s)");
      db.exec('CREATE VIEW tv AS SELECT id, a FROM t');
      db.exec('CREATE TRIGGER tt AFTER INSERT ON u BEGIN SELECT 1; END');
      db.exec('DELETE FROM t WHERE id % 7 = 0');
    },
  },
  {
    name: 'p65536-big',
    pragmas: ['page_size=65536'],
    build: (db, prng) => {
      fillMixed(db, prng, 60, 100_000, 6);
    },
  },
  {
    name: 'p1024-autovacuum-full',
    pragmas: ['page_size=1024', 'auto_vacuum=FULL'],
    build: (db, prng) => {
      fillMixed(db, prng, 700, 4000);
      db.exec('DELETE FROM t WHERE id % 4 = 0');
    },
  },
  {
    name: 'p2048-autovacuum-incremental',
    pragmas: ['page_size=2048', 'auto_vacuum=INCREMENTAL'],
    build: (db, prng) => {
      fillMixed(db, prng, 900, 6000);
      db.exec('CREATE TABLE w(k INTEGER, v TEXT, PRIMARY KEY(k, v)) WITHOUT ROWID');
      db.exec("INSERT INTO w SELECT value % 50, 'v' || value FROM (WITH RECURSIVE s(value) AS (SELECT 1 UNION ALL SELECT value + 1 FROM s WHERE value < 800) SELECT value FROM s)");
      db.exec('DELETE FROM t WHERE id % 2 = 0');
    },
  },
  {
    name: 'p1024-typed',
    pragmas: ['page_size=1024'],
    build: (db, prng) => {
      db.exec('CREATE TABLE typed(id INTEGER PRIMARY KEY, name TEXT NOT NULL, n INTEGER, r REAL, note VARCHAR(20))');
      db.exec('CREATE UNIQUE INDEX typed_name ON typed(name)');
      const insert = db.prepare('INSERT INTO typed(name, n, r, note) VALUES (?, ?, ?, ?)');
      for (let i = 0; i < 700; i++) insert.run(`${prng.text(8)}${i}`, prng.int(100_000), prng.int(1000) / 8, prng.int(3) === 0 ? null : prng.text(10));
    },
  },
];

/** Builds every corpus database in `dir` with better-sqlite3 and returns their bytes. */
export async function buildCorpus(dir: string, seed: number): Promise<CorpusDatabase[]> {
  const out: CorpusDatabase[] = [];
  for (const [i, recipe] of RECIPES.entries()) {
    const file = path.join(dir, `${recipe.name}.db`);
    const db = new Database(file);
    for (const p of recipe.pragmas) db.pragma(p);
    db.pragma('journal_mode=DELETE');
    db.transaction(() => recipe.build(db, new Prng(seed + i)))();
    db.close();
    out.push({ name: recipe.name, bytes: new Uint8Array(await readFile(file)) });
  }
  // One database made by the sqlite3 CLI (SQLite 3.40): 8 KiB pages, a NOCASE column, a DESC
  // two-column index on a REAL column, a BLOB-keyed WITHOUT ROWID table, a foreign key.
  const file = path.join(dir, 'cli-p8192.db');
  await runSqlite3(file, [
    'PRAGMA page_size=8192;',
    'CREATE TABLE c(id INTEGER PRIMARY KEY, name TEXT COLLATE NOCASE, score REAL, tag);',
    'CREATE INDEX c_name ON c(name);',
    'CREATE INDEX c_score ON c(score DESC, tag);',
    'CREATE TABLE kv(k BLOB PRIMARY KEY, v) WITHOUT ROWID;',
    "CREATE TABLE child(id INTEGER PRIMARY KEY, cid INTEGER REFERENCES c(id) ON DELETE CASCADE, note TEXT DEFAULT 'x');",
    "INSERT INTO c(name, score, tag) SELECT printf('Name%05d', (value * 7919) % 3000), (value % 97) / 4.0, substr('abcdefghij', 1 + value % 10) FROM generate_series(1, 3000);",
    "INSERT INTO kv SELECT CAST(printf('key-%06d', value * 13) AS BLOB), zeroblob(value % 900) FROM generate_series(1, 1200);",
    "INSERT INTO child(cid, note) SELECT value, 'note ' || value FROM generate_series(1, 1500);",
    'DELETE FROM c WHERE id % 11 = 0;',
  ]);
  out.push({ name: 'cli-p8192', bytes: new Uint8Array(await readFile(file)) });
  return out;
}

/** SQLite's verdict on a database file: true when `PRAGMA integrity_check` answers exactly "ok". */
export function sqliteSaysOk(file: string): boolean {
  let db: Database.Database | undefined;
  try {
    db = new Database(file, { fileMustExist: true });
    const rows = db.prepare('PRAGMA integrity_check').pluck().all() as string[];
    return rows.length === 1 && rows[0] === 'ok';
  } catch {
    return false;
  } finally {
    db?.close();
  }
}
