import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import {
  WalChainValidator,
  decodeWalHeader,
  setChecksumKernel,
  validateWalChain,
  type ChainResult,
  type ChainStopReason,
  type ChecksumKernel,
} from '../src/index.js';
import { random, type Random } from './support/random.js';
import { refBuildWal, refChain, type RefFrame } from './support/reference.js';

const KERNELS: ChecksumKernel[] = ['wasm', 'ts'];
const ORDERS = [false, true];

afterAll(() => setChecksumKernel('wasm'));

/** Frames with random pages and page numbers 1..200; commit frames where `commits` is true. */
function frames(r: Random, pageSize: number, commits: boolean[]): RefFrame[] {
  return commits.map((commit, i) => ({
    pageNumber: 1 + r.int(200),
    commitSize: commit ? 100 + i : 0,
    page: r.bytes(pageSize),
  }));
}

/** What SQLite's recovery makes of the first `valid` frames of a WAL whose frames have `commits`. */
function expected(
  wal: Uint8Array,
  pageSize: number,
  bigEndian: boolean,
  commits: boolean[],
  valid: number,
  reason: ChainStopReason,
): ChainResult {
  const sums = refChain(wal, pageSize, bigEndian);
  const committed = commits.slice(0, valid).lastIndexOf(true) + 1;
  return {
    chained: valid,
    committed,
    commits: commits.slice(0, committed).filter(Boolean).length,
    dbSizePages: committed === 0 ? 0 : 100 + committed - 1,
    committedChecksum: sums[committed]!,
    chainedChecksum: sums[valid]!,
    stop: { frame: valid + 1, reason },
  };
}

describe.each(KERNELS)('chain validation with the %s kernel', (kernel) => {
  beforeEach(() => setChecksumKernel(kernel));

  it.each(ORDERS)('continues a chain part-way from a seed, counting from that point (big-endian: %s)', (bigEndian) => {
    const r = random(77);
    const commits = [true, false, true, false, true, true];
    const pageSize = 512;
    const wal = refBuildWal({ pageSize, bigEndian, salt1: r.u32(), salt2: r.u32(), frames: frames(r, pageSize, commits) });
    const header = decodeWalHeader(wal);
    const sums = refChain(wal, pageSize, bigEndian);
    const frameSize = pageSize + 24;
    const resumed = new WalChainValidator(header, sums[2]);
    resumed.push(wal.subarray(32 + 2 * frameSize));
    expect(resumed.finish(0)).toEqual({
      chained: 4,
      committed: 4,
      commits: 3,
      dbSizePages: 105,
      committedChecksum: sums[6],
      chainedChecksum: sums[6],
      stop: { frame: 5, reason: 'end-of-file' },
    });
    const wrongSeed = new WalChainValidator(header, sums[1]);
    expect(wrongSeed.push(wal.subarray(32 + 2 * frameSize))).toBe(false);
    expect(wrongSeed.finish(0).stop).toEqual({ frame: 1, reason: 'checksum-mismatch' });
    expect(() => new WalChainValidator(header, { s1: -1, s2: 0 })).toThrow(RangeError);
  });

  it.each(ORDERS)('accepts a clean WAL up to its end; only committed frames count (big-endian: %s)', (bigEndian) => {
    const r = random(31);
    const commits = [false, true, false, false, true, false];
    const wal = refBuildWal({ pageSize: 1024, bigEndian, salt1: r.u32(), salt2: r.u32(), frames: frames(r, 1024, commits) });
    const { header, result } = validateWalChain(wal);
    expect(header?.byteOrder).toBe(bigEndian ? 'big' : 'little');
    expect(result).toEqual(expected(wal, 1024, bigEndian, commits, 6, 'end-of-file'));
    expect(result?.committed).toBe(5);
  });

  it('reports a chain without a commit frame as committing nothing', () => {
    const r = random(32);
    const commits = [false, false, false];
    const wal = refBuildWal({ pageSize: 512, bigEndian: false, salt1: 1, salt2: 2, frames: frames(r, 512, commits) });
    const header = decodeWalHeader(wal);
    const result = validateWalChain(wal).result;
    expect(result).toEqual(expected(wal, 512, false, commits, 3, 'end-of-file'));
    expect(result?.committedChecksum).toEqual({ s1: header.checksum1, s2: header.checksum2 });
  });

  it.each(ORDERS)('stops at the first invalid frame, in SQLite order, and looks no further (big-endian: %s)', (bigEndian) => {
    const r = random(33);
    const commits = [false, true, false, false, true, false];
    const salt1 = r.u32();
    const salt2 = r.u32();
    const cases: [ChainStopReason, (frame: RefFrame) => RefFrame][] = [
      ['salt-mismatch', (f) => ({ ...f, salts: [salt1 ^ 1, salt2] })],
      ['salt-mismatch', (f) => ({ ...f, salts: [salt1, (salt2 + 1) >>> 0] })],
      ['zero-page', (f) => ({ ...f, pageNumber: 0 })],
    ];
    for (const [reason, corrupt] of cases) {
      const list = frames(r, 512, commits);
      list[3] = corrupt(list[3]!);
      list[4] = { ...list[4]!, salts: [0, 0] }; // never looked at
      const wal = refBuildWal({ pageSize: 512, bigEndian, salt1, salt2, frames: list });
      expect(validateWalChain(wal).result).toEqual(expected(wal, 512, bigEndian, commits, 3, reason));
    }
    const wal = refBuildWal({ pageSize: 512, bigEndian, salt1, salt2, frames: frames(r, 512, commits) });
    wal[32 + 3 * 536 + 24 + 100]! ^= 0x40; // page data of frame 4
    wal[32 + 5 * 536 + 8]! ^= 0x01; // frame 6's salt, never looked at
    expect(validateWalChain(wal).result).toEqual(expected(wal, 512, bigEndian, commits, 3, 'checksum-mismatch'));
  });

  it('reports salt-mismatch before zero-page before checksum-mismatch for one frame', () => {
    const r = random(34);
    const list = frames(r, 512, [true, true]);
    list[1] = { ...list[1]!, pageNumber: 0, salts: [9, 9] };
    const wal = refBuildWal({ pageSize: 512, bigEndian: false, salt1: 1, salt2: 2, frames: list });
    wal[wal.length - 1]! ^= 0xff; // and a bad checksum
    expect(validateWalChain(wal).result?.stop).toEqual({ frame: 2, reason: 'salt-mismatch' });
    const zero = refBuildWal({
      pageSize: 512,
      bigEndian: false,
      salt1: 1,
      salt2: 2,
      frames: list.map(({ pageNumber, commitSize, page }) => ({ pageNumber, commitSize, page })),
    });
    zero[zero.length - 1]! ^= 0xff;
    expect(validateWalChain(zero).result?.stop).toEqual({ frame: 2, reason: 'zero-page' });
  });

  it('stops at the first frame of a stale tail left by a WAL reset', () => {
    const r = random(35);
    const commits = [true, false, true, true, true];
    const list = frames(r, 512, commits).map((f, i) => (i >= 2 ? { ...f, salts: [99, 12345] as [number, number] } : f));
    const wal = refBuildWal({ pageSize: 512, bigEndian: false, checkpointSequence: 1, salt1: 100, salt2: 777, frames: list });
    expect(validateWalChain(wal).result).toEqual(expected(wal, 512, false, commits, 2, 'salt-mismatch'));
  });

  it('gives the valid prefix of a WAL cut at every byte boundary', () => {
    const r = random(36);
    const commits = [false, true, false, true, false];
    const wal = refBuildWal({ pageSize: 512, bigEndian: true, salt1: r.u32(), salt2: r.u32(), frames: frames(r, 512, commits) });
    for (let length = 0; length <= wal.length; length++) {
      const { header, headerErrorCode, result } = validateWalChain(wal.subarray(0, length));
      if (length < 32) {
        expect(header).toBeNull();
        expect(headerErrorCode).toBe('ERR_CHECKSUM_SHORT_HEADER');
        expect(result).toBeNull();
        continue;
      }
      const whole = Math.floor((length - 32) / 536);
      const partial = (length - 32) % 536 > 0;
      expect(result, `length ${length}`).toEqual(
        expected(wal, 512, true, commits, whole, partial ? 'partial-frame' : 'end-of-file'),
      );
    }
  });

  it('gives the same result for any split of the frames into pushes', () => {
    const r = random(37);
    const commits = Array.from({ length: 12 }, (_, i) => i % 3 === 2);
    const list = frames(r, 1024, commits);
    list[9] = { ...list[9]!, pageNumber: 0 };
    const wal = refBuildWal({ pageSize: 1024, bigEndian: false, salt1: 5, salt2: 6, frames: list });
    const want = expected(wal, 1024, false, commits, 9, 'zero-page');
    for (const chunk of [1, 2, 3, 5, 8, 12]) {
      const validator = new WalChainValidator(decodeWalHeader(wal));
      const running: boolean[] = [];
      for (let first = 0; first < 12; first += chunk) {
        const last = Math.min(12, first + chunk);
        running.push(validator.push(wal.subarray(32 + first * 1048, 32 + last * 1048)));
      }
      expect(validator.finish(0), `chunks of ${chunk}`).toEqual(want);
      expect(running.indexOf(false), `chunks of ${chunk}`).toBe(Math.floor(9 / chunk));
      expect(running.slice(Math.floor(9 / chunk)).every((x) => !x)).toBe(true);
    }
  });

  it('validates WALs larger than one staging batch (64 KiB and 4 KiB pages)', () => {
    const r = random(38);
    for (const [pageSize, count, bad] of [[65536, 20, 17], [4096, 100, 93]] as const) {
      const commits = Array.from({ length: count }, (_, i) => i % 4 === 3);
      const wal = refBuildWal({ pageSize, bigEndian: false, salt1: 1, salt2: 2, frames: frames(r, pageSize, commits) });
      expect(validateWalChain(wal).result).toEqual(expected(wal, pageSize, false, commits, count, 'end-of-file'));
      wal[32 + (bad - 1) * (pageSize + 24) + 24 + pageSize - 1]! ^= 0x80; // the last byte of frame `bad`
      expect(validateWalChain(wal).result).toEqual(expected(wal, pageSize, false, commits, bad - 1, 'checksum-mismatch'));
    }
  });

  it.each(ORDERS)('walslow: a one-byte change anywhere in frame k invalidates frame k, in any frame (big-endian: %s)', (bigEndian) => {
    const r = random(39);
    const commits = [true, false, true, false, false, true];
    const list = frames(r, 512, commits);
    const wal = refBuildWal({ pageSize: 512, bigEndian, salt1: r.u32(), salt2: r.u32(), frames: list });
    for (const k of [1, 2, 4, 6]) {
      const start = 32 + (k - 1) * 536;
      for (let pos = 0; pos < 536; pos++) {
        const change = 1 + r.int(255);
        wal[start + pos]! ^= change;
        const pageNumber = new DataView(wal.buffer).getUint32(start);
        const reason: ChainStopReason =
          pos >= 8 && pos < 16 ? 'salt-mismatch' : pageNumber === 0 ? 'zero-page' : 'checksum-mismatch';
        expect(validateWalChain(wal).result, `frame ${k}, byte ${pos}`).toEqual(
          expected(wal, 512, bigEndian, commits, k - 1, reason),
        );
        wal[start + pos]! ^= change;
      }
    }
  });

  it('rejects bad use of the streaming API', () => {
    const wal = refBuildWal({ pageSize: 512, bigEndian: false, salt1: 1, salt2: 2, frames: frames(random(40), 512, [true]) });
    const header = decodeWalHeader(wal);
    const validator = new WalChainValidator(header);
    expect(() => validator.push(wal.subarray(32, 100))).toThrow(/whole frames of 536 bytes, got 68 bytes/);
    expect(() => validator.finish(536)).toThrow(/below the frame size 536, got 536/);
    expect(() => validator.finish(-1)).toThrow(RangeError);
    expect(validator.push(wal.subarray(32))).toBe(true);
    expect(validator.finish(10).stop).toEqual({ frame: 2, reason: 'partial-frame' });
    expect(() => validator.finish(0)).toThrow(/finish\(\) called twice/);
    expect(() => validator.push(wal.subarray(32))).toThrow(/push\(\) after finish\(\)/);
    expect(() => new WalChainValidator({ ...header, pageSize: 1000 })).toThrow(RangeError);
    expect(() => new WalChainValidator({ ...header, salt1: -1 })).toThrow(RangeError);
  });
});
