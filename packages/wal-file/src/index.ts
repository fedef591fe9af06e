/**
 * Read and write SQLite WAL files byte-exactly.
 *
 * @remarks
 * {@link WalFile.open} recovers the valid prefix of a WAL exactly as SQLite does (stop at the
 * first frame with a wrong salt, a zero page number or a broken checksum; keep frames up to the
 * last commit frame) and {@link WalFile.append} adds frames that SQLite then reads. Appends run a
 * four-step pipeline (prepare, check the window, finalise checksums, one contiguous write) whose
 * failure at any step leaves the handle's counters unchanged.
 *
 * @example
 * ```ts
 * import { NodeVfs } from '@litewal/vfs';
 * import { WalFile } from '@litewal/wal-file';
 *
 * const wal = await WalFile.open(new NodeVfs(), 'app.db-wal', { readOnly: true });
 * console.log(wal.committedFrames, wal.recovery.stop.reason);
 * const page1 = await wal.readPage(1); // latest committed image of page 1, or null
 * await wal.close();
 * ```
 * @packageDocumentation
 */
export {
  FrameRangeError,
  PageSizeMismatchError,
  StaleAppendWindowError,
  WalFileError,
  type WalFileErrorCode,
} from './errors.js';
export { MAX_WAL_FRAMES, frameBytes, frameOffset } from './format.js';
export type { PageWrite, PreparedFrames, TransactionFrames, WalGeneration } from './prepared-frames.js';
export type { RecoveryOptions, WalRecovery, WalStopReason } from './recovery.js';
export {
  NATIVE_BYTE_ORDER,
  WalFile,
  type AppendResult,
  type CreateWalOptions,
  type OpenWalOptions,
  type WalFrame,
} from './wal-file.js';
