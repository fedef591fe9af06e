import { describe, expect, it } from 'vitest';
import {
  TORN_WRITE_SECTOR_SIZES,
  classifyTornWrite,
  validateWalChain,
  walFrameOffset,
  type SectorState,
} from '../src/index.js';
import { random } from './support/random.js';
import { refBuildWal } from './support/reference.js';

const PAGE = 65536;
const FRAME = PAGE + 24;
const r = random(71);
const wal = refBuildWal({
  pageSize: PAGE,
  bigEndian: false,
  salt1: 0x01020304,
  salt2: 0x05060708,
  frames: [1, 2, 3].map((n) => ({ pageNumber: n, commitSize: n === 3 ? 3 : 0, page: r.bytes(PAGE) })),
});
const OFFSET = walFrameOffset(3, PAGE); // 131152: not sector-aligned for any size
const intended = wal.subarray(OFFSET, OFFSET + FRAME);

/** Sectors of the frame-3 region for `sectorSize`: [start, end) in region bytes. */
function sectorsOf(sectorSize: number, offset = OFFSET, length = FRAME): [number, number][] {
  const out: [number, number][] = [];
  for (let s = Math.floor(offset / sectorSize); s * sectorSize < offset + length; s++) {
    out.push([Math.max(0, s * sectorSize - offset), Math.min(length, (s + 1) * sectorSize - offset)]);
  }
  return out;
}

/** The region after a crash that wrote exactly the sectors in `written`. */
function tear(sectorSize: number, written: number[], previous: Uint8Array): Uint8Array<ArrayBuffer> {
  const observed = Uint8Array.from(previous);
  sectorsOf(sectorSize).forEach(([start, end], i) => {
    if (written.includes(i)) observed.set(intended.subarray(start, end), start);
  });
  return observed;
}

/** The WAL with frame 3 replaced by `frame`. */
function walWith(frame: Uint8Array): Uint8Array<ArrayBuffer> {
  const out = Uint8Array.from(wal);
  out.set(frame, OFFSET);
  return out;
}

const states = (n: number, pick: (i: number) => SectorState) => Array.from({ length: n }, (_, i) => pick(i));

describe.each(TORN_WRITE_SECTOR_SIZES)('classifyTornWrite with %i-byte sectors', (sectorSize) => {
  const n = sectorsOf(sectorSize).length;
  const zeros = new Uint8Array(FRAME);

  it('aligns sectors to the file, not to the region', () => {
    const result = classifyTornWrite({ observed: intended, intended, fileOffset: OFFSET, sectorSize });
    expect(result.firstSector).toBe(Math.floor(OFFSET / sectorSize));
    expect(result.sectors).toHaveLength(Math.ceil((OFFSET + FRAME) / sectorSize) - Math.floor(OFFSET / sectorSize));
    expect(result).toMatchObject({ sectorSize, shape: 'complete', torn: false });
    expect(validateWalChain(walWith(intended)).result?.stop.reason).toBe('end-of-file');
  });

  it('calls an appended frame cut after its first sectors a prefix tear, with or without the intended bytes', () => {
    for (const m of new Set([1, Math.floor(n / 2), n - 1])) {
      const observed = tear(sectorSize, Array.from({ length: m }, (_, i) => i), zeros);
      const want = states(n, (i) => (i < m ? 'written' : 'unwritten'));
      expect(classifyTornWrite({ observed, intended, fileOffset: OFFSET, sectorSize })).toMatchObject({
        sectors: want,
        shape: 'prefix',
        torn: true,
      });
      expect(classifyTornWrite({ observed, fileOffset: OFFSET, sectorSize })).toMatchObject({ sectors: want, shape: 'prefix' });
      expect(validateWalChain(walWith(observed)).result).toMatchObject({
        chained: 2,
        committed: 0,
        stop: { frame: 3, reason: 'checksum-mismatch' },
      });
    }
  });

  it('calls a tear whose first sector is missing scattered (only a reordering disk does that)', () => {
    const observed = tear(sectorSize, [n - 1], zeros);
    expect(classifyTornWrite({ observed, intended, fileOffset: OFFSET, sectorSize })).toMatchObject({
      sectors: states(n, (i) => (i === n - 1 ? 'written' : 'unwritten')),
      shape: 'scattered',
      torn: true,
    });
    expect(validateWalChain(walWith(observed)).result?.stop).toEqual({ frame: 3, reason: 'salt-mismatch' });
  });

  it('calls a frame that never reached the disk none', () => {
    expect(classifyTornWrite({ observed: zeros, intended, fileOffset: OFFSET, sectorSize })).toMatchObject({
      sectors: states(n, () => 'unwritten'),
      shape: 'none',
      torn: false,
    });
  });

  it('calls a flipped bit foreign, and a fully rewritten bad frame not a tear', () => {
    const observed = Uint8Array.from(intended);
    observed[FRAME - 1]! ^= 0x04;
    expect(classifyTornWrite({ observed, intended, fileOffset: OFFSET, sectorSize })).toMatchObject({
      sectors: states(n, (i) => (i === n - 1 ? 'foreign' : 'written')),
      shape: 'foreign',
      torn: false,
    });
    // Without the intended bytes every sector differs from the old zeros: written in full, so a frame
    // that still fails its checksum is not torn at this sector size.
    expect(classifyTornWrite({ observed, fileOffset: OFFSET, sectorSize })).toMatchObject({ shape: 'complete', torn: false });
    expect(validateWalChain(walWith(observed)).result?.stop.reason).toBe('checksum-mismatch');
  });

  it('treats sectors where the old and new bytes agree as unchanged, over a reused WAL region', () => {
    const previous = Uint8Array.from(intended);
    const sectors = sectorsOf(sectorSize);
    for (const i of [0, n - 1]) {
      const [start, end] = sectors[i]!;
      previous.set(r.bytes(end - start), start);
    }
    const unchanged = (i: number) => i > 0 && i < n - 1;
    expect(classifyTornWrite({ observed: tear(sectorSize, [0], previous), intended, previous, fileOffset: OFFSET, sectorSize })).toMatchObject({
      sectors: states(n, (i) => (i === 0 ? 'written' : unchanged(i) ? 'unchanged' : 'unwritten')),
      shape: 'prefix',
    });
    expect(
      classifyTornWrite({ observed: tear(sectorSize, [n - 1], previous), intended, previous, fileOffset: OFFSET, sectorSize }),
    ).toMatchObject({
      sectors: states(n, (i) => (i === n - 1 ? 'written' : unchanged(i) ? 'unchanged' : 'unwritten')),
      shape: 'scattered',
    });
  });

  it('splits a small frame (4 KiB page) into the sectors it touches', () => {
    const offset = walFrameOffset(2, 4096);
    const length = 4096 + 24;
    const region = r.bytes(length);
    const result = classifyTornWrite({ observed: region, intended: region, fileOffset: offset, sectorSize });
    expect(result.sectors).toHaveLength(sectorsOf(sectorSize, offset, length).length);
    expect(result.shape).toBe('complete');
  });
});

describe('classifyTornWrite arguments', () => {
  it('accepts exactly the eight sector sizes', () => {
    expect(TORN_WRITE_SECTOR_SIZES).toEqual([512, 1024, 2048, 4096, 8192, 16384, 32768, 65536]);
    for (const sectorSize of [0, 256, 3000, 131072]) {
      expect(() => classifyTornWrite({ observed: intended, fileOffset: 0, sectorSize })).toThrow(
        new RegExp(`power of two from 512 to 65536, got ${sectorSize}`),
      );
    }
  });

  it('rejects images of another length and bad offsets', () => {
    expect(() => classifyTornWrite({ observed: intended, intended: intended.subarray(1), fileOffset: 0, sectorSize: 512 })).toThrow(
      /intended has 65559 bytes, observed has 65560/,
    );
    expect(() => classifyTornWrite({ observed: intended, previous: new Uint8Array(3), fileOffset: 0, sectorSize: 512 })).toThrow(
      /previous has 3 bytes/,
    );
    expect(() => classifyTornWrite({ observed: intended, fileOffset: -1, sectorSize: 512 })).toThrow(RangeError);
  });

  it('reports an empty region as complete with no sectors', () => {
    expect(classifyTornWrite({ observed: new Uint8Array(0), fileOffset: 700, sectorSize: 512 })).toEqual({
      sectorSize: 512,
      firstSector: 1,
      sectors: [],
      shape: 'complete',
      torn: false,
    });
  });
});
