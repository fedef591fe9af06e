import { decodeWalHeader, WAL_FRAME_HEADER_BYTES, WAL_HEADER_BYTES, WalHeaderError, type WalHeader } from '@litewal/checksum';
import type { Vfs } from '@litewal/vfs';
import { NotAWalError } from '../errors.js';
import { MAGIC_BYTES } from './magic.js';
import { readExactly } from './read-exactly.js';

/** A WAL file read into memory. */
export interface WalImage {
  readonly path: string;
  readonly header: WalHeader;
  readonly bytes: Uint8Array;
  /** Complete frames in the file. */
  readonly frames: number;
  readonly frameBytes: number;
}

/** Byte offset of frame `frame` (1-based). */
export function frameAt(wal: WalImage, frame: number): number {
  return WAL_HEADER_BYTES + (frame - 1) * wal.frameBytes;
}

/** Reads `path` as a WAL; null when it is missing or empty (no WAL: nothing to protect). */
export async function readWal(vfs: Vfs, path: string): Promise<WalImage | null> {
  if (!(await vfs.exists(path))) return null;
  const file = await vfs.open(path, { readOnly: true });
  let bytes: Uint8Array;
  try {
    bytes = await readExactly(file, 0, await file.size());
  } finally {
    await file.close();
  }
  if (bytes.length === 0) return null;
  let header: WalHeader;
  try {
    header = decodeWalHeader(bytes);
  } catch (error) {
    if (!(error instanceof WalHeaderError)) throw error;
    const sidecar = bytes.length >= MAGIC_BYTES.length && MAGIC_BYTES.every((b, i) => bytes[i] === b);
    throw new NotAWalError(path, sidecar ? 'it is a wal-fec sidecar (magic "LWWALFEC")' : error.message, { cause: error });
  }
  const frameBytes = header.pageSize + WAL_FRAME_HEADER_BYTES;
  const frames = Math.floor(Math.max(0, bytes.length - WAL_HEADER_BYTES) / frameBytes);
  return { path, header, bytes, frames, frameBytes };
}
