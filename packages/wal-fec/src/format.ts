/**
 * Magic at offset 0 of a `-wal-fec` sidecar, as 8 ASCII bytes (`4c 57 57 41 4c 46 45 43`).
 *
 * @remarks Never confusable with a WAL, whose first four bytes are `37 7f 06 82` or `37 7f 06 83`.
 * @public
 */
export const SIDECAR_MAGIC = 'LWWALFEC';

/**
 * Version of the sidecar format this package reads and writes.
 * @public
 */
export const SIDECAR_FORMAT_VERSION = 1;

/**
 * Size of the sidecar's file header in bytes.
 *
 * @remarks Layout, integers little-endian:
 * `[8 magic "LWWALFEC"][u32 version][u32 header bytes = 24][u32 reserved 0][u32 CRC-32C of bytes 0..19]`.
 * @public
 */
export const SIDECAR_HEADER_BYTES = 24;

/**
 * Fixed part of a group record's metadata, before the per-frame entries, in bytes.
 * @public
 */
export const RECORD_FIXED_BYTES = 32;

/**
 * Bytes of one per-frame entry in a group record: page number, commit size, XXH3-128.
 * @public
 */
export const RECORD_ENTRY_BYTES = 24;

/**
 * Largest `recordBytes` length prefix a reader accepts (32 MiB): larger is a damaged or hostile
 * sidecar, refused before anything is allocated.
 * @public
 */
export const MAX_RECORD_BYTES = 32 * 1024 * 1024;

/**
 * Default number of repair symbols per protection group.
 * @public
 */
export const DEFAULT_REPAIR_SYMBOLS = 2;

/**
 * Largest number of repair symbols per protection group.
 * @public
 */
export const MAX_REPAIR_SYMBOLS = 255;

/**
 * The sidecar path of a database: `<db>-wal-fec`.
 *
 * @param dbPath - the database file
 * @returns `${dbPath}-wal-fec`
 * @public
 */
export function sidecarPath(dbPath: string): string {
  return `${dbPath}-wal-fec`;
}
