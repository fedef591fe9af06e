/**
 * Size of one wal-index segment; the `-shm` file is a whole number of them.
 *
 * @remarks Segment 0: `[136-byte header][u32 aPgno[4062]][u16 aHash[8192]]`;
 * segment k \>= 1: `[u32 aPgno[4096]][u16 aHash[8192]]`. Native byte order.
 * @public
 */
export const WAL_INDEX_SEGMENT_BYTES = 32768;

/**
 * Size of the region at the start of segment 0 that holds the two header copies and the
 * checkpoint information.
 *
 * @remarks `[48 header copy 1][48 header copy 2][40 checkpoint info]`.
 * @public
 */
export const WAL_INDEX_HEADER_REGION_BYTES = 136;

/**
 * Size of one copy of the wal-index header (SQLite's `WalIndexHdr`).
 *
 * @remarks `[u32 iVersion][u32 unused][u32 iChange][u8 isInit][u8 bigEndCksum][u16 szPage]`
 * `[u32 mxFrame][u32 nPage][u32 aFrameCksum[2]][8 raw WAL salt bytes][u32 aCksum[2]]`, native
 * order except the salts.
 * @public
 */
export const WAL_INDEX_HEADER_BYTES = 48;

/**
 * Offset of the first header copy, the one readers read first and writers write last.
 * @public
 */
export const WAL_INDEX_HEADER_COPY1_OFFSET = 0;

/**
 * Offset of the second header copy, the one writers write first.
 * @public
 */
export const WAL_INDEX_HEADER_COPY2_OFFSET = 48;

/**
 * Bytes of a header copy covered by its checksum (everything before `aCksum`).
 * @public
 */
export const WAL_INDEX_HEADER_CHECKSUMMED_BYTES = 40;

/**
 * The only wal-index format version (`iVersion`) SQLite accepts.
 * @public
 */
export const WAL_INDEX_VERSION = 3007000;

/**
 * Offset of `nBackfill`, the number of frames already copied into the database.
 * @public
 */
export const WAL_INDEX_BACKFILL_OFFSET = 96;

/**
 * Offset of `aReadMark[0]`; mark `i` is the u32 at `100 + 4 * i`.
 * @public
 */
export const WAL_INDEX_READ_MARKS_OFFSET = 100;

/**
 * Number of read marks (and of READ locks), SQLite's `WAL_NREADER`.
 * @public
 */
export const WAL_INDEX_READ_MARK_COUNT = 5;

/**
 * Value of a read mark that no reader uses (`READMARK_NOT_USED`).
 * @public
 */
export const READ_MARK_NOT_USED = 0xffff_ffff;

/**
 * Offset of the eight lock bytes: SQLite places byte-range locks on them and never reads or
 * writes them, and neither does litewal.
 * @public
 */
export const WAL_INDEX_LOCKS_OFFSET = 120;

/**
 * Number of lock bytes at {@link WAL_INDEX_LOCKS_OFFSET}.
 * @public
 */
export const WAL_INDEX_LOCK_COUNT = 8;

/**
 * Offset of `nBackfillAttempted`, the highest frame a checkpoint tried to copy.
 * @public
 */
export const WAL_INDEX_BACKFILL_ATTEMPTED_OFFSET = 128;

/**
 * Offset of the dead-man-switch lock byte: held shared by every connection that uses the `-shm`.
 * @public
 */
export const WAL_INDEX_DMS_OFFSET = 128;

/**
 * Page-number entries in segment 0 (SQLite's `HASHTABLE_NPAGE_ONE`).
 * @public
 */
export const WAL_INDEX_FIRST_SEGMENT_FRAMES = 4062;

/**
 * Page-number entries in every later segment (SQLite's `HASHTABLE_NPAGE`).
 * @public
 */
export const WAL_INDEX_SEGMENT_FRAMES = 4096;

/**
 * Slots of a segment's hash table (SQLite's `HASHTABLE_NSLOT`).
 * @public
 */
export const WAL_INDEX_HASH_SLOTS = 8192;

/**
 * Multiplier of the hash: slot = `(page * 383) & 8191`.
 * @public
 */
export const WAL_INDEX_HASH_MULTIPLIER = 383;

/**
 * Offset of the hash table within a segment (after the 4096 u32 page-number slots).
 * @public
 */
export const WAL_INDEX_HASH_OFFSET = 16384;

/**
 * Largest frame number a wal-index can describe (frame numbers are u32).
 * @public
 */
export const WAL_INDEX_MAX_FRAME = 0xffff_ffff;
