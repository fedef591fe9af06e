import { describe, expect, it } from 'vitest';
import { backfillList } from '../src/backfill-iterator.js';
import { CheckpointCorruptError } from '../src/index.js';

/** The rule spelled out naively: each page's latest frame in the range, kept if <= safeFrame and page <= maxPage. */
function naive(framePages: readonly number[], firstFrame: number, safeFrame: number, maxPage: number): Array<[number, number]> {
  const latest = new Map<number, number>();
  framePages.forEach((page, i) => latest.set(page, firstFrame + i));
  return [...latest]
    .filter(([page, frame]) => frame <= safeFrame && page <= maxPage)
    .sort(([a], [b]) => a - b);
}

function pairs(framePages: readonly number[], firstFrame: number, safeFrame: number, maxPage: number): Array<[number, number]> {
  const list = backfillList(Uint32Array.from(framePages), firstFrame, safeFrame, maxPage);
  return [...list.pages].map((page, i) => [page, list.frames[i] as number]);
}

describe('backfillList (SQLite\'s checkpoint iterator and skip rule)', () => {
  it('keeps the latest frame of each page, in ascending page order', () => {
    // frames 11..18
    expect(pairs([5, 3, 5, 9, 1, 3, 7, 2], 11, 18, 100)).toEqual([[1, 15], [2, 18], [3, 16], [5, 13], [7, 17], [9, 14]]);
  });

  it('skips a page whose latest frame is past the safe frame, even when an older frame is not', () => {
    expect(pairs([5, 3, 5, 9], 1, 2, 100)).toEqual([[3, 2]]);
  });

  it('skips pages past nPage', () => {
    expect(pairs([4, 8, 2, 9], 1, 4, 8)).toEqual([[2, 3], [4, 1], [8, 2]]);
  });

  it('handles no frames, and rejects page number 0 as corruption', () => {
    expect(pairs([], 1, 0, 10)).toEqual([]);
    expect(() => backfillList(Uint32Array.from([3, 0]), 7, 8, 10)).toThrow(CheckpointCorruptError);
    expect(() => backfillList(Uint32Array.from([3, 0]), 7, 8, 10)).toThrow(/frame 8 page number 0/);
  });

  it('agrees with the naive rule on random logs, page numbers across the whole u32 range included', () => {
    let seed = 7;
    const random = (n: number): number => {
      seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
      return Math.floor((seed / 2 ** 32) * n);
    };
    for (const range of [50, 70_000, 2 ** 32 - 2]) {
      for (let round = 0; round < 20; round++) {
        const count = random(3000);
        const framePages = Array.from({ length: count }, () => 1 + random(range));
        const first = 1 + random(10_000);
        const safe = first - 1 + random(count + 1);
        const maxPage = 1 + random(range);
        expect(pairs(framePages, first, safe, maxPage)).toEqual(naive(framePages, first, safe, maxPage));
      }
    }
  });
});
