import { stat } from 'node:fs/promises';

import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import { integrityCheck, makeResetWalDatabase, makeTempDir, makeWalDatabase, removeTempDir, sqliteRead } from '../src/index.js';
import { frameHeader, readBytes, scanWal } from './support/wal-bytes.js';

let dir: string;
beforeEach(async () => {
  dir = await makeTempDir('fixtures-c-');
});
afterEach(async () => {
  await removeTempDir(dir);
});

describe('makeResetWalDatabase (recipe C)', () => {
  it('restarts the WAL: sequence + 1, salt-1 + 1, new salt-2, frame 1 new, the stale tail kept', async () => {
    // The same seed and statements, without the reset: the WAL as it was just before it.
    const before = await makeWalDatabase({ dir, name: 'before.db' });
    const reset = await makeResetWalDatabase({ dir, name: 'reset.db' });
    const old = scanWal(await readBytes(before.wal)).header;
    const wal = await readBytes(reset.wal);
    const scan = scanWal(wal);

    expect(scan.header.sequence).toBe(old.sequence + 1);
    expect(scan.header.salt1).toBe((old.salt1 + 1) >>> 0);
    expect(scan.header.salt2).not.toBe(old.salt2);
    expect((await stat(reset.wal)).size).toBe((await stat(before.wal)).size); // not shrunk

    expect(frameHeader(wal, 1, 4096)).toMatchObject({ salt1: scan.header.salt1, salt2: scan.header.salt2 });
    expect(scan).toMatchObject({ frameCount: 5, lastCommitFrame: 1, firstInvalidFrame: 2 });
    for (let frame = 2; frame <= scan.frameCount; frame++) {
      expect(frameHeader(wal, frame, 4096)).toMatchObject({ salt1: old.salt1, salt2: old.salt2 });
    }

    expect(await sqliteRead(reset.db, 'SELECT count(*) AS n FROM t')).toEqual([{ n: 102 }]);
    expect(await sqliteRead(reset.db, 'SELECT count(*) AS n FROM t', { ignoreWal: true })).toEqual([{ n: 101 }]);
    expect(await integrityCheck(reset.db)).toBe('ok');
  });

  it('runs caller statements after the reset', async () => {
    const files = await makeResetWalDatabase({ dir, afterReset: ['PRAGMA user_version=9;'] });
    expect(await sqliteRead(files.db, 'PRAGMA user_version', { engine: 'cli' })).toEqual([{ user_version: 9 }]);
    expect(scanWal(await readBytes(files.wal)).lastCommitFrame).toBe(1);
  });
});
