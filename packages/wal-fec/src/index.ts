/**
 * Forward error correction for SQLite WALs: the `<db>-wal-fec` sidecar.
 *
 * @remarks
 * For every committed transaction of `<db>-wal` (a protection group: the frames after one commit
 * frame up to and including the next; transactions larger than the codec allows are split), the
 * sidecar stores the frames' page numbers and commit sizes, an XXH3-128 of every page, and R
 * repair symbols of an erasure code (default 2, at most 255): systematic Reed–Solomon over GF(2^8)
 * (MDS: any R lost pages come back) or RFC 6330 RaptorQ (npm `raptorq`; not MDS, a few decodes in
 * a thousand fail with exactly R losses). The WAL stays SQLite's own.
 *
 * Sidecar layout (integers little-endian): a 24-byte header
 * `[8 "LWWALFEC"][u32 version 1][u32 24][u32 0][u32 CRC-32C of bytes 0..19]`, then records appended
 * and synced after the group's WAL frames are durable:
 * `[u32 recordBytes][u8 kind 1][u8 codec][u16 R][u32 salt-1][u32 salt-2][u32 first frame][u32 last frame][u32 page size][u32 codec parameter][u32 0]`
 * `K × [u32 page number][u32 commit size][16 XXH3-128]` `[u32 CRC-32C of the above]`
 * `R × [page-size symbol][u32 CRC-32C]`. A torn tail (a record cut short, a last record failing
 * its CRC, or a zero length prefix, which the writer leaves until its batch is synced) is ignored
 * and overwritten by the next append; any other damage is a typed error. A repair symbol that fails its CRC counts as lost.
 *
 * {@link scanWal} finds damaged frames by hash and header fields even past a broken checksum chain;
 * {@link repairWal} decodes, verifies every rebuilt page against its hash, rewrites whole frames
 * with a valid chain, syncs and records a telemetry event, or writes nothing when any group is lost.
 * {@link FecWriter} protects groups as they commit.
 * @example
 * ```ts
 * import { NodeVfs } from '@litewal/vfs';
 * import { protectWal, repairWal, scanWal } from '@litewal/wal-fec';
 *
 * const vfs = new NodeVfs();
 * await protectWal(vfs, 'app.db', { repairSymbols: 2, codec: 'reed-solomon' });
 * // ... later, after a disk error
 * const scan = await scanWal(vfs, 'app.db');
 * if (scan.damagedFrames.length > 0 && scan.repairable) await repairWal(vfs, 'app.db');
 * ```
 * @packageDocumentation
 */

export type { CodecName, ErasureCodec, RepairSymbols } from './codec.js';
export { codecByName } from './codecs.js';
export {
  NotAWalError,
  SidecarChecksumError,
  SidecarLimitError,
  SidecarMagicError,
  WalFecError,
  type WalFecErrorCode,
} from './errors.js';
export {
  FecWriter,
  type CommittedFrame,
  type CommittedGroup,
  type FecWriterOptions,
  type ProtectResult,
} from './fec-writer.js';
export {
  DEFAULT_REPAIR_SYMBOLS,
  MAX_RECORD_BYTES,
  MAX_REPAIR_SYMBOLS,
  RECORD_ENTRY_BYTES,
  RECORD_FIXED_BYTES,
  SIDECAR_FORMAT_VERSION,
  SIDECAR_HEADER_BYTES,
  SIDECAR_MAGIC,
  sidecarPath,
} from './format.js';
export type { LostGroup, LostReason } from './lost-group.js';
export { protectWal, type ProtectWalResult } from './protect-wal.js';
export { MAX_RAPTORQ_SOURCE_SYMBOLS, MAX_RAPTORQ_SYMBOL_BYTES, createRaptorQCodec } from './raptorq.js';
export { readRepairSymbols, readSidecar, type SidecarContents, type StoredGroup } from './read-sidecar.js';
export { MAX_REED_SOLOMON_SYMBOLS, createReedSolomonCodec } from './reed-solomon.js';
export { repairWal, type RepairOptions, type RepairResult } from './repair-wal.js';
export { scanWal, type ScanOptions, type ScanResult } from './scan-wal.js';
export {
  checkSidecarHeader,
  encodeGroupRecord,
  encodeSidecarHeader,
  type GroupRecord,
  type ProtectedFrame,
} from './sidecar-format.js';
