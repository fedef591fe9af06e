/**
 * Which SQLite answers: `'better-sqlite3'` (the npm package, bundling SQLite 3.53.2) or `'cli'`
 * (the sqlite3 CLI, Debian's 3.40.1). They can disagree; litewal's files must satisfy both.
 * @public
 */
export type SqliteEngine = 'better-sqlite3' | 'cli';
