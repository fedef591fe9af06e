import type { Hashes } from '@litewal/checksum';
import { isValidPageSize } from '@litewal/checksum';
import type { CodecName } from './codec.js';
import { SidecarChecksumError, SidecarLimitError, SidecarMagicError } from './errors.js';
import {
  MAX_RECORD_BYTES,
  MAX_REPAIR_SYMBOLS,
  RECORD_ENTRY_BYTES,
  RECORD_FIXED_BYTES,
  SIDECAR_FORMAT_VERSION,
  SIDECAR_HEADER_BYTES,
  } from './format.js';
import { MAGIC_BYTES } from './internal/magic.js';

/**
 * One frame of a protection group as the sidecar records it.
 * @public
 */
export interface ProtectedFrame {
  /** The frame header's page number. */
  readonly pageNumber: number;
  /** The frame header's commit size (database size in pages on a commit frame, else 0). */
  readonly commitSize: number;
  /** XXH3-128 of the page image, canonical big-endian form (16 bytes). */
  readonly hash: Uint8Array;
}

/**
 * The metadata of one group record: which frames of which WAL generation it protects, and how.
 * @public
 */
export interface GroupRecord {
  /** The erasure code of the repair symbols. */
  readonly codec: CodecName;
  /** R, the number of repair symbols, 1..255. */
  readonly repairSymbols: number;
  /** WAL header salt-1 of the generation the frames belong to. */
  readonly salt1: number;
  /** WAL header salt-2 of that generation. */
  readonly salt2: number;
  /** First protected frame (1-based). */
  readonly firstFrame: number;
  /** Last protected frame; `lastFrame - firstFrame + 1` = K = `frames.length`. */
  readonly lastFrame: number;
  /** The WAL's page size = the symbol size. */
  readonly pageSize: number;
  /** The codec's parameter ({@link RepairSymbols.parameter}). */
  readonly parameter: number;
  /** K entries, in frame order. */
  readonly frames: readonly ProtectedFrame[];
}

const CODEC_IDS: Readonly<Record<CodecName, number>> = { 'reed-solomon': 1, raptorq: 2 };
const CODEC_NAMES: Readonly<Record<number, CodecName>> = { 1: 'reed-solomon', 2: 'raptorq' };
/** Record kind byte of a group record (the only kind in version 1). */
const KIND_GROUP = 1;

/** Bytes of a whole record, length prefix included, for K frames, R symbols of T bytes. */
export function recordBytes(k: number, r: number, pageSize: number): number {
  return 4 + RECORD_FIXED_BYTES + RECORD_ENTRY_BYTES * k + 4 + r * (pageSize + 4);
}

/**
 * The 24-byte sidecar file header.
 *
 * @param hashes - for CRC-32C
 * @returns `[8 "LWWALFEC"][u32 LE version 1][u32 LE 24][u32 0][u32 LE CRC-32C of bytes 0..19]`
 * @public
 */
export function encodeSidecarHeader(hashes: Hashes): Uint8Array {
  const out = new Uint8Array(SIDECAR_HEADER_BYTES);
  const view = new DataView(out.buffer);
  out.set(MAGIC_BYTES, 0);
  view.setUint32(8, SIDECAR_FORMAT_VERSION, true);
  view.setUint32(12, SIDECAR_HEADER_BYTES, true);
  view.setUint32(20, hashes.crc32c(out.subarray(0, 20)), true);
  return out;
}

/**
 * Checks a sidecar header.
 *
 * @param bytes - the first bytes of the file (at most {@link SIDECAR_HEADER_BYTES} are read)
 * @param hashes - for CRC-32C
 * @returns `'ok'`, or `'torn'` when the file is shorter than a header but starts like one
 * @throws {@link SidecarMagicError}, {@link SidecarLimitError} (`ERR_WAL_FEC_BAD_VERSION`),
 * {@link SidecarChecksumError}
 * @public
 */
export function checkSidecarHeader(bytes: Uint8Array, hashes: Hashes): 'ok' | 'torn' {
  const seen = bytes.subarray(0, Math.min(bytes.length, MAGIC_BYTES.length));
  if (seen.some((b, i) => b !== MAGIC_BYTES[i])) {
    throw new SidecarMagicError(Buffer.from(seen).toString('hex'));
  }
  if (bytes.length < SIDECAR_HEADER_BYTES) return 'torn';
  const view = new DataView(bytes.buffer, bytes.byteOffset, SIDECAR_HEADER_BYTES);
  const stored = view.getUint32(20, true);
  const computed = hashes.crc32c(bytes.subarray(0, 20));
  if (stored !== computed) throw new SidecarChecksumError('header', 0, stored, computed);
  const version = view.getUint32(8, true);
  if (version !== SIDECAR_FORMAT_VERSION) {
    throw new SidecarLimitError('ERR_WAL_FEC_BAD_VERSION', 'version', version, `${SIDECAR_FORMAT_VERSION}`, 0);
  }
  const headerBytes = view.getUint32(12, true);
  if (headerBytes !== SIDECAR_HEADER_BYTES) {
    throw new SidecarLimitError('ERR_WAL_FEC_LIMIT', 'headerBytes', headerBytes, `${SIDECAR_HEADER_BYTES}`, 0);
  }
  return 'ok';
}

/**
 * Encodes one group record with its repair symbols, ready to append.
 *
 * @remarks Layout, integers little-endian:
 * `[u32 recordBytes = bytes after this field]`
 * `[u8 kind 1][u8 codec 1 RS | 2 RaptorQ][u16 R][u32 salt-1][u32 salt-2][u32 first frame][u32 last frame][u32 page size][u32 codec parameter][u32 0]`
 * then K × `[u32 page number][u32 commit size][16 XXH3-128 of the page]`,
 * then `[u32 CRC-32C of every byte above, length prefix included]`,
 * then R × `[page-size bytes repair symbol i (RFC ESI K + i)][u32 CRC-32C of the symbol]`.
 * @param record - the metadata; `frames.length` must equal `lastFrame - firstFrame + 1`
 * @param symbols - R repair symbols of `pageSize` bytes
 * @param hashes - for CRC-32C
 * @throws RangeError when the fields are inconsistent or outside their limits
 * @public
 */
export function encodeGroupRecord(record: GroupRecord, symbols: readonly Uint8Array[], hashes: Hashes): Uint8Array {
  const k = record.frames.length;
  const r = symbols.length;
  const t = record.pageSize;
  if (k !== record.lastFrame - record.firstFrame + 1 || record.firstFrame < 1 || k < 1) {
    throw new RangeError(`frames ${record.firstFrame}..${record.lastFrame} need ${record.lastFrame - record.firstFrame + 1} entries, got ${k}`);
  }
  if (r !== record.repairSymbols || r < 1 || r > MAX_REPAIR_SYMBOLS) {
    throw new RangeError(`repair symbols must be 1..${MAX_REPAIR_SYMBOLS} and match the record, got ${r} (record ${record.repairSymbols})`);
  }
  const total = recordBytes(k, r, t);
  if (total - 4 > MAX_RECORD_BYTES) throw new RangeError(`record of ${total - 4} bytes exceeds ${MAX_RECORD_BYTES}`);
  const out = new Uint8Array(total);
  const view = new DataView(out.buffer);
  view.setUint32(0, total - 4, true);
  out[4] = KIND_GROUP;
  out[5] = CODEC_IDS[record.codec];
  view.setUint16(6, r, true);
  view.setUint32(8, record.salt1, true);
  view.setUint32(12, record.salt2, true);
  view.setUint32(16, record.firstFrame, true);
  view.setUint32(20, record.lastFrame, true);
  view.setUint32(24, t, true);
  view.setUint32(28, record.parameter, true);
  let at = 4 + RECORD_FIXED_BYTES;
  for (const f of record.frames) {
    if (f.hash.length !== 16) throw new RangeError(`a page hash must be 16 bytes, got ${f.hash.length}`);
    view.setUint32(at, f.pageNumber, true);
    view.setUint32(at + 4, f.commitSize, true);
    out.set(f.hash, at + 8);
    at += RECORD_ENTRY_BYTES;
  }
  view.setUint32(at, hashes.crc32c(out.subarray(0, at)), true);
  at += 4;
  for (const s of symbols) {
    if (s.length !== t) throw new RangeError(`a repair symbol must be ${t} bytes, got ${s.length}`);
    out.set(s, at);
    view.setUint32(at + t, hashes.crc32c(s), true);
    at += t + 4;
  }
  return out;
}

/** Outcome of {@link parseRecordMeta}. */
export type ParsedMeta =
  | { readonly kind: 'record'; readonly record: GroupRecord; readonly end: number; readonly symbolsAt: number }
  | { readonly kind: 'torn' };

/**
 * Parses the record at `at` from `readAt` (bytes of the file), checking every limit before reading
 * further: a record that runs past `fileBytes`, or whose defect reaches the end of the file, is a
 * torn tail; any other defect throws.
 */
export async function parseRecordMeta(
  readAt: (position: number, length: number) => Promise<Uint8Array>,
  at: number,
  fileBytes: number,
  hashes: Hashes,
): Promise<ParsedMeta> {
  const torn = { kind: 'torn' } as const;
  if (fileBytes - at < 4) return torn;
  const length = new DataView((await readAt(at, 4)).buffer).getUint32(0, true);
  if (length > MAX_RECORD_BYTES) {
    throw new SidecarLimitError('ERR_WAL_FEC_RECORD_LENGTH', 'recordBytes', length, `at most ${MAX_RECORD_BYTES}`, at);
  }
  const end = at + 4 + length;
  if (end > fileBytes) return torn;
  const atTail = end === fileBytes;
  const minimum = RECORD_FIXED_BYTES + RECORD_ENTRY_BYTES + 4;
  if (length < minimum) {
    // A zero length prefix is the mark of an append that never completed (see FecWriter): torn.
    if (atTail || length === 0) return torn;
    throw new SidecarLimitError('ERR_WAL_FEC_RECORD_LENGTH', 'recordBytes', length, `at least ${minimum}`, at);
  }
  const fixed = new DataView((await readAt(at + 4, RECORD_FIXED_BYTES)).buffer);
  const first = fixed.getUint32(12, true);
  const last = fixed.getUint32(16, true);
  const k = last - first + 1;
  const metaEnd = 4 + RECORD_FIXED_BYTES + RECORD_ENTRY_BYTES * k;
  if (last < first || metaEnd + 4 > 4 + length) {
    if (atTail) return torn;
    throw new SidecarLimitError('ERR_WAL_FEC_RECORD_LENGTH', 'frames', Math.max(0, k), `at most ${Math.floor((length - RECORD_FIXED_BYTES - 4) / RECORD_ENTRY_BYTES)} in a ${length}-byte record`, at);
  }
  const meta = await readAt(at, metaEnd + 4);
  const metaView = new DataView(meta.buffer, meta.byteOffset, meta.byteLength);
  const stored = metaView.getUint32(metaEnd, true);
  const computed = hashes.crc32c(meta.subarray(0, metaEnd));
  if (stored !== computed) {
    if (atTail) return torn;
    throw new SidecarChecksumError('record', at, stored, computed);
  }
  const kind = fixed.getUint8(0);
  const codec = CODEC_NAMES[fixed.getUint8(1)];
  const r = fixed.getUint16(2, true);
  const pageSize = fixed.getUint32(20, true);
  if (kind !== KIND_GROUP) throw new SidecarLimitError('ERR_WAL_FEC_LIMIT', 'recordKind', kind, `${KIND_GROUP}`, at);
  if (codec === undefined) throw new SidecarLimitError('ERR_WAL_FEC_LIMIT', 'codec', fixed.getUint8(1), '1 (reed-solomon) or 2 (raptorq)', at);
  if (r < 1 || r > MAX_REPAIR_SYMBOLS) throw new SidecarLimitError('ERR_WAL_FEC_LIMIT', 'repairSymbols', r, `1 to ${MAX_REPAIR_SYMBOLS}`, at);
  if (!isValidPageSize(pageSize)) throw new SidecarLimitError('ERR_WAL_FEC_LIMIT', 'pageSize', pageSize, 'a power of two from 512 to 65536', at);
  if (first < 1) throw new SidecarLimitError('ERR_WAL_FEC_LIMIT', 'firstFrame', first, 'at least 1', at);
  const expected = recordBytes(k, r, pageSize) - 4;
  if (length !== expected) {
    throw new SidecarLimitError('ERR_WAL_FEC_RECORD_LENGTH', 'recordBytes', length, `${expected} for K=${k} R=${r} page size ${pageSize}`, at);
  }
  const frames: ProtectedFrame[] = [];
  for (let i = 0, p = 4 + RECORD_FIXED_BYTES; i < k; i++, p += RECORD_ENTRY_BYTES) {
    frames.push({
      pageNumber: metaView.getUint32(p, true),
      commitSize: metaView.getUint32(p + 4, true),
      hash: meta.slice(p + 8, p + 24),
    });
  }
  const record: GroupRecord = {
    codec,
    repairSymbols: r,
    salt1: fixed.getUint32(4, true),
    salt2: fixed.getUint32(8, true),
    firstFrame: first,
    lastFrame: last,
    pageSize,
    parameter: fixed.getUint32(24, true),
    frames,
  };
  return { kind: 'record', record, end, symbolsAt: at + metaEnd + 4 };
}

/** Splits R stored symbols (`[T bytes][u32 CRC-32C]` each) into symbols, `null` where the CRC fails. */
export function splitSymbols(bytes: Uint8Array, r: number, pageSize: number, hashes: Hashes): (Uint8Array | null)[] {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const out: (Uint8Array | null)[] = [];
  for (let i = 0, at = 0; i < r; i++, at += pageSize + 4) {
    const symbol = bytes.subarray(at, at + pageSize);
    out.push(view.getUint32(at + pageSize, true) === hashes.crc32c(symbol) ? symbol : null);
  }
  return out;
}
