import { describe, expect, it } from 'vitest';
import {
  ShortWalIndexError,
  encodeCheckpointInfo,
  findFrame,
  rebuildWalIndex,
  recoveredCheckpointInfo,
  truncateWalIndex,
} from '../src/index.js';
import { syntheticSource } from './support/synthetic-source.js';

/** The latest frame of `page` in [min, max], by brute force. */
function expected(frames: number, pageOf: (f: number) => number, page: number, min: number, max: number): number {
  for (let f = Math.min(max, frames); f >= min; f--) if (pageOf(f) === page) return f;
  return 0;
}

describe('findFrame on a wal-index image', () => {
  const frames = 10_000;
  const pageOf = (f: number): number => ((f * 7919) % 397) + 1;
  const image = rebuildWalIndex(syntheticSource(frames, pageOf));

  it('finds the latest frame of every page across three segments', () => {
    for (let page = 1; page <= 400; page++) expect(findFrame(image, page)).toBe(expected(frames, pageOf, page, 1, frames));
  });

  it('honours a reader snapshot and a lower bound', () => {
    for (const [min, max] of [
      [1, 4062],
      [4000, 4100],
      [8159, 9000],
      [9990, 10_000],
    ] as const) {
      for (let page = 1; page <= 400; page += 13) {
        expect(findFrame(image, page, { minFrame: min, maxFrame: max })).toBe(expected(frames, pageOf, page, min, max));
      }
    }
  });

  it('ignores frames the checkpoint info says are backfilled', () => {
    const copy = image.slice();
    encodeCheckpointInfo({ ...recoveredCheckpointInfo(frames), backfilled: 9000 }, copy);
    for (let page = 1; page <= 400; page += 7) expect(findFrame(copy, page)).toBe(expected(frames, pageOf, page, 9001, frames));
  });

  it('truncateWalIndex drops entries past a frame in its segment, as after a rollback', () => {
    const copy = image.slice();
    truncateWalIndex(copy, 9500);
    for (let page = 1; page <= 400; page += 3) {
      expect(findFrame(copy, page, { maxFrame: frames })).toBe(expected(frames, pageOf, page, 1, 9500));
    }
    const untouched = image.slice();
    truncateWalIndex(untouched, 0);
    expect(untouched).toEqual(image);
  });

  it('an image without the segment a snapshot needs is a typed error', () => {
    expect(() => findFrame(image.subarray(0, 65536), 1)).toThrow(ShortWalIndexError);
    expect(() => truncateWalIndex(image.subarray(0, 65536), 9000)).toThrow(ShortWalIndexError);
  });
});
