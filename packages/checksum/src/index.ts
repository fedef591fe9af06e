/**
 * SQLite's WAL checksum, WAL header and frame codecs, chain validation with SQLite's exact
 * recovery rules, torn-write classification, the optional XXH3-128 page trailer, and XXH3-128 /
 * XXH64 / CRC-32C behind one small interface.
 *
 * @remarks
 * The checksum runs in a hand-written WebAssembly kernel (bytes embedded, instantiated
 * synchronously): through the public API, copy included, it beat SQLite's own C loop built with
 * gcc -O2 by 1.2-1.5x on little-endian words and 2-2.7x on big-endian ones (bench/run-vs-c.mjs).
 * A plain TypeScript loop gives identical results where WebAssembly is unavailable
 * ({@link setChecksumKernel}). WAL layout: `[32-byte header][frame 1][frame 2]...`, frame =
 * `[24-byte header][page]`, every field a big-endian u32; see {@link WalHeader} and
 * {@link FrameHeader}.
 *
 * @example
 * ```ts
 * import { readFileSync } from 'node:fs';
 * import { validateWalChain } from '@litewal/checksum';
 *
 * const { header, headerError, result } = validateWalChain(readFileSync('app.db-wal'));
 * if (header === null) console.log(`SQLite ignores this WAL: ${headerError}`);
 * else console.log(`${result?.committed} committed frames; the chain stops: ${result?.stop.reason}`);
 * ```
 *
 * @packageDocumentation
 */
export {
  DB_HEADER_RESERVED_BYTES_OFFSET,
  PAGE_TRAILER_BYTES,
  verifyPageTrailer,
  writePageTrailer,
  zeroPageTrailer,
  type PageTrailerVerification,
} from './page-trailer.js';
export { WalChainValidator, type ChainResult, type ChainStopReason } from './chain-validator.js';
export { validateWalChain, type WalChainValidation } from './validate-wal-chain.js';
export { walChecksum, type ChecksumPair } from './checksum.js';
export { getChecksumKernel, setChecksumKernel, type ChecksumKernel } from './kernel.js';
export {
  ChecksumError,
  FrameHeaderError,
  PageTrailerError,
  WalHeaderChecksumError,
  WalHeaderError,
  type ChecksumErrorCode,
  type PageTrailerErrorCode,
  type WalHeaderErrorCode,
} from './errors.js';
export {
  MAX_PAGE_SIZE,
  MIN_PAGE_SIZE,
  WAL_FORMAT_VERSION,
  WAL_FRAME_HEADER_BYTES,
  WAL_HEADER_BYTES,
  WAL_MAGIC_BE,
  WAL_MAGIC_LE,
  isValidPageSize,
  walFrameOffset,
  type ByteOrder,
} from './format.js';
export { decodeFrameHeader, encodeFrameHeader, type FrameHeader } from './frame-header.js';
export { createHashes, type Hashes } from './hashes.js';
export { sharedHashes } from './shared-hashes.js';
export { sealFrames } from './seal-frames.js';
export {
  TORN_WRITE_SECTOR_SIZES,
  classifyTornWrite,
  type SectorState,
  type TornWriteClassification,
  type TornWriteInput,
  type TornWriteShape,
} from './torn-write.js';
export { decodeWalHeader, encodeWalHeader, type WalHeader, type WalHeaderInit } from './wal-header.js';
