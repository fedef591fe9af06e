/**
 * Offset of SQLite's PENDING lock byte on a database file (1 GiB: never part of page data that
 * SQLite reads or writes).
 * @remarks SQLite's database-file locks are POSIX byte-range locks at these offsets; locks taken
 * through {@link NodeVfs} conflict with them.
 * @public
 */
export const SQLITE_PENDING_BYTE = 0x4000_0000;

/**
 * Offset of SQLite's RESERVED lock byte on a database file.
 * @public
 */
export const SQLITE_RESERVED_BYTE = 0x4000_0001;

/**
 * First byte of SQLite's SHARED lock range on a database file. Every connection holds it shared
 * while the database is open in WAL mode; the last connection to close takes it exclusive.
 * @public
 */
export const SQLITE_SHARED_FIRST = 0x4000_0002;

/**
 * Length of SQLite's SHARED lock range on a database file.
 * @public
 */
export const SQLITE_SHARED_SIZE = 510;
