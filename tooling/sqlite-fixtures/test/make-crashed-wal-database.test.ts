import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import { integrityCheck, makeCrashedWalDatabase, makeTempDir, removeTempDir, sqliteRead } from '../src/index.js';
import { frameHeader, readBytes, scanWal } from './support/wal-bytes.js';

let dir: string;
beforeEach(async () => {
  dir = await makeTempDir('fixtures-b-');
});
afterEach(async () => {
  await removeTempDir(dir);
});

describe('makeCrashedWalDatabase (recipe B)', () => {
  it("'valid' tail: uncommitted frames after the last commit, the chain intact", async () => {
    const files = await makeCrashedWalDatabase({ dir, tail: 'valid' });
    const scan = scanWal(await readBytes(files.wal));
    expect(scan.firstInvalidFrame).toBeUndefined();
    expect(scan.lastCommitFrame).toBeGreaterThan(0);
    expect(scan.frameCount - scan.lastCommitFrame).toBeGreaterThan(250); // most of the 300 pages spilled

    expect(await sqliteRead(files.db, 'SELECT count(*) AS n FROM t')).toEqual([{ n: 100 }]);
    expect(await integrityCheck(files.db)).toBe('ok');
    expect(await integrityCheck(files.db, { engine: 'cli' })).toBe('ok');
  });

  it("'broken' tail: valid uncommitted frames, then a frame that fails, then zeroed salts", async () => {
    const files = await makeCrashedWalDatabase({ dir });
    const wal = await readBytes(files.wal);
    const scan = scanWal(wal);
    const firstInvalid = scan.firstInvalidFrame ?? Number.NaN;
    expect(firstInvalid).toBeGreaterThan(scan.lastCommitFrame + 1); // some valid uncommitted frames first
    expect(firstInvalid).toBeLessThan(scan.frameCount);
    // The failing frame still carries the right salts: it is its checksum that no longer matches.
    expect(frameHeader(wal, firstInvalid, 4096)).toMatchObject({ salt1: scan.header.salt1, salt2: scan.header.salt2 });
    const last = frameHeader(wal, scan.frameCount, 4096);
    expect(last).toMatchObject({ commitSize: 0, salt1: 0, salt2: 0 });

    expect(await sqliteRead(files.db, 'SELECT count(*) AS n FROM t', { engine: 'cli' })).toEqual([{ n: 100 }]);
    expect(await integrityCheck(files.db)).toBe('ok');
  });

  it('honours tailRows and refuses too few to spill', async () => {
    const files = await makeCrashedWalDatabase({ dir, tail: 'valid', tailRows: 40 });
    const scan = scanWal(await readBytes(files.wal));
    expect(scan.frameCount).toBeGreaterThan(scan.lastCommitFrame);
    expect(scan.frameCount - scan.lastCommitFrame).toBeLessThanOrEqual(40);
    await expect(makeCrashedWalDatabase({ dir, name: 'x.db', tailRows: 49 })).rejects.toThrow(RangeError);
  });
});
