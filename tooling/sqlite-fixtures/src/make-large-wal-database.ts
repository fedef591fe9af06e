import { mkdir, mkdtemp, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';

import { type DatabaseFiles, databaseFiles } from './database-files.js';
import { DEFAULT_PAGE_SIZE_BYTES, DEFAULT_SEED } from './defaults.js';
import { RecipeError } from './errors.js';
import {
  expectSuccess,
  expectWalLeft,
  FRAME_HEADER_BYTES,
  prepareNewWalDatabase,
  runRecipe,
  WAL_HEADER_BYTES,
  walPreamble,
} from './internal/new-wal-database.js';
import { checkPageSize, checkSeed, quietly, script } from './internal/sql-script.js';
import { sqlite3Version } from './sqlite3-version.js';

/**
 * Options of {@link makeLargeWalDatabase}.
 * @public
 */
export interface LargeWalDatabaseOptions {
  /**
   * Minimum number of frames in the WAL; the result has up to about 4% more.
   * @defaultValue 10000
   */
  readonly frames?: number;
  /**
   * Page size in bytes.
   * @defaultValue 4096
   */
  readonly pageSize?: number;
  /**
   * Seed of SQLite's PRNG.
   * @defaultValue 12345
   */
  readonly seed?: number;
  /**
   * Directory that holds the cached fixtures, one sub-directory per parameter set.
   * @defaultValue `<os.tmpdir()>/litewal-sqlite-fixtures`
   */
  readonly cacheDir?: string;
  /**
   * Time limit of the sqlite3 process that builds it, in milliseconds.
   * @defaultValue 300000
   */
  readonly timeoutMs?: number;
}

/**
 * A large fixture: its files (inside the cache: copy before opening) and what it holds.
 * @public
 */
export interface LargeWalDatabase extends DatabaseFiles {
  /** Frames in the WAL, every one committed, the last one a commit frame. */
  readonly frames: number;
  /** Transactions in the WAL: the `CREATE TABLE`, then one per 100 rows. */
  readonly commits: number;
  /** Size of the WAL file in bytes. */
  readonly walBytes: number;
  /** True when it came from the cache, false when this call built it. */
  readonly cached: boolean;
}

/** What is recorded next to a cached fixture, and checked before it is reused. */
interface Manifest {
  readonly recipe: string;
  readonly sqliteVersion: string;
  readonly pageSize: number;
  readonly seed: number;
  readonly statements: number;
  readonly frames: number;
  readonly commits: number;
  readonly dbBytes: number;
  readonly walBytes: number;
}

/** Bumped whenever the recipe changes, so that old cache entries are never reused. */
const RECIPE_ID = 'large-v1';
const DB_NAME = 'large.db';
const MANIFEST_NAME = 'fixture.json';
const ROWS_PER_STATEMENT = 100;
/** Each statement writes 100 one-page rows, an interior page and page 1: at least 102 frames. */
const MIN_FRAMES_PER_STATEMENT = 102;

/** Returns the manifest of a cached fixture whose files have the recorded sizes, else undefined. */
async function verifiedManifest(dir: string, expected: Omit<Manifest, 'frames' | 'commits' | 'dbBytes' | 'walBytes'>): Promise<Manifest | undefined> {
  try {
    const manifest = JSON.parse(await readFile(path.join(dir, MANIFEST_NAME), 'utf8')) as Manifest;
    const files = databaseFiles(path.join(dir, DB_NAME));
    const same = (Object.keys(expected) as (keyof typeof expected)[]).every((key) => manifest[key] === expected[key]);
    if (!same) return undefined;
    if ((await stat(files.db)).size !== manifest.dbBytes || (await stat(files.wal)).size !== manifest.walBytes) return undefined;
    return manifest;
  } catch {
    return undefined;
  }
}

function result(dir: string, manifest: Manifest, cached: boolean): LargeWalDatabase {
  return { ...databaseFiles(path.join(dir, DB_NAME)), frames: manifest.frames, commits: manifest.commits, walBytes: manifest.walBytes, cached };
}

/**
 * Recipe F: a large database for benchmarks, with at least `frames` committed frames in its WAL,
 * built once and then reused from a cache.
 *
 * @remarks
 * A session set up as {@link makeWalDatabase} plus `PRAGMA synchronous=OFF` runs
 * `CREATE TABLE t(id INTEGER PRIMARY KEY, v BLOB)`, then
 * `INSERT INTO t(v) SELECT randomblob(pageSize - 196) FROM generate_series(1,100)` (one page per
 * row) ceil(frames / 102) times: 10,296 frames for 10,000 (a 42 MB WAL, 0.1 s), 102,271 for
 * 100,000 (421 MB, 2 s), with 4 KiB pages. The result is cached under `cacheDir` in a directory named after
 * the recipe version, the sqlite3 version, page size, statement count and seed; it is reused only
 * when its manifest matches and the db and WAL have the recorded sizes, else rebuilt. Builds go
 * to a private directory that is renamed into place, so concurrent builders are safe.
 * The files are shared by every run: NEVER open them with SQLite or write to them; copy them with
 * {@link copyDatabase} first (a normal close would checkpoint and delete the WAL; the size check
 * then forces a rebuild).
 * @throws {@link RecipeError} when the WAL comes out smaller than asked;
 * {@link Sqlite3ProcessError} when the build fails.
 * @public
 */
export async function makeLargeWalDatabase(options: LargeWalDatabaseOptions = {}): Promise<LargeWalDatabase> {
  const recipe = 'makeLargeWalDatabase';
  const wanted = options.frames ?? 10_000;
  if (!Number.isInteger(wanted) || wanted < 1) throw new RangeError(`frames must be a positive integer, got ${wanted}`);
  const pageSize = checkPageSize(options.pageSize ?? DEFAULT_PAGE_SIZE_BYTES);
  const seed = checkSeed(options.seed ?? DEFAULT_SEED);
  const cacheDir = path.resolve(options.cacheDir ?? path.join(os.tmpdir(), 'litewal-sqlite-fixtures'));
  const statements = Math.ceil(wanted / MIN_FRAMES_PER_STATEMENT);
  const expected = { recipe: RECIPE_ID, sqliteVersion: await sqlite3Version(), pageSize, seed, statements };
  const finalDir = path.join(cacheDir, `${RECIPE_ID}-sqlite${expected.sqliteVersion}-p${pageSize}-x${statements}-seed${seed}`);

  const cachedManifest = await verifiedManifest(finalDir, expected);
  if (cachedManifest !== undefined) return result(finalDir, cachedManifest, true);

  await mkdir(cacheDir, { recursive: true });
  const staging = await mkdtemp(`${finalDir}.building-`);
  try {
    const db = await prepareNewWalDatabase(recipe, {
      dir: staging,
      name: DB_NAME,
      pageSize,
      seed,
      timeoutMs: options.timeoutMs ?? 300_000,
    });
    const insert = `INSERT INTO t(v) SELECT randomblob(${pageSize - 196}) FROM generate_series(1,${ROWS_PER_STATEMENT});`;
    const lines = [
      ...walPreamble(db, 'no-checkpoint-on-close'),
      'PRAGMA synchronous=OFF;',
      'CREATE TABLE t(id INTEGER PRIMARY KEY, v BLOB);',
      ...Array.from({ length: statements }, () => insert),
    ];
    expectSuccess(await runRecipe(db, script(quietly(lines))));
    await expectWalLeft(recipe, db);
    const dbBytes = (await stat(db.files.db)).size;
    const walBytes = (await stat(db.files.wal)).size;
    const frames = (walBytes - WAL_HEADER_BYTES) / (FRAME_HEADER_BYTES + pageSize);
    if (!Number.isInteger(frames) || frames < wanted) {
      throw new RecipeError(recipe, `expected at least ${wanted} whole frames, got a WAL of ${walBytes} bytes (${frames} frames)`);
    }
    const manifest: Manifest = { ...expected, frames, commits: statements + 1, dbBytes, walBytes };
    await writeFile(path.join(staging, MANIFEST_NAME), `${JSON.stringify(manifest, null, 2)}\n`);
    try {
      await rename(staging, finalDir);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code !== 'ENOTEMPTY' && code !== 'EEXIST') throw error;
      // Someone else finished first: use theirs if it is sound, else replace it with ours.
      const theirs = await verifiedManifest(finalDir, expected);
      if (theirs !== undefined) return result(finalDir, theirs, true);
      await rm(finalDir, { recursive: true, force: true });
      await rename(staging, finalDir);
    }
    return result(finalDir, manifest, false);
  } finally {
    await rm(staging, { recursive: true, force: true });
  }
}
