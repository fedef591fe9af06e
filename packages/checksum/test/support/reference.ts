// Independent reference code for the tests: plain DataView reads, unsigned arithmetic with
// `% 2 ** 32`, and WAL layout written out by hand. Nothing here imports the package.

export const LE_MAGIC = 0x377f0682;
export const BE_MAGIC = 0x377f0683;

export interface Pair {
  s1: number;
  s2: number;
}

/** SQLite's checksum, the slow and obvious way. */
export function refChecksum(bytes: Uint8Array, bigEndian: boolean, seed: Pair = { s1: 0, s2: 0 }): Pair {
  if (bytes.length % 8 !== 0) throw new Error('length must be a multiple of 8');
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let { s1, s2 } = seed;
  for (let i = 0; i < bytes.length; i += 8) {
    s1 = (s1 + view.getUint32(i, !bigEndian) + s2) % 2 ** 32;
    s2 = (s2 + view.getUint32(i + 4, !bigEndian) + s1) % 2 ** 32;
  }
  return { s1, s2 };
}

export interface RefFrame {
  pageNumber: number;
  commitSize: number;
  page: Uint8Array;
  /** Salts to store instead of the header's (a stale or foreign frame); default: the header's. */
  salts?: [number, number];
}

export interface RefWal {
  pageSize: number;
  bigEndian: boolean;
  checkpointSequence?: number;
  salt1: number;
  salt2: number;
  version?: number;
  frames: RefFrame[];
}

/** Builds a WAL image: header and frames with chained checksums, each computed by refChecksum. */
export function refBuildWal(spec: RefWal): Uint8Array<ArrayBuffer> {
  const frameSize = 24 + spec.pageSize;
  const out = new Uint8Array(32 + spec.frames.length * frameSize);
  const view = new DataView(out.buffer);
  view.setUint32(0, spec.bigEndian ? BE_MAGIC : LE_MAGIC);
  view.setUint32(4, spec.version ?? 3007000);
  view.setUint32(8, spec.pageSize);
  view.setUint32(12, spec.checkpointSequence ?? 0);
  view.setUint32(16, spec.salt1);
  view.setUint32(20, spec.salt2);
  let sum = refChecksum(out.subarray(0, 24), spec.bigEndian);
  view.setUint32(24, sum.s1);
  view.setUint32(28, sum.s2);
  spec.frames.forEach((frame, i) => {
    const at = 32 + i * frameSize;
    if (frame.page.length !== spec.pageSize) throw new Error('page size mismatch');
    view.setUint32(at, frame.pageNumber);
    view.setUint32(at + 4, frame.commitSize);
    view.setUint32(at + 8, frame.salts?.[0] ?? spec.salt1);
    view.setUint32(at + 12, frame.salts?.[1] ?? spec.salt2);
    out.set(frame.page, at + 24);
    sum = refChecksum(out.subarray(at, at + 8), spec.bigEndian, sum);
    sum = refChecksum(out.subarray(at + 24, at + frameSize), spec.bigEndian, sum);
    view.setUint32(at + 16, sum.s1);
    view.setUint32(at + 20, sum.s2);
  });
  return out;
}

/** Running checksum after each frame of a WAL image (index 0 = the header's), by refChecksum. */
export function refChain(wal: Uint8Array, pageSize: number, bigEndian: boolean): Pair[] {
  const sums = [refChecksum(wal.subarray(0, 24), bigEndian)];
  const frameSize = 24 + pageSize;
  for (let at = 32; at + frameSize <= wal.length; at += frameSize) {
    const afterHeader = refChecksum(wal.subarray(at, at + 8), bigEndian, sums[sums.length - 1]);
    sums.push(refChecksum(wal.subarray(at + 24, at + frameSize), bigEndian, afterHeader));
  }
  return sums;
}
