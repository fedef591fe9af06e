import { isValidPageSize, sharedHashes, type Hashes } from '@litewal/checksum';
import type { VfsFile } from '@litewal/vfs';
import { CheckpointMismatchError, type PageMismatch } from './errors.js';
import { MAX_PAGE_NUMBER, XXH3_128_BYTES } from './format.js';
import { equals } from './internal/bytes.js';

/**
 * What a checkpoint copied to one page of the database: the page image of the WAL frame, or its XXH3-128.
 * @public
 */
export interface ExpectedPage {
  /** The page number (1-based). */
  readonly pageNumber: number;
  /** The page image (`pageSize` bytes) or its XXH3-128 digest (16 bytes, as `Hashes.xxh3_128` returns it). */
  readonly expected: Uint8Array;
}

/**
 * The pages a checkpoint copied: a `Map` from page number to image or digest (any order), or an
 * iterable or async iterable of {@link ExpectedPage} in strictly ascending page order.
 * @public
 */
export type ExpectedPages = ReadonlyMap<number, Uint8Array> | Iterable<ExpectedPage> | AsyncIterable<ExpectedPage>;

/**
 * The pages to verify and how.
 * @public
 */
export interface CheckpointedPages {
  /** Page size of the database in bytes. */
  readonly pageSize: number;
  /** The pages the checkpoint copied. */
  readonly pages: ExpectedPages;
  /**
   * Hash functions to use.
   * @defaultValue one set loaded on first use and shared by the package
   */
  readonly hashes?: Hashes;
  /**
   * Pages read and hashed per batch: memory use is `batchPages × pageSize` plus 16 bytes per page
   * of the batch, whatever the number of pages. From 1 to 4096.
   * @defaultValue 64
   */
  readonly batchPages?: number;
  /**
   * Most mismatches listed in the report (all are counted).
   * @defaultValue 8
   */
  readonly maxMismatches?: number;
}

/**
 * Options of {@link verifyCheckpointedPrefix}.
 * @public
 */
export interface VerifyCheckpointOptions extends CheckpointedPages {
  /** The database file, read back. */
  readonly dbFile: VfsFile;
}

/**
 * What {@link verifyCheckpointedPrefix} found.
 * @public
 */
export interface VerificationReport {
  /** True when every page matched. */
  readonly ok: boolean;
  /** Pages compared. */
  readonly pagesChecked: number;
  /** Pages that differ. */
  readonly mismatchCount: number;
  /** The first `maxMismatches` of them, in page order. */
  readonly mismatches: readonly PageMismatch[];
}

const DEFAULT_BATCH_PAGES = 64;
const MAX_BATCH_PAGES = 4096;
const DEFAULT_MAX_MISMATCHES = 8;

interface Pending {
  readonly pageNumber: number;
  readonly expected: Uint8Array<ArrayBuffer>;
}

/** Consecutive pages, read with one call. */
interface Run {
  readonly firstPage: number;
  readonly pages: Pending[];
}

/**
 * Reads back each page a checkpoint copied into the database and compares its XXH3-128 with that
 * of the WAL frame it was copied from.
 *
 * @remarks
 * Page `n` is read at `(n - 1) × pageSize`. Pages are read in batches of consecutive runs (one read
 * per run) and hashed as they arrive; page images given as expectations are reduced to their digest
 * as they are taken, so memory stays bounded by the batch whatever the size of the checkpoint.
 * A page the file ends before is a mismatch with `actual: null`.
 * @throws `RangeError` for an invalid page size, batch size or limit, a page number outside
 * 1..{@link MAX_PAGE_NUMBER} or out of ascending order, or an expectation of the wrong length;
 * `VfsError` from reading.
 * @public
 */
export async function verifyCheckpointedPrefix(options: VerifyCheckpointOptions): Promise<VerificationReport> {
  const { dbFile, pageSize } = options;
  if (!isValidPageSize(pageSize))
    throw new RangeError(`pageSize must be a power of two from 512 to 65536, got ${String(pageSize)}`);
  const batchPages = checkCount('batchPages', options.batchPages ?? DEFAULT_BATCH_PAGES, 1, MAX_BATCH_PAGES);
  const maxMismatches = checkCount('maxMismatches', options.maxMismatches ?? DEFAULT_MAX_MISMATCHES, 0, Number.MAX_SAFE_INTEGER);
  const hashes = options.hashes ?? (await sharedHashes());
  const buffer = new Uint8Array(batchPages * pageSize);
  const mismatches: PageMismatch[] = [];
  let pagesChecked = 0;
  let mismatchCount = 0;

  const check = async (runs: readonly Run[]): Promise<void> => {
    for (const { firstPage, pages } of runs) {
      const read = await dbFile.read(buffer.subarray(0, pages.length * pageSize), (firstPage - 1) * pageSize);
      pages.forEach((page, i) => {
        const at = i * pageSize;
        const actual = at + pageSize <= read ? hashes.xxh3_128(buffer.subarray(at, at + pageSize)) : null;
        pagesChecked++;
        if (actual !== null && equals(actual, page.expected)) return;
        mismatchCount++;
        if (mismatches.length < maxMismatches) mismatches.push({ pageNumber: page.pageNumber, expected: page.expected, actual });
      });
    }
  };

  let runs: Run[] = [];
  let batched = 0;
  let previous = 0;
  for await (const page of inAscendingOrder(options.pages)) {
    const { pageNumber } = page;
    if (!Number.isInteger(pageNumber) || pageNumber < 1 || pageNumber > MAX_PAGE_NUMBER) {
      throw new RangeError(`page number must be an integer from 1 to ${MAX_PAGE_NUMBER}, got ${String(pageNumber)}`);
    }
    if (pageNumber <= previous)
      throw new RangeError(`pages must come in strictly ascending order: page ${pageNumber} after page ${previous}`);
    const pending = { pageNumber, expected: digestOf(page, pageSize, hashes) };
    const run = runs.at(-1);
    if (run !== undefined && pageNumber === previous + 1) run.pages.push(pending);
    else runs.push({ firstPage: pageNumber, pages: [pending] });
    previous = pageNumber;
    if (++batched === batchPages) {
      await check(runs);
      runs = [];
      batched = 0;
    }
  }
  await check(runs);
  return { ok: mismatchCount === 0, pagesChecked, mismatchCount, mismatches };
}

/**
 * Runs {@link verifyCheckpointedPrefix} and refuses, with a typed error, when any page differs:
 * call it before truncating or resetting a WAL whose frames a checkpoint copied.
 * @returns the report, which is then always `ok`.
 * @throws {@link CheckpointMismatchError} listing the first mismatching pages with their expected
 * and actual digests; as {@link verifyCheckpointedPrefix}.
 * @public
 */
export async function requireVerified(options: VerifyCheckpointOptions): Promise<VerificationReport> {
  const report = await verifyCheckpointedPrefix(options);
  if (!report.ok)
    throw new CheckpointMismatchError(options.dbFile.path, report.pagesChecked, report.mismatchCount, report.mismatches);
  return report;
}

function inAscendingOrder(pages: ExpectedPages): Iterable<ExpectedPage> | AsyncIterable<ExpectedPage> {
  if (!(pages instanceof Map)) return pages as Iterable<ExpectedPage> | AsyncIterable<ExpectedPage>;
  const entries: [number, Uint8Array][] = [...(pages as ReadonlyMap<number, Uint8Array>)];
  return entries.sort(([a], [b]) => a - b).map(([pageNumber, expected]) => ({ pageNumber, expected }));
}

function digestOf(page: ExpectedPage, pageSize: number, hashes: Hashes): Uint8Array<ArrayBuffer> {
  const { expected } = page;
  if (expected.length === pageSize) return hashes.xxh3_128(expected);
  if (expected.length === XXH3_128_BYTES) return new Uint8Array(expected);
  throw new RangeError(
    `expectation for page ${page.pageNumber} is ${expected.length} bytes: ` +
      `give the page image (${pageSize} bytes) or its XXH3-128 (${XXH3_128_BYTES} bytes)`,
  );
}

function checkCount(name: string, value: number, min: number, max: number): number {
  if (!Number.isSafeInteger(value) || value < min || value > max) {
    throw new RangeError(`${name} must be an integer from ${min} to ${max}, got ${String(value)}`);
  }
  return value;
}
