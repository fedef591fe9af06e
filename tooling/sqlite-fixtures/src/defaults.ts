/**
 * PRNG seed the recipes give `.testctrl prng_seed` unless told otherwise.
 * @public
 */
export const DEFAULT_SEED = 12345;

/**
 * Page size of the recipes' databases unless told otherwise, in bytes.
 * @public
 */
export const DEFAULT_PAGE_SIZE_BYTES = 4096;

/**
 * File name of the recipes' databases unless told otherwise.
 * @public
 */
export const DEFAULT_DB_NAME = 'test.db';

/**
 * The statements of recipe A: table `t(id INTEGER PRIMARY KEY, v TEXT)` with 101 rows written by
 * 3 transactions, then `user_version` 7 (5 frames with 4 KiB pages, all committed).
 * @public
 */
export const DEFAULT_STATEMENTS: readonly string[] = Object.freeze([
  'CREATE TABLE t(id INTEGER PRIMARY KEY, v TEXT);',
  "INSERT INTO t(v) VALUES('one');",
  "BEGIN; INSERT INTO t(v) SELECT 'x'||value FROM generate_series(1,100); COMMIT;",
  'PRAGMA user_version=7;',
]);
