import { readFile } from 'node:fs/promises';
import { WAL_FRAME_HEADER_BYTES, WAL_HEADER_BYTES, validateWalChain } from '@litewal/checksum';
import type { WalIndexSource } from '../../src/index.js';

/**
 * A {@link WalIndexSource} read straight from a WAL file's bytes, including the valid frames
 * after the last commit (what SQLite's recovery indexes), unlike `WalFile`, which keeps only the
 * committed ones.
 */
export async function rawWalSource(walPath: string): Promise<WalIndexSource> {
  const wal = new Uint8Array(await readFile(walPath));
  const { header, result } = validateWalChain(wal);
  if (header === null || result === null) throw new Error(`${walPath} has no valid header`);
  const view = new DataView(wal.buffer, wal.byteOffset, wal.byteLength);
  const frameBytes = WAL_FRAME_HEADER_BYTES + header.pageSize;
  return {
    header,
    committedFrames: result.committed,
    dbSizePages: result.dbSizePages,
    committedChecksum: result.committedChecksum,
    validFrames: result.chained,
    pageOf: (frame) => view.getUint32(WAL_HEADER_BYTES + (frame - 1) * frameBytes, false),
  };
}
