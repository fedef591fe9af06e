import { sharedHashes, verifyPageTrailer, PAGE_TRAILER_BYTES } from '@litewal/checksum';
import { openDatabaseSource, type DatabaseSourceOptions } from './database-source.js';
import { checkHeader, decodeDatabaseHeader, DB_HEADER_BYTES, type Geometry } from './header.js';
import { ContentChecker } from './internal/content.js';
import { INTERIOR_TABLE, LEAF_TABLE, INTERIOR_INDEX, LEAF_INDEX } from './internal/btree-page.js';
import { IssueSink } from './internal/issues.js';
import { decodeSchemaRows, loadSchema, type SchemaTree } from './internal/schema.js';
import { StructureChecker, type Entry } from './internal/structure.js';
import type { IntegrityLevel, IntegrityReport } from './issue.js';
import type { PageSource } from './page-source.js';

/**
 * Options of {@link checkIntegrity}.
 *
 * @public
 */
export interface IntegrityCheckOptions {
  /**
   * Highest level to run; levels are cumulative (3 runs 1, 2 and 3).
   * @defaultValue 5
   */
  readonly level?: IntegrityLevel;
  /**
   * Verify the XXH3-128 trailer in the last 16 reserved bytes of every page (level 1); only for
   * databases written with trailers (reserved bytes at least 16).
   * @defaultValue false
   */
  readonly verifyTrailers?: boolean;
  /**
   * Most issues kept in the report (more are counted in the verdict but dropped).
   * @defaultValue 1000
   */
  readonly maxIssues?: number;
  /**
   * Called every 1024 pages with the pages checked so far and the database's page count (a
   * progress bar's numbers; pages nothing references are never counted).
   * @defaultValue undefined
   */
  readonly onProgress?: (pagesChecked: number, pagesTotal: number) => void;
}

const DEFAULT_MAX_ISSUES = 1000;

/**
 * Checks a database image at levels 1 to `options.level` and reports every issue found.
 *
 * @remarks
 * Follows SQLite's `PRAGMA integrity_check`: the header rules SQLite applies when it opens a file,
 * its b-tree page checks (btreeInitPage, btreeComputeFreeSpace, checkTreePage), its overflow and
 * freelist walks (checkList), its pointer-map checks, "never used" pages, the schema rules of its
 * schema loader, and the row checks of the pragma (record headers, NOT NULL, column types of
 * non-STRICT tables, WITHOUT ROWID key order, index entries against their table). A database
 * passes ({@link isIntegrityOk}) exactly when SQLite's check says `ok`. Work is bounded on hostile
 * input: every page is visited at most once (a bitmap), loops end at the first repeated page, and
 * counts read from the file never size an allocation beyond the file's own pages.
 * @param source - the image to check (see {@link openDatabaseSource} and {@link bytesPageSource})
 * @throws {@link NotADatabaseError} when the image does not start with a SQLite header.
 * @public
 */
export async function checkIntegrity(source: PageSource, options: IntegrityCheckOptions = {}): Promise<IntegrityReport> {
  const level = options.level ?? 5;
  if (![1, 2, 3, 4, 5].includes(level)) throw new RangeError(`level must be 1..5, got ${String(level)}`);
  const sink = new IssueSink(level, options.maxIssues ?? DEFAULT_MAX_ISSUES);
  const size = await source.sizeBytes();
  if (size === 0) return { level, pages: 0, issues: [] };
  const first = await source.readPage(1, 512);
  const header = decodeDatabaseHeader(first.subarray(0, DB_HEADER_BYTES), size);
  const geo = checkHeader(header, size, sink);
  if (geo === null) return { level, pages: Math.ceil(size / Math.max(header.pageSize, 512)), issues: sink.issues };
  if (options.verifyTrailers === true) await checkTrailers(source, geo, sink);

  const checker = new StructureChecker(source, geo, sink, options.onProgress);
  await checker.checkFreelist();
  const schemaEntries: Entry[] = [];
  await checker.checkTree(1, (e) => schemaEntries.push(e));
  const encoding = (header.textEncoding & 3) === 0 ? 1 : header.textEncoding & 3;
  const schema = loadSchema(decodeSchemaRows(schemaEntries, encoding, sink), geo.pageCount, sink);
  checker.checkLargestRoot(schema.trees.map((t) => t.root));
  const content = level >= 5 ? new ContentChecker(sink, encoding, schema.trees) : null;
  const [schemaTree, ...trees] = schema.trees;
  const schemaVisitor = schemaTree === undefined ? null : (content?.visitor(schemaTree) ?? null);
  if (schemaVisitor !== null) for (const e of schemaEntries) schemaVisitor(e);
  for (const tree of trees) {
    await checkRootKind(checker, tree, geo, sink);
    await checker.checkTree(tree.root, content?.visitor(tree) ?? null);
  }
  checker.checkAllPagesUsed();
  content?.finish();
  return { level, pages: geo.pageCount, issues: sink.issues };
}

/** A table's root must be a table b-tree page, an index's (and a WITHOUT ROWID table's) an index page. */
async function checkRootKind(checker: StructureChecker, tree: SchemaTree, geo: Geometry, sink: IssueSink): Promise<void> {
  if (tree.root < 2 || tree.root > geo.pageCount) return;
  const type = (await checker.read(tree.root))[0];
  const isTable = type === INTERIOR_TABLE || type === LEAF_TABLE;
  const isIndex = type === INTERIOR_INDEX || type === LEAF_INDEX;
  if ((tree.kind === 'table' && isIndex) || (tree.kind === 'index' && isTable)) {
    sink.add(5, tree.root, 'schema-root-kind', `root page ${tree.root} of ${tree.kind} ${tree.name} is ${isTable ? 'a table' : 'an index'} b-tree page (type ${type})`);
  }
}

async function checkTrailers(source: PageSource, geo: Geometry, sink: IssueSink): Promise<void> {
  const reserved = geo.header.reservedBytes;
  if (reserved < PAGE_TRAILER_BYTES) {
    sink.add(1, 1, 'page-trailer', `page trailers need at least ${PAGE_TRAILER_BYTES} reserved bytes per page, the header has ${reserved}`, 'warning');
    return;
  }
  const hashes = await sharedHashes();
  for (let pgno = 1; pgno <= geo.pageCount; pgno++) {
    if (pgno === geo.pendingBytePage) continue;
    const result = verifyPageTrailer(await source.readPage(pgno, geo.pageSize), reserved, hashes);
    if (!result.ok) sink.add(1, pgno, 'page-trailer', `page ${pgno}: the XXH3-128 trailer does not match the page's bytes`);
  }
}

/**
 * Options of {@link verifyDatabaseFile}.
 *
 * @public
 */
export interface VerifyDatabaseFileOptions extends IntegrityCheckOptions, DatabaseSourceOptions {}

/**
 * Checks the database file at `path` (with its `-wal` laid over it unless `wal: 'ignore'`),
 * read-only, and reports every issue found up to `options.level`.
 *
 * @throws `VfsError` `ERR_VFS_NOT_FOUND` when the file does not exist.
 * @throws {@link NotADatabaseError} when it is not a SQLite database; {@link IntegrityError}
 * `ERR_INTEGRITY_WAL` when its WAL cannot be read.
 * @public
 */
export async function verifyDatabaseFile(path: string, options: VerifyDatabaseFileOptions = {}): Promise<IntegrityReport> {
  const source = await openDatabaseSource(path, options);
  try {
    return await checkIntegrity(source, options);
  } finally {
    await source.close();
  }
}
