import { readFile, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { createHashes, writePageTrailer } from '@litewal/checksum';
import { integrityCheck, makeTempDir, makeWalDatabase, removeTempDir, runSqlite3 } from '@litewal/sqlite-fixtures';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import {
  bytesPageSource,
  checkIntegrity,
  isIntegrityOk,
  mergeIntegrityReports,
  NotADatabaseError,
  openDatabaseSource,
  verifyDatabaseFile,
  type IntegrityReport,
} from '../src/index.js';
import { layoutOf } from './support/layout.js';

let dir = '';
let healthy = new Uint8Array();

beforeAll(async () => {
  dir = await makeTempDir('litewal-integrity-hostile-');
  const file = path.join(dir, 'healthy.db');
  await runSqlite3(file, [
    'PRAGMA page_size=1024;',
    'CREATE TABLE t(id INTEGER PRIMARY KEY, v);',
    "WITH RECURSIVE s(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM s WHERE i < 1000) INSERT INTO t(v) SELECT printf('%.*c', 30 + (i % 7) * 400, 'x') FROM s;",
    'DELETE FROM t WHERE id % 5 = 0;',
  ]);
  healthy = new Uint8Array(await readFile(file));
});

afterAll(async () => {
  if (dir !== '') await removeTempDir(dir);
});

const u32At = (b: Uint8Array, at: number): number => new DataView(b.buffer, b.byteOffset).getUint32(at);
const setU32 = (b: Uint8Array, at: number, v: number): void => new DataView(b.buffer, b.byteOffset).setUint32(at, v);
const codes = (r: IntegrityReport): string[] => r.issues.map((i) => i.code);
const check = (bytes: Uint8Array, level: 1 | 2 | 3 | 4 | 5 = 5): Promise<IntegrityReport> => checkIntegrity(bytesPageSource(bytes), { level });

describe('hostile input ends quickly with typed issues', () => {
  test('the healthy fixture is ok at every level', async () => {
    for (const level of [1, 2, 3, 4, 5] as const) {
      const report = await check(healthy, level);
      expect(report).toMatchObject({ level, pages: healthy.length / 1024, issues: [] });
    }
  });

  test('a child pointer to its own page (a cycle) is a second reference', async () => {
    const bytes = Uint8Array.from(healthy);
    const layout = layoutOf(bytes);
    const right = layout.childPointers[0];
    if (right === undefined) throw new Error('fixture has no interior page');
    const page = Math.floor(right.offset / 1024) + 1;
    setU32(bytes, right.offset, page);
    const report = await check(bytes);
    expect(isIntegrityOk(report)).toBe(false);
    expect(codes(report)).toContain('page-reused');
    expect(report.issues.find((i) => i.code === 'page-reused')?.message).toContain(`page ${page} is referenced a second time`);
  });

  test('an absurd cell count is reported against its limit, not walked', async () => {
    const bytes = Uint8Array.from(healthy);
    const leaf = layoutOf(bytes).pageHeaders.find((h) => bytes[h.offset] === 0x0d && h.offset > 1024);
    if (leaf === undefined) throw new Error('fixture has no leaf page');
    bytes[leaf.offset + 3] = 0xff;
    bytes[leaf.offset + 4] = 0xff;
    const report = await check(bytes);
    const issue = report.issues.find((i) => i.code === 'page-cell-count');
    expect(issue).toMatchObject({ level: 1, page: leaf.offset / 1024 + 1 });
    expect(issue?.message).toContain('65535 cells, at most 169 fit');
  });

  test('a freelist trunk that points to itself with a huge count ends at the repeat', async () => {
    const bytes = Uint8Array.from(healthy);
    const trunk = u32At(bytes, 32);
    expect(trunk).toBeGreaterThan(0);
    setU32(bytes, (trunk - 1) * 1024, trunk);
    setU32(bytes, 36, 0xffffffff);
    const report = await check(bytes);
    expect(codes(report)).toEqual(expect.arrayContaining(['header-freelist-count', 'freelist-page-reused']));
    expect(await integrityCheck(await writeCase(bytes))).not.toBe('ok');
  });

  test('an overflow chain that loops back is caught at the repeated page', async () => {
    const bytes = Uint8Array.from(healthy);
    const links = layoutOf(bytes).overflowLinks;
    const inCell = links[0];
    if (inCell === undefined) throw new Error('fixture has no overflow chain');
    const first = u32At(bytes, inCell.offset);
    setU32(bytes, (first - 1) * 1024, first);
    const report = await check(bytes);
    expect(report.issues.find((i) => i.code === 'overflow-page-reused')).toMatchObject({ level: 3, page: first });
    expect(isIntegrityOk(await check(bytes, 2))).toBe(true);
  });

  test('levels are cumulative: a wrong freelist size is found at level 4, not below', async () => {
    const bytes = Uint8Array.from(healthy);
    setU32(bytes, 36, u32At(bytes, 36) + 1);
    for (const level of [1, 2, 3] as const) expect(isIntegrityOk(await check(bytes, level))).toBe(true);
    const report = await check(bytes, 4);
    expect(report.issues).toEqual([
      { level: 4, page: u32At(bytes, 32), code: 'freelist-size', severity: 'error', message: expect.stringMatching(/^the freelist holds \d+ pages, the header says \d+$/) },
    ]);
  });

  test('a header size beyond the file, a short file and a wrong magic', async () => {
    const bytes = Uint8Array.from(healthy);
    setU32(bytes, 28, u32At(bytes, 28) + 10);
    const report = await check(bytes);
    expect(report.issues[0]?.code).toBe('header-db-size');
    expect(report.issues[0]?.message).toBe(`the header says ${u32At(bytes, 28)} pages, the file holds ${healthy.length / 1024}`);
    await expect(check(healthy.subarray(0, 60))).rejects.toThrow(NotADatabaseError);
    const wrong = Uint8Array.from(healthy);
    wrong[3] = 0x21;
    await expect(check(wrong)).rejects.toMatchObject({ code: 'ERR_INTEGRITY_NOT_A_DATABASE' });
  });

  test('pages of 0xff bytes everywhere but page 1 give issues, not a crash', async () => {
    const bytes = Uint8Array.from(healthy);
    bytes.fill(0xff, 1024);
    const report = await check(bytes);
    expect(isIntegrityOk(report)).toBe(false);
    expect(report.issues.length).toBeGreaterThan(0);
    expect(report.issues.every((i) => i.message.length > 0)).toBe(true);
  });

  test('a chain of interior pages without cells: an issue on each, and the walk stops at 20 levels', async () => {
    const file = path.join(dir, 'deep-seed.db');
    await runSqlite3(file, ['PRAGMA page_size=1024;', 'CREATE TABLE t(x);']);
    const seed = new Uint8Array(await readFile(file));
    expect(seed.length).toBe(2048);
    for (const levels of [3, 30]) {
      // Table t's root (page 2) becomes a chain of interior pages with no cells, each the parent of
      // the next, ending in an empty leaf: SQLite's scan cannot descend through such pages.
      const bytes = new Uint8Array(1024 * (levels + 1));
      bytes.set(seed.subarray(0, 1024));
      setU32(bytes, 28, levels + 1);
      for (let level = 1; level <= levels; level++) {
        const at = level * 1024;
        const leaf = level === levels;
        bytes[at] = leaf ? 0x0d : 0x05;
        bytes[at + 5] = 0x04; // cell content area starts at 1024: the page is empty
        if (!leaf) setU32(bytes, at + 8, level + 2);
      }
      expect(await integrityCheck(await writeCase(bytes))).not.toBe('ok');
      const report = await check(bytes);
      expect(report.issues.filter((i) => i.code === 'btree-no-cells').map((i) => i.page)).toEqual(
        Array.from({ length: Math.min(levels - 1, 20) }, (_, k) => k + 2),
      );
      if (levels === 30) {
        expect(report.issues).toContainEqual({ level: 2, page: 22, code: 'btree-depth', severity: 'error', message: 'page 22 is at level 21 of its b-tree, SQLite reads at most 20 levels' });
        expect(codes(report)).toContain('page-never-used');
      }
    }
  });

  test('an empty file is an empty database, as SQLite sees it', async () => {
    expect(await check(new Uint8Array(0))).toEqual({ level: 5, pages: 0, issues: [] });
  });
});

async function writeCase(bytes: Uint8Array): Promise<string> {
  const file = path.join(dir, 'case.db');
  await writeFile(file, bytes);
  return file;
}

describe('sources', () => {
  test('a database with a WAL is checked as the snapshot of its committed frames, without creating -shm', async () => {
    const sub = path.join(dir, 'wal');
    await (await import('node:fs/promises')).mkdir(sub);
    const files = await makeWalDatabase({ dir: sub });
    await rm(files.shm, { force: true });
    const report = await verifyDatabaseFile(files.db);
    expect(report.issues).toEqual([]);
    expect(report.pages).toBeGreaterThan(0);
    const walOnly = await verifyDatabaseFile(files.db, { wal: 'ignore' });
    expect(walOnly.pages).toBeLessThan(report.pages);
    await expect(stat(files.shm)).rejects.toMatchObject({ code: 'ENOENT' });
  });

  test('features whose order or content level 5 does not evaluate are ok, with warnings, where SQLite says ok', async () => {
    const file = path.join(dir, 'features.db');
    await runSqlite3(file, [
      'CREATE TABLE d(a, b, PRIMARY KEY(a DESC)) WITHOUT ROWID;',
      'CREATE TABLE e(x INTEGER CHECK (x >= 0), y TEXT);',
      'CREATE INDEX e_lower ON e(lower(y));',
      'CREATE INDEX e_part ON e(x) WHERE x > 10;',
      "WITH RECURSIVE s(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM s WHERE i < 300) INSERT INTO d SELECT i, 'b' || i FROM s;",
      "WITH RECURSIVE s(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM s WHERE i < 300) INSERT INTO e SELECT i, 'Y' || i FROM s;",
    ]);
    expect(await integrityCheck(file)).toBe('ok');
    const report = await verifyDatabaseFile(file);
    expect(isIntegrityOk(report)).toBe(true);
    expect(report.issues.map((i) => [i.code, i.severity])).toEqual([
      ['record-not-checked', 'warning'],
      ['index-not-compared', 'warning'],
      ['index-not-compared', 'warning'],
    ]);
  });

  test('a WAL frame that fails its checksum is ignored, as SQLite ignores it', async () => {
    const sub = path.join(dir, 'wal-bad');
    await (await import('node:fs/promises')).mkdir(sub);
    const files = await makeWalDatabase({ dir: sub, pageSize: 4096 });
    const wal = new Uint8Array(await readFile(files.wal));
    const frames = (wal.length - 32) / (24 + 4096);
    expect(frames).toBe(5);
    const lastPage = 32 + (frames - 1) * (24 + 4096) + 24;
    wal[lastPage + 200] = (wal[lastPage + 200] as number) ^ 0x40;
    await writeFile(files.wal, wal);
    expect(await integrityCheck(files.db)).toBe('ok');
    const source = await openDatabaseSource(files.db);
    try {
      expect(source.walFrames).toBe(frames - 1);
      expect(isIntegrityOk(await checkIntegrity(source))).toBe(true);
    } finally {
      await source.close();
    }
  });

  test('page trailers: verified when asked, a changed byte is caught', async () => {
    const file = path.join(dir, 'trailer.db');
    await runSqlite3(file, ['.filectrl reserve_bytes 16', 'CREATE TABLE t(a);', "INSERT INTO t VALUES ('hello');"]);
    const bytes = new Uint8Array(await readFile(file));
    const hashes = await createHashes();
    const pageSize = new DataView(bytes.buffer).getUint16(16);
    for (let at = 0; at < bytes.length; at += pageSize) writePageTrailer(bytes.subarray(at, at + pageSize), 16, hashes);
    const source = bytesPageSource(bytes);
    expect((await checkIntegrity(source, { verifyTrailers: true })).issues).toEqual([]);
    bytes[pageSize + 100] = (bytes[pageSize + 100] as number) ^ 1;
    const report = await checkIntegrity(source, { verifyTrailers: true, level: 1 });
    expect(report.issues).toEqual([
      { level: 1, page: 2, code: 'page-trailer', severity: 'error', message: "page 2: the XXH3-128 trailer does not match the page's bytes" },
    ]);
    const noReserve = await checkIntegrity(bytesPageSource(healthy), { verifyTrailers: true, level: 1 });
    expect(noReserve.issues.map((i) => [i.code, i.severity])).toEqual([['page-trailer', 'warning']]);
  });

  test('progress is reported every 1024 pages, up to the page count', async () => {
    const calls: [number, number][] = [];
    const pages = healthy.length / 1024;
    await checkIntegrity(bytesPageSource(healthy), { onProgress: (done, total) => calls.push([done, total]) });
    expect(pages).toBeGreaterThan(1024);
    expect(calls).toEqual(Array.from({ length: Math.floor(pages / 1024) }, (_, k) => [(k + 1) * 1024, pages]));
  });

  test('merging reports keeps every issue, the highest level and the most pages', () => {
    const a: IntegrityReport = { level: 2, pages: 10, issues: [{ level: 1, page: 1, code: 'page-type', severity: 'error', message: 'a' }] };
    const b: IntegrityReport = { level: 5, pages: 12, issues: [{ level: 5, page: 3, code: 'pk-order', severity: 'error', message: 'b' }] };
    expect(mergeIntegrityReports([a, b])).toEqual({ level: 5, pages: 12, issues: [...a.issues, ...b.issues] });
    expect(mergeIntegrityReports([])).toEqual({ level: 1, pages: 0, issues: [] });
  });
});
