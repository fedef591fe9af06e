/** `SQLite format 3\0`, the first 16 bytes of every database file. */
const MAGIC = 'SQLite format 3\0';
/** Bytes of the database header at the start of page 1. */
export const DB_HEADER_BYTES = 100;

/** The fields of a database header (page 1, bytes 0..99) that tell files apart. */
export interface DbHeader {
  /** Page size in bytes (the stored 1 decoded as 65536); 0 when the stored value is not a valid size. */
  readonly pageSize: number;
  /** File format write version (byte 18): 1 rollback journal, 2 WAL. */
  readonly writeVersion: number;
  /** File format read version (byte 19): 1 rollback journal, 2 WAL. */
  readonly readVersion: number;
  /** File change counter (offset 24). */
  readonly changeCounter: number;
  /** In-header database size in pages (offset 28). */
  readonly sizePages: number;
  /** Schema format number (offset 44). */
  readonly schemaFormat: number;
  /** Text encoding (offset 56): 1 UTF-8, 2 UTF-16le, 3 UTF-16be. */
  readonly textEncoding: number;
  /** Version-valid-for number (offset 92). */
  readonly versionValidFor: number;
}

/** Whether `bytes` starts with the SQLite database magic. */
export function hasDbMagic(bytes: Uint8Array): boolean {
  if (bytes.length < MAGIC.length) return false;
  for (let i = 0; i < MAGIC.length; i++) if (bytes[i] !== MAGIC.charCodeAt(i)) return false;
  return true;
}

/** Decodes the header fields of page 1; `bytes` holds at least {@link DB_HEADER_BYTES} bytes. */
export function decodeDbHeader(bytes: Uint8Array): DbHeader {
  const view = new DataView(bytes.buffer, bytes.byteOffset, DB_HEADER_BYTES);
  const raw = view.getUint16(16, false);
  const pageSize = raw === 1 ? 65536 : raw >= 512 && (raw & (raw - 1)) === 0 ? raw : 0;
  return {
    pageSize,
    writeVersion: bytes[18] as number,
    readVersion: bytes[19] as number,
    changeCounter: view.getUint32(24, false),
    sizePages: view.getUint32(28, false),
    schemaFormat: view.getUint32(44, false),
    textEncoding: view.getUint32(56, false),
    versionValidFor: view.getUint32(92, false),
  };
}
