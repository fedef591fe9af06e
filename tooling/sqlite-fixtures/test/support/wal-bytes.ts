// Reads the few WAL/-shm bytes the tests assert on, straight from SQLite's documented layout.
// Deliberately independent of litewal's own codecs: these tests check the fixtures, not litewal.
import { readFile } from 'node:fs/promises';

export const WAL_HEADER_BYTES = 32;
export const FRAME_HEADER_BYTES = 24;
export const WAL_MAGIC_LE = 0x377f0682;
export const WAL_MAGIC_BE = 0x377f0683;
// DataView's `littleEndian` argument for the big-endian WAL fields.
const BIG_ENDIAN = false;

export interface WalHeader {
  readonly magic: number;
  readonly version: number;
  readonly pageSize: number;
  readonly sequence: number;
  readonly salt1: number;
  readonly salt2: number;
}

export interface FrameHeader {
  readonly pageNumber: number;
  readonly commitSize: number;
  readonly salt1: number;
  readonly salt2: number;
}

/** The scan SQLite's recovery does: where the valid prefix ends and its last commit frame. */
export interface WalScan {
  readonly header: WalHeader;
  readonly frameCount: number;
  /** 1-based index of the first frame that fails (salt, page 0 or checksum), or undefined. */
  readonly firstInvalidFrame: number | undefined;
  /** 1-based index of the last valid commit frame (SQLite's mxFrame), 0 when none. */
  readonly lastCommitFrame: number;
}

export async function readBytes(file: string): Promise<Uint8Array> {
  return new Uint8Array(await readFile(file));
}

function view(bytes: Uint8Array): DataView {
  return new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

export function walHeader(wal: Uint8Array): WalHeader {
  const v = view(wal);
  return {
    magic: v.getUint32(0, BIG_ENDIAN),
    version: v.getUint32(4, BIG_ENDIAN),
    pageSize: v.getUint32(8, BIG_ENDIAN),
    sequence: v.getUint32(12, BIG_ENDIAN),
    salt1: v.getUint32(16, BIG_ENDIAN),
    salt2: v.getUint32(20, BIG_ENDIAN),
  };
}

export function frameOffset(frame: number, pageSize: number): number {
  return WAL_HEADER_BYTES + (frame - 1) * (FRAME_HEADER_BYTES + pageSize);
}

export function frameHeader(wal: Uint8Array, frame: number, pageSize: number): FrameHeader {
  const v = view(wal);
  const at = frameOffset(frame, pageSize);
  return {
    pageNumber: v.getUint32(at, BIG_ENDIAN),
    commitSize: v.getUint32(at + 4, BIG_ENDIAN),
    salt1: v.getUint32(at + 8, BIG_ENDIAN),
    salt2: v.getUint32(at + 12, BIG_ENDIAN),
  };
}

/** SQLite's cumulative checksum over `bytes` (a multiple of 8), words LE or BE, from (s0, s1). */
export function walChecksum(bytes: Uint8Array, littleEndianWords: boolean, s0: number, s1: number): [number, number] {
  const v = view(bytes);
  for (let i = 0; i < bytes.byteLength; i += 8) {
    s0 = (s0 + v.getUint32(i, littleEndianWords) + s1) >>> 0;
    s1 = (s1 + v.getUint32(i + 4, littleEndianWords) + s0) >>> 0;
  }
  return [s0, s1];
}

export function scanWal(wal: Uint8Array): WalScan {
  const header = walHeader(wal);
  const v = view(wal);
  const le = header.magic === WAL_MAGIC_LE;
  let [s0, s1] = walChecksum(wal.subarray(0, 24), le, 0, 0);
  if (s0 !== v.getUint32(24, BIG_ENDIAN) || s1 !== v.getUint32(28, BIG_ENDIAN)) throw new Error('bad WAL header checksum');
  const frameBytes = FRAME_HEADER_BYTES + header.pageSize;
  const frameCount = Math.floor((wal.byteLength - WAL_HEADER_BYTES) / frameBytes);
  let lastCommitFrame = 0;
  for (let frame = 1; frame <= frameCount; frame++) {
    const at = frameOffset(frame, header.pageSize);
    const f = frameHeader(wal, frame, header.pageSize);
    [s0, s1] = walChecksum(wal.subarray(at, at + 8), le, s0, s1);
    [s0, s1] = walChecksum(wal.subarray(at + FRAME_HEADER_BYTES, at + frameBytes), le, s0, s1);
    const valid =
      f.pageNumber !== 0 &&
      f.salt1 === header.salt1 &&
      f.salt2 === header.salt2 &&
      s0 === v.getUint32(at + 16, BIG_ENDIAN) &&
      s1 === v.getUint32(at + 20, BIG_ENDIAN);
    if (!valid) return { header, frameCount, firstInvalidFrame: frame, lastCommitFrame };
    if (f.commitSize !== 0) lastCommitFrame = frame;
  }
  return { header, frameCount, firstInvalidFrame: undefined, lastCommitFrame };
}

/** Reads a u32 of the -shm in native order (little-endian on the x86/arm64 machines we run on). */
export function shmU32(shm: Uint8Array, offset: number): number {
  return view(shm).getUint32(offset, true);
}
