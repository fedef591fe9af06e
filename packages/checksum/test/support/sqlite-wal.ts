import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { SQLITE3, requireTool, sqlite } from './tools.js';

/** Recipe A of TESTING-WITH-SQLITE.md: 4 commits, the WAL kept (never checkpointed). */
export function recipeA(pageSize: number): string {
  return `.dbconfig no_ckpt_on_close on
PRAGMA page_size=${pageSize};
PRAGMA journal_mode=WAL;
PRAGMA wal_autocheckpoint=0;
CREATE TABLE t(id INTEGER PRIMARY KEY, v TEXT);
INSERT INTO t(v) VALUES('one');
BEGIN; INSERT INTO t(v) SELECT 'x'||value FROM generate_series(1,100); COMMIT;
PRAGMA user_version=7;
`;
}

/** Runs `script` in a new database `name` in `dir`; returns the WAL's bytes. */
export function makeWal(dir: string, name: string, script: string): Uint8Array<ArrayBuffer> {
  const db = join(dir, name);
  sqlite(db, script);
  return new Uint8Array(readFileSync(`${db}-wal`));
}

/** Runs `script` and expects sqlite3 to be killed by it (`.shell kill -9 $PPID`). */
export function crashWal(dir: string, name: string, script: string): Uint8Array<ArrayBuffer> {
  requireTool(SQLITE3, 'install the sqlite3 CLI (apt-get install -y sqlite3); these tests need real SQLite');
  const db = join(dir, name);
  try {
    execFileSync(SQLITE3, [db], { input: script, encoding: 'utf8', stdio: ['pipe', 'pipe', 'pipe'] });
  } catch (error) {
    if ((error as { signal?: string }).signal !== 'SIGKILL') throw error;
    return new Uint8Array(readFileSync(`${db}-wal`));
  }
  throw new Error('sqlite3 was expected to be killed mid-transaction');
}

/** Copies database `name` from `dir` into the new directory `dir/copy`, with `wal` as its WAL and no -shm. */
export function copyWithWal(dir: string, name: string, wal: Uint8Array, copy: string): string {
  const target = join(dir, copy);
  mkdirSync(target);
  copyFileSync(join(dir, name), join(target, name));
  writeFileSync(join(target, `${name}-wal`), wal);
  return target;
}

/**
 * Runs `script` on a copy of database `name` whose WAL is `wal` (see copyWithWal); returns stdout.
 * The copy is throwaway: closing it checkpoints the WAL.
 */
export function readWithSqlite(dir: string, name: string, wal: Uint8Array, script: string, copy: string): string {
  return sqlite(join(copyWithWal(dir, name, wal, copy), name), script);
}
