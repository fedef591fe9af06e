import type { Hashes } from '@litewal/checksum';
import type { Vfs, VfsFile } from '@litewal/vfs';
import { SIDECAR_HEADER_BYTES } from './format.js';
import { readExactly } from './internal/read-exactly.js';
import { checkSidecarHeader, parseRecordMeta, splitSymbols, type GroupRecord } from './sidecar-format.js';

/**
 * A group record found in a sidecar, with where its repair symbols are.
 * @public
 */
export interface StoredGroup extends GroupRecord {
  /** Byte offset of the record (its length prefix) in the sidecar. */
  readonly offset: number;
  /** Byte offset of the first repair symbol. */
  readonly symbolsAt: number;
}

/**
 * What {@link readSidecar} found.
 * @public
 */
export interface SidecarContents {
  /** Whether the file exists (a missing sidecar reads as empty). */
  readonly exists: boolean;
  /** The complete, valid records in file order. */
  readonly groups: readonly StoredGroup[];
  /** Bytes of the valid prefix: header plus complete records; the next append goes here. */
  readonly validBytes: number;
  /** The file size. */
  readonly fileBytes: number;
  /** True when bytes after the valid prefix were ignored (a torn header, last record or append). */
  readonly tornTail: boolean;
}

/** Parses an open sidecar (see {@link readSidecar}). */
export async function readSidecarFile(file: VfsFile, hashes: Hashes): Promise<SidecarContents> {
  const fileBytes = await file.size();
  const readAt = (position: number, length: number): Promise<Uint8Array> => readExactly(file, position, length);
  if (fileBytes === 0) return { exists: true, groups: [], validBytes: 0, fileBytes, tornTail: false };
  const head = await readAt(0, Math.min(fileBytes, SIDECAR_HEADER_BYTES));
  if (checkSidecarHeader(head, hashes) === 'torn') {
    return { exists: true, groups: [], validBytes: 0, fileBytes, tornTail: true };
  }
  const groups: StoredGroup[] = [];
  let at = SIDECAR_HEADER_BYTES;
  while (at < fileBytes) {
    const parsed = await parseRecordMeta(readAt, at, fileBytes, hashes);
    if (parsed.kind === 'torn') break;
    const { record, end, symbolsAt } = parsed;
    if (end === fileBytes) {
      // The last record may be a crashed append: it counts only if every symbol is intact.
      const symbols = splitSymbols(await readAt(symbolsAt, end - symbolsAt), record.repairSymbols, record.pageSize, hashes);
      if (symbols.includes(null)) break;
    }
    groups.push({ ...record, offset: at, symbolsAt });
    at = end;
  }
  return { exists: true, groups, validBytes: at, fileBytes, tornTail: at < fileBytes };
}

/**
 * Reads and validates a `-wal-fec` sidecar: header, then every record's length, CRC-32C and limits.
 *
 * @remarks Repair symbols are not loaded (see {@link readRepairSymbols}). A torn tail (a header or
 * last record cut short, a last record whose CRC fails, or a zero length prefix: an append whose
 * batch was never synced) is ignored and reported in `tornTail`;
 * the next append overwrites it. A damaged record that is followed by more bytes is an error.
 * @param vfs - the file system
 * @param path - the sidecar, `<db>-wal-fec`
 * @param hashes - from `sharedHashes()` (or `createHashes()`) of `@litewal/checksum`
 * @throws {@link SidecarMagicError}, {@link SidecarChecksumError}, {@link SidecarLimitError}
 * @public
 */
export async function readSidecar(vfs: Vfs, path: string, hashes: Hashes): Promise<SidecarContents> {
  if (!(await vfs.exists(path))) return { exists: false, groups: [], validBytes: 0, fileBytes: 0, tornTail: false };
  const file = await vfs.open(path, { readOnly: true });
  try {
    return await readSidecarFile(file, hashes);
  } finally {
    await file.close();
  }
}

/**
 * Loads a group's repair symbols, each checked against its CRC-32C.
 *
 * @param vfs - the file system
 * @param path - the sidecar
 * @param group - a group from {@link readSidecar}
 * @param hashes - for CRC-32C
 * @returns R entries: the symbol, or `null` where its CRC-32C fails
 * @public
 */
export async function readRepairSymbols(vfs: Vfs, path: string, group: StoredGroup, hashes: Hashes): Promise<(Uint8Array | null)[]> {
  const file = await vfs.open(path, { readOnly: true });
  try {
    const bytes = await readExactly(file, group.symbolsAt, group.repairSymbols * (group.pageSize + 4));
    return splitSymbols(bytes, group.repairSymbols, group.pageSize, hashes);
  } finally {
    await file.close();
  }
}
