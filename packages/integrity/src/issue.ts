/**
 * The five levels of checks, each including the ones below it.
 *
 * @remarks
 * 1 = database header and per-page checks (page type, cell count, optional XXH3-128 trailer);
 * 2 = b-tree page structure (cell pointers, cell sizes, freeblocks, fragmentation, key order, depth);
 * 3 = overflow chains; 4 = cross-references (every page used exactly once: trees, overflow,
 * freelist, pointer map); 5 = schema and records (sqlite_schema rows, root pages, record headers,
 * column types, index entries against their table).
 * @public
 */
export type IntegrityLevel = 1 | 2 | 3 | 4 | 5;

/**
 * Whether an issue makes the database fail the check (`error`) or is only worth knowing
 * (`warning`: something SQLite itself ignores, such as a write version above 2).
 *
 * @public
 */
export type IntegritySeverity = 'error' | 'warning';

/**
 * Stable codes of the issues a check reports, grouped by level.
 *
 * @remarks
 * Level 1: `header-*`, `page-type`, `page-cell-count`, `page-trailer`. Level 2: `btree-*`.
 * Level 3: `overflow-*`. Level 4: `page-number`, `page-reused`, `page-never-used`, `freelist-*`,
 * `ptrmap-*`, `max-root-page`. Level 5: `schema-*`, `record-*`, `index-*`, `pk-order`.
 * `record-not-checked` and `index-not-compared` are warnings: parts of the database this checker
 * does not evaluate (CHECK constraints, STRICT tables, expression and partial indexes).
 * @public
 */
export type IntegrityIssueCode =
  | 'header-page-size'
  | 'header-write-version'
  | 'header-read-version'
  | 'header-reserved-bytes'
  | 'header-payload-fractions'
  | 'header-db-size'
  | 'header-db-size-ignored'
  | 'header-schema-format'
  | 'header-text-encoding'
  | 'header-freelist-count'
  | 'header-vacuum'
  | 'page-type'
  | 'page-cell-count'
  | 'page-trailer'
  | 'btree-free-space'
  | 'btree-cell-offset'
  | 'btree-cell-size'
  | 'btree-rowid-order'
  | 'btree-depth'
  | 'btree-no-cells'
  | 'btree-page-kind'
  | 'btree-byte-reuse'
  | 'btree-fragmentation'
  | 'overflow-page-number'
  | 'overflow-page-reused'
  | 'overflow-length'
  | 'page-number'
  | 'page-reused'
  | 'page-never-used'
  | 'freelist-page-number'
  | 'freelist-page-reused'
  | 'freelist-leaf-count'
  | 'freelist-size'
  | 'ptrmap-entry'
  | 'ptrmap-unreadable'
  | 'ptrmap-referenced'
  | 'max-root-page'
  | 'schema-record'
  | 'schema-rootpage'
  | 'schema-sql'
  | 'schema-name'
  | 'schema-root-kind'
  | 'record-malformed'
  | 'record-null'
  | 'record-type'
  | 'record-not-checked'
  | 'index-entry-count'
  | 'index-not-compared'
  | 'index-content'
  | 'pk-order';

/**
 * One problem found in a database.
 *
 * @public
 */
export interface IntegrityIssue {
  /** The level of the check that found it. */
  readonly level: IntegrityLevel;
  /** The page it is about, or 0 when it is about the whole database. */
  readonly page: number;
  /** Stable machine-readable code. */
  readonly code: IntegrityIssueCode;
  /** Whether it fails the check. */
  readonly severity: IntegritySeverity;
  /** What was found, naming the observed value and the limit it breaks. */
  readonly message: string;
}

/**
 * The result of a check: the pages it covered and the issues it found.
 *
 * @public
 */
export interface IntegrityReport {
  /** The highest level that ran (levels are cumulative). */
  readonly level: IntegrityLevel;
  /** Pages in the database image that was checked. */
  readonly pages: number;
  /** Every issue found, in the order found. */
  readonly issues: readonly IntegrityIssue[];
}

/**
 * Tells whether a report passes: true when it holds no issue of severity `error`.
 *
 * @public
 */
export function isIntegrityOk(report: IntegrityReport): boolean {
  return report.issues.every((issue) => issue.severity !== 'error');
}

/**
 * Merges reports: the highest level, the most pages, and all issues in order.
 *
 * @param reports - reports of the same database (e.g. one per level or per source)
 * @returns a new report; an empty list gives level 1, 0 pages and no issue
 * @public
 */
export function mergeIntegrityReports(reports: readonly IntegrityReport[]): IntegrityReport {
  let level: IntegrityLevel = 1;
  let pages = 0;
  const issues: IntegrityIssue[] = [];
  for (const report of reports) {
    if (report.level > level) level = report.level;
    if (report.pages > pages) pages = report.pages;
    issues.push(...report.issues);
  }
  return { level, pages, issues };
}
