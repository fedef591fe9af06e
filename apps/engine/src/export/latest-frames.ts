/** For each page a log changed, the latest frame holding it: two parallel arrays sorted by page. */
export interface LatestFrames {
  /** Page numbers, ascending. */
  readonly pages: Uint32Array;
  /** The latest frame of `pages[i]`. */
  readonly frames: Uint32Array;
}

/**
 * The latest frame of each page among frames 1..`lastFrame`, leaving out pages above `maxPage` (a
 * commit's database size: SQLite truncates them away). Uses 8 bytes per frame for a sort of
 * `page << 32 | frame` keys, then 8 bytes per distinct page.
 * @param framePages - page number of frames 1.. (index frame - 1)
 */
export function latestFrames(framePages: Uint32Array, lastFrame: number, maxPage: number): LatestFrames {
  let kept = 0;
  for (let f = 0; f < lastFrame; f++) if ((framePages[f] as number) <= maxPage) kept++;
  const keys = new BigUint64Array(kept);
  let at = 0;
  for (let f = 0; f < lastFrame; f++) {
    const page = framePages[f] as number;
    if (page <= maxPage) keys[at++] = (BigInt(page) << 32n) | BigInt(f + 1);
  }
  keys.sort();
  let distinct = 0;
  for (let i = 0; i < kept; i++) if (i + 1 === kept || keys[i]! >> 32n !== keys[i + 1]! >> 32n) distinct++;
  const pages = new Uint32Array(distinct);
  const frames = new Uint32Array(distinct);
  let d = 0;
  for (let i = 0; i < kept; i++) {
    const key = keys[i] as bigint;
    if (i + 1 === kept || key >> 32n !== keys[i + 1]! >> 32n) {
      pages[d] = Number(key >> 32n);
      frames[d++] = Number(key & 0xffffffffn);
    }
  }
  return { pages, frames };
}
