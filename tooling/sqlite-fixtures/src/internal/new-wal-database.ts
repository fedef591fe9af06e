import { access, mkdir, stat } from 'node:fs/promises';
import path from 'node:path';

import { type DatabaseFiles, databaseFiles } from '../database-files.js';
import { DEFAULT_DB_NAME, DEFAULT_PAGE_SIZE_BYTES, DEFAULT_SEED } from '../defaults.js';
import { RecipeError, Sqlite3ProcessError } from '../errors.js';
import type { WalDatabaseOptions } from '../wal-database-options.js';
import { dbArgument, type ExecResult, execSqlite3 } from './exec-sqlite3.js';
import { checkPageSize, checkSeed } from './sql-script.js';

/** Default time limit of a recipe's sqlite3 process. */
export const RECIPE_TIMEOUT_MS = 30_000;

/** Bytes of SQLite's WAL header and frame header: used only to sanity-check what a recipe left. */
export const WAL_HEADER_BYTES = 32;
export const FRAME_HEADER_BYTES = 24;

/** The validated, defaulted parameters of a new database. */
export interface NewWalDatabase {
  readonly files: DatabaseFiles;
  readonly pageSize: number;
  readonly seed: number;
  readonly timeoutMs: number;
}

async function exists(file: string): Promise<boolean> {
  try {
    await access(file);
    return true;
  } catch {
    return false;
  }
}

/** Validates options, creates `dir`, and checks that no file of the new database exists yet. */
export async function prepareNewWalDatabase(recipe: string, options: WalDatabaseOptions): Promise<NewWalDatabase> {
  const name = options.name ?? DEFAULT_DB_NAME;
  if (name === '' || name !== path.basename(name) || name === '.' || name === '..') {
    throw new RangeError(`name must be a plain file name, got ${JSON.stringify(name)}`);
  }
  const pageSize = checkPageSize(options.pageSize ?? DEFAULT_PAGE_SIZE_BYTES);
  const seed = checkSeed(options.seed ?? DEFAULT_SEED);
  await mkdir(options.dir, { recursive: true });
  const files = databaseFiles(path.resolve(options.dir, name));
  for (const file of [files.db, files.wal, files.shm]) {
    if (await exists(file)) {
      throw new RecipeError(recipe, `${file} already exists: page size and seed only apply to a new database`);
    }
  }
  return { files, pageSize, seed, timeoutMs: options.timeoutMs ?? RECIPE_TIMEOUT_MS };
}

/**
 * The opening lines of a recipe's session, in the order that matters: the seed before anything
 * random, the page size before `journal_mode=WAL` writes page 1, no auto-checkpoint.
 */
export function walPreamble(db: NewWalDatabase, keep: 'no-checkpoint-on-close' | 'persist-wal'): string[] {
  return [
    keep === 'persist-wal' ? '.filectrl persist_wal 1' : '.dbconfig no_ckpt_on_close on',
    `.testctrl prng_seed ${db.seed}`,
    `PRAGMA page_size=${db.pageSize};`,
    'PRAGMA journal_mode=WAL;',
    'PRAGMA wal_autocheckpoint=0;',
  ];
}

/** Runs a recipe's script on the new database; returns the process result, however it ended. */
export async function runRecipe(db: NewWalDatabase, input: string): Promise<ExecResult> {
  return execSqlite3([dbArgument(db.files.db)], input, db.timeoutMs);
}

/** Throws unless the process exited 0. */
export function expectSuccess(result: ExecResult): void {
  if (result.exitCode !== 0 || result.timedOut) {
    throw new Sqlite3ProcessError(result.command, result.exitCode, result.signal, result.stderr, result.stdout, result.timedOut);
  }
}

/** Throws unless the db, a WAL with at least one whole frame, and the `-shm` are there. */
export async function expectWalLeft(recipe: string, db: NewWalDatabase): Promise<void> {
  const { files, pageSize } = db;
  if (!(await exists(files.db))) throw new RecipeError(recipe, `${files.db} was not created`);
  if (!(await exists(files.wal))) {
    throw new RecipeError(recipe, `${files.wal} is missing: did a statement change journal_mode or close the database?`);
  }
  const walBytes = (await stat(files.wal)).size;
  if (walBytes < WAL_HEADER_BYTES + FRAME_HEADER_BYTES + pageSize) {
    throw new RecipeError(recipe, `${files.wal} holds no frame (${walBytes} bytes): did a statement truncate it?`);
  }
  if (!(await exists(files.shm))) throw new RecipeError(recipe, `${files.shm} is missing`);
}
