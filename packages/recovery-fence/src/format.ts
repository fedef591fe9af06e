/**
 * Byte offset in `<db>-shm` of SQLite's RECOVER lock (`WAL_RECOVER_LOCK`, lock slot 2).
 * @remarks `120 + 2`; the same value as `walIndexLockOffset('recover')` of `@litewal/wal-index`.
 * @public
 */
export const RECOVER_LOCK_OFFSET = 122;

/**
 * Size in bytes of an XXH3-128 digest, the form in which pages are compared.
 * @public
 */
export const XXH3_128_BYTES = 16;

/**
 * The largest page number of a SQLite database (its page count is at most 4294967294).
 * @public
 */
export const MAX_PAGE_NUMBER = 0xffff_fffe;

/**
 * Suffix of the lock registry sidecar: the registry of database `x.db` is `x.db-litewal-locks`.
 * @public
 */
export const REGISTRY_SUFFIX = '-litewal-locks';

/**
 * First four bytes of each copy of the registry: the ASCII bytes `LWLK`, read as a little-endian u32.
 * @public
 */
export const REGISTRY_MAGIC = 0x4b4c574c;

/**
 * Version of the registry format this package reads and writes.
 * @public
 */
export const REGISTRY_VERSION = 1;

/**
 * Size in bytes of the header of one registry copy.
 * @remarks `[u32 LE magic][u16 LE version][u16 LE count][u64 LE sequence][16 bytes XXH3-128]`; the digest
 * covers header bytes 0..15 followed by the `count` records.
 * @public
 */
export const REGISTRY_HEADER_BYTES = 32;

/**
 * Size in bytes of one lock record in the registry.
 * @remarks `[u32 LE pid][u8 file][u8 mode][u16 0][u64 LE offset][u64 LE length][u64 LE acquired at]`: file 0 db,
 * 1 wal, 2 shm; mode 0 shared, 1 exclusive; acquired at in milliseconds since the Unix epoch.
 * @public
 */
export const REGISTRY_RECORD_BYTES = 32;

/**
 * Most lock records the registry holds.
 * @public
 */
export const REGISTRY_MAX_RECORDS = 127;

/**
 * Size in bytes of one copy of the registry: a header and room for {@link REGISTRY_MAX_RECORDS} records.
 * @remarks `32 + 127 × 32`.
 * @public
 */
export const REGISTRY_COPY_BYTES = 4096;

/**
 * Largest valid size of the registry file: two copies, at offsets 0 and {@link REGISTRY_COPY_BYTES}.
 * @public
 */
export const REGISTRY_FILE_BYTES = 8192;

/**
 * Byte offset in the registry file of the lock that serialises its readers (shared) and writers (exclusive).
 * @remarks {@link REGISTRY_FILE_BYTES}: just past the two copies, so it never covers data.
 * @public
 */
export const REGISTRY_LOCK_OFFSET = 8192;
