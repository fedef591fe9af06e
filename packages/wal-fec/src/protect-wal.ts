import { sharedHashes, validateWalChain, WAL_FRAME_HEADER_BYTES } from '@litewal/checksum';
import type { Vfs } from '@litewal/vfs';
import type { CodecName } from './codec.js';
import { FecWriter, type CommittedFrame, type CommittedGroup, type FecWriterOptions } from './fec-writer.js';
import { DEFAULT_REPAIR_SYMBOLS, sidecarPath } from './format.js';
import { frameAt, readWal } from './internal/wal-image.js';

/**
 * What {@link protectWal} did.
 * @public
 */
export interface ProtectWalResult {
  /** Protection groups appended by this call (0 when everything was already protected). */
  readonly groups: number;
  /** R of the appended groups. */
  readonly repairSymbols: number;
  /** The codec of the appended groups. */
  readonly codec: CodecName;
  /** Bytes appended to the sidecar. */
  readonly bytes: number;
  /** Committed frames of the WAL (its valid prefix up to the last commit frame). */
  readonly committedFrames: number;
}

/**
 * Writes or extends `<db>-wal-fec` so that every committed transaction of `<db>-wal` is protected.
 *
 * @remarks Reads the WAL, finds its committed valid prefix as SQLite's recovery would, and appends
 * one protection group per transaction (frames after a commit frame up to and including the next
 * commit frame) not yet protected in the WAL's current generation, split where a transaction is
 * larger than the codec allows; then one `fdatasync`. Run it when the WAL's frames are durable.
 * @param vfs - the file system
 * @param dbPath - the database; its WAL is `<db>-wal`
 * @param options - R (default 2) and codec (default RaptorQ)
 * @returns groups appended, R, codec, bytes appended, committed frames
 * @throws {@link NotAWalError} when `<db>-wal` is not a WAL; the sidecar errors of
 * {@link FecWriter.open}
 * @public
 */
export async function protectWal(vfs: Vfs, dbPath: string, options: FecWriterOptions = {}): Promise<ProtectWalResult> {
  const hashes = options.hashes ?? (await sharedHashes());
  const wal = await readWal(vfs, `${dbPath}-wal`);
  const repairSymbols = options.repairSymbols ?? DEFAULT_REPAIR_SYMBOLS;
  const writer = await FecWriter.open(vfs, sidecarPath(dbPath), { ...options, hashes });
  const codec = typeof options.codec === 'object' ? options.codec.name : (options.codec ?? 'raptorq');
  try {
    if (wal === null) return { groups: 0, repairSymbols, codec, bytes: 0, committedFrames: 0 };
    const committed = validateWalChain(wal.bytes).result?.committed ?? 0;
    const { salt1, salt2, pageSize } = wal.header;
    const sameGeneration = writer.salts !== null && writer.salts[0] === salt1 && writer.salts[1] === salt2;
    const view = new DataView(wal.bytes.buffer, wal.bytes.byteOffset, wal.bytes.byteLength);
    const groups: CommittedGroup[] = [];
    let frames: CommittedFrame[] = [];
    for (let frame = (sameGeneration ? writer.lastProtectedFrame : 0) + 1; frame <= committed; frame++) {
      const at = frameAt(wal, frame);
      const commitSize = view.getUint32(at + 4);
      frames.push({
        frame,
        pageNumber: view.getUint32(at),
        commitSize,
        page: wal.bytes.subarray(at + WAL_FRAME_HEADER_BYTES, at + WAL_FRAME_HEADER_BYTES + pageSize),
      });
      if (commitSize !== 0) {
        groups.push({ salt1, salt2, pageSize, frames });
        frames = [];
      }
    }
    const result = await writer.protect(groups);
    return { groups: result.groups, repairSymbols, codec, bytes: result.bytes, committedFrames: committed };
  } finally {
    await writer.close();
  }
}
