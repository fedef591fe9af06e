import type { ShmLockReport } from './shm-inspection.js';

/** Bytes as a short human figure: `812 B`, `4.1 MB`, `5.4 GB` (decimal units). */
export function formatBytes(bytes: number): string {
  const units = ['B', 'kB', 'MB', 'GB', 'TB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1000 && unit < units.length - 1) {
    value /= 1000;
    unit++;
  }
  return unit === 0 ? `${bytes} B` : `${value.toFixed(1)} ${units[unit]}`;
}

/** `1 frame`, `2 frames`. */
export function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

/**
 * The holders of a held lock in words: `pid 812`, `pids 812, 813`, `this process`, `a live
 * process` (no pid named, or the locks were tested rather than read), joined by `and`.
 */
export function describeHolders(holders: ShmLockReport['holders']): string {
  if (holders === null || holders.length === 0) return 'a live process';
  const pids = holders.flatMap((h) => (h.pid === null || h.holder === 'this process' ? [] : [h.pid]));
  const own = holders.some((h) => h.holder === 'this process');
  const unnamed = holders.filter((h) => h.pid === null && h.holder === 'live process').length;
  const parts = [
    ...(pids.length === 0 ? [] : [`${pids.length === 1 ? 'pid' : 'pids'} ${pids.join(', ')}`]),
    ...(unnamed === 0 ? [] : [unnamed === 1 ? 'a live process' : `${unnamed} live processes`]),
    ...(own ? ['this process'] : []),
  ];
  return parts.join(' and ');
}
