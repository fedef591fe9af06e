/**
 * Where a check reads the database image from: the database file, possibly with the committed
 * pages of its WAL laid over it, or any other snapshot a caller assembles.
 *
 * @remarks
 * Page numbers start at 1; page `n` covers bytes `(n-1)*pageSize .. n*pageSize` of the image.
 * A source is read-only as far as the check is concerned: it never asks for a write.
 * @public
 */
export interface PageSource {
  /** Size of the image in bytes: the file size, or the WAL's database size in pages times the page size. */
  sizeBytes(): Promise<number>;
  /**
   * Reads page `pageNumber` at page size `pageSize`.
   * @returns exactly `pageSize` bytes, zero-filled past the end of the image (as SQLite's pager does).
   */
  readPage(pageNumber: number, pageSize: number): Promise<Uint8Array>;
}

/**
 * A {@link PageSource} over bytes in memory (a copy of a database file, a test vector).
 *
 * @param bytes - the image; kept by reference, never modified
 * @public
 */
export function bytesPageSource(bytes: Uint8Array): PageSource {
  return {
    sizeBytes: async () => bytes.length,
    readPage: async (pageNumber, pageSize) => {
      const page = new Uint8Array(pageSize);
      const start = (pageNumber - 1) * pageSize;
      if (start < bytes.length) page.set(bytes.subarray(start, Math.min(start + pageSize, bytes.length)));
      return page;
    },
  };
}
