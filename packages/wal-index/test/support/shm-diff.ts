import {
  WAL_INDEX_HASH_OFFSET,
  WAL_INDEX_HEADER_REGION_BYTES,
  WAL_INDEX_SEGMENT_BYTES,
} from '../../src/index.js';

/** One named field of two `-shm` images that differs. */
export interface ShmDifference {
  readonly field: string;
  readonly litewal: string;
  readonly sqlite: string;
}

/** Named fields of a 48-byte header copy: [name, offset, size]. */
const HEADER_FIELDS: ReadonlyArray<readonly [string, number, number]> = [
  ['iVersion', 0, 4],
  ['unused', 4, 4],
  ['iChange', 8, 4],
  ['isInit', 12, 1],
  ['bigEndCksum', 13, 1],
  ['szPage', 14, 2],
  ['mxFrame', 16, 4],
  ['nPage', 20, 4],
  ['aFrameCksum', 24, 8],
  ['aSalt', 32, 8],
  ['aCksum', 40, 8],
];

const CKPT_FIELDS: ReadonlyArray<readonly [string, number, number]> = [
  ['nBackfill', 96, 4],
  ...[0, 1, 2, 3, 4].map((i) => [`aReadMark[${i}]`, 100 + 4 * i, 4] as const),
  ['lock bytes', 120, 8],
  ['nBackfillAttempted', 128, 4],
  ['unused (132)', 132, 4],
];

/**
 * The fields SQLite's readers change (TESTING-WITH-SQLITE.md): iChange (and with it the header
 * checksum), the read marks and nBackfillAttempted. Callers that compare against a `-shm` that
 * readers have used report these apart from the others.
 */
export const READER_CHANGED_FIELDS: ReadonlySet<string> = new Set([
  'copy 1 iChange',
  'copy 2 iChange',
  'copy 1 aCksum',
  'copy 2 aCksum',
  'aReadMark[1]',
  'aReadMark[2]',
  'aReadMark[3]',
  'aReadMark[4]',
  'nBackfillAttempted',
]);

const hex = (bytes: Uint8Array): string => Buffer.from(bytes).toString('hex');

/**
 * Every field of two wal-index images that differs, named: the file size, each header field of
 * both copies, each checkpoint field (lock bytes included), and per segment the page-number
 * entries and hash slots that differ (counted, with the first one shown).
 */
export function diffShm(litewal: Uint8Array, sqlite: Uint8Array): ShmDifference[] {
  const out: ShmDifference[] = [];
  if (litewal.length !== sqlite.length) out.push({ field: 'file size', litewal: `${litewal.length}`, sqlite: `${sqlite.length}` });
  const fields = [
    ...HEADER_FIELDS.map(([name, at, size]) => [`copy 1 ${name}`, at, size] as const),
    ...HEADER_FIELDS.map(([name, at, size]) => [`copy 2 ${name}`, 48 + at, size] as const),
    ...CKPT_FIELDS,
  ];
  for (const [field, at, size] of fields) {
    const a = litewal.subarray(at, at + size);
    const b = sqlite.subarray(at, at + size);
    if (hex(a) !== hex(b)) out.push({ field, litewal: hex(a), sqlite: hex(b) });
  }
  const segments = Math.min(litewal.length, sqlite.length) / WAL_INDEX_SEGMENT_BYTES;
  for (let k = 0; k < segments; k++) {
    const base = k * WAL_INDEX_SEGMENT_BYTES;
    const pagesFrom = base + (k === 0 ? WAL_INDEX_HEADER_REGION_BYTES : 0);
    out.push(...diffEntries(`segment ${k} aPgno`, litewal, sqlite, pagesFrom, base + WAL_INDEX_HASH_OFFSET, 4));
    out.push(...diffEntries(`segment ${k} aHash`, litewal, sqlite, base + WAL_INDEX_HASH_OFFSET, base + WAL_INDEX_SEGMENT_BYTES, 2));
  }
  return out;
}

function diffEntries(field: string, a: Uint8Array, b: Uint8Array, from: number, to: number, size: number): ShmDifference[] {
  let count = 0;
  let first = -1;
  for (let at = from; at < to; at += size) {
    if (hex(a.subarray(at, at + size)) !== hex(b.subarray(at, at + size))) {
      if (first < 0) first = at;
      count++;
    }
  }
  if (count === 0) return [];
  const show = (x: Uint8Array): string => `${count} entries differ, first at byte ${first}: ${hex(x.subarray(first, first + size))}`;
  return [{ field, litewal: show(a), sqlite: show(b) }];
}
