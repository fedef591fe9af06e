/**
 * Integrity checks of SQLite database files in five cumulative levels, with verdicts that agree
 * with SQLite's `PRAGMA integrity_check`.
 *
 * @remarks
 * Levels: 1 header and per-page checks (and the optional XXH3-128 page trailer), 2 b-tree page
 * structure, 3 overflow chains, 4 cross-references (every page used exactly once: b-trees,
 * overflow chains, freelist, pointer map), 5 schema and records. Each issue has a level, a page,
 * a stable code and a message naming the observed value and the limit. The database is read
 * read-only through `@litewal/vfs`, with the committed pages of its WAL laid over it, so a
 * database in use can be checked; nothing is written and no `-shm` is created.
 *
 * @example
 * ```ts
 * import { isIntegrityOk, verifyDatabaseFile } from '@litewal/integrity';
 *
 * const report = await verifyDatabaseFile('app.db', { level: 5 });
 * if (!isIntegrityOk(report)) {
 *   for (const issue of report.issues) console.log(`level ${issue.level} page ${issue.page} ${issue.code}: ${issue.message}`);
 * }
 * ```
 *
 * @packageDocumentation
 */
export { checkIntegrity, verifyDatabaseFile, type IntegrityCheckOptions, type VerifyDatabaseFileOptions } from './check-integrity.js';
export { openDatabaseSource, type DatabaseSource, type DatabaseSourceOptions } from './database-source.js';
export { IntegrityError, NotADatabaseError, type IntegrityErrorCode } from './errors.js';
export { DB_HEADER_BYTES, decodeDatabaseHeader, type DatabaseHeader } from './header.js';
export {
  isIntegrityOk,
  mergeIntegrityReports,
  type IntegrityIssue,
  type IntegrityIssueCode,
  type IntegrityLevel,
  type IntegrityReport,
  type IntegritySeverity,
} from './issue.js';
export { bytesPageSource, type PageSource } from './page-source.js';
