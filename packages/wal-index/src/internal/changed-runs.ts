/** The maximal runs `[start, end)` of byte positions from `from` on where `before` and `after` differ. */
export function changedRuns(before: Uint8Array, after: Uint8Array, from: number): Array<readonly [number, number]> {
  const runs: Array<readonly [number, number]> = [];
  let i = from;
  while (i < after.length) {
    if (before[i] === after[i]) {
      i++;
      continue;
    }
    const start = i;
    while (i < after.length && before[i] !== after[i]) i++;
    runs.push([start, i]);
  }
  return runs;
}
