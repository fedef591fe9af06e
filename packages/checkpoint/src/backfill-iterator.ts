import { CheckpointCorruptError } from './errors.js';

/**
 * What a checkpoint copies: for each page, in ascending page order, the frame holding its latest
 * version (element `i` of `frames` goes with element `i` of `pages`).
 * @internal
 */
export interface BackfillList {
  /** Database page numbers, ascending. */
  readonly pages: Uint32Array;
  /** The WAL frame to copy to each page. */
  readonly frames: Uint32Array;
}

const DIGIT_BITS = 16;
const DIGIT_MASK = (1 << DIGIT_BITS) - 1;

/**
 * SQLite's checkpoint iterator (walIteratorInit + walIteratorNext) and the skip rule of its copy
 * loop: `framePages[i]` is the page of frame `firstFrame + i`, for every frame from nBackfill + 1
 * to mxFrame. Each page's latest frame in that range is kept if it is at most `safeFrame` and the
 * page at most `maxPage` (nPage); a page whose latest frame is past `safeFrame` is skipped
 * entirely, as SQLite skips it: a reader may still need its older version from the database.
 *
 * @remarks A stable LSD radix sort of the frames by page (two 16-bit digits, one when every page
 * is below 65536): linear time, 2 x 4 bytes per frame of memory.
 * @throws {@link CheckpointCorruptError} when a frame's page number is 0.
 * @internal
 */
export function backfillList(framePages: Uint32Array, firstFrame: number, safeFrame: number, maxPage: number): BackfillList {
  const order = sortByPage(framePages, firstFrame);
  const pages = new Uint32Array(order.length);
  const frames = new Uint32Array(order.length);
  let kept = 0;
  for (let k = 0; k < order.length; k++) {
    const index = order[k] as number;
    const page = framePages[index] as number;
    if (k + 1 < order.length && framePages[order[k + 1] as number] === page) continue; // a later frame of the page follows
    const frame = firstFrame + index;
    if (frame > safeFrame || page > maxPage) continue;
    pages[kept] = page;
    frames[kept] = frame;
    kept++;
  }
  return { pages: pages.subarray(0, kept), frames: frames.subarray(0, kept) };
}

/** Indexes of `framePages` ordered by page, equal pages in frame order. */
function sortByPage(framePages: Uint32Array, firstFrame: number): Uint32Array {
  const n = framePages.length;
  let largest = 0;
  for (let i = 0; i < n; i++) {
    const page = framePages[i] as number;
    if (page === 0) throw new CheckpointCorruptError(`the wal-index gives frame ${firstFrame + i} page number 0`);
    if (page > largest) largest = page;
  }
  let from = new Uint32Array(n);
  for (let i = 0; i < n; i++) from[i] = i;
  let to = new Uint32Array(n);
  const starts = new Uint32Array(DIGIT_MASK + 2);
  for (let shift = 0; shift < 32 && largest >>> shift !== 0; shift += DIGIT_BITS) {
    starts.fill(0);
    for (let i = 0; i < n; i++) {
      const bucket = (((framePages[from[i] as number] as number) >>> shift) & DIGIT_MASK) + 1;
      starts[bucket] = (starts[bucket] as number) + 1;
    }
    for (let d = 1; d < starts.length; d++) starts[d] = (starts[d] as number) + (starts[d - 1] as number);
    for (let i = 0; i < n; i++) {
      const index = from[i] as number;
      const digit = ((framePages[index] as number) >>> shift) & DIGIT_MASK;
      const at = starts[digit] as number;
      to[at] = index;
      starts[digit] = at + 1;
    }
    [from, to] = [to, from];
  }
  return from;
}
