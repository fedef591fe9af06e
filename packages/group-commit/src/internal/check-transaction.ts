import type { TransactionFrames } from '@litewal/wal-file';

const MAX_U32 = 0xffff_ffff;

/**
 * Checks a transaction before it joins a group, so that one bad transaction cannot fail the
 * others of its group; returns its number of frames.
 * @throws RangeError for no pages, a page number or commit size outside 1..4294967295, or a page
 * image that is not `pageSize` bytes.
 */
export function checkTransaction(transaction: TransactionFrames, pageSize: number): number {
  const { pages, commitSize } = transaction;
  if (pages.length === 0) throw new RangeError('a transaction needs at least one page');
  if (!Number.isInteger(commitSize) || commitSize < 1 || commitSize > MAX_U32) {
    throw new RangeError(`commit size ${String(commitSize)} is outside 1..${MAX_U32} (group commit takes committing transactions only)`);
  }
  for (const { pageNumber, data } of pages) {
    if (!Number.isInteger(pageNumber) || pageNumber < 1 || pageNumber > MAX_U32) {
      throw new RangeError(`page number ${String(pageNumber)} is outside 1..${MAX_U32}`);
    }
    if (data.length !== pageSize) throw new RangeError(`page ${pageNumber} is ${data.length} bytes, the page size is ${pageSize}`);
  }
  return pages.length;
}
