import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import { integrityCheck, makePersistentWalDatabase, makeTempDir, removeTempDir, sqliteRead } from '../src/index.js';
import { readBytes, scanWal, shmU32 } from './support/wal-bytes.js';

let dir: string;
beforeEach(async () => {
  dir = await makeTempDir('fixtures-d-');
});
afterEach(async () => {
  await removeTempDir(dir);
});

/** -shm offsets (native order): WalIndexHdr.mxFrame, and nBackfill of the checkpoint info. */
const SHM_MX_FRAME = 16;
const SHM_N_BACKFILL = 96;

describe('makePersistentWalDatabase (recipe D)', () => {
  it('checkpoints on close but keeps the WAL, its frames still valid', async () => {
    const files = await makePersistentWalDatabase({ dir });
    const scan = scanWal(await readBytes(files.wal));
    expect(scan).toMatchObject({ frameCount: 5, lastCommitFrame: 5, firstInvalidFrame: undefined });

    const shm = await readBytes(files.shm);
    expect(shmU32(shm, SHM_MX_FRAME)).toBe(5);
    expect(shmU32(shm, SHM_N_BACKFILL)).toBe(5);

    // The db file alone has every change.
    expect(await sqliteRead(files.db, 'SELECT count(*) AS n FROM t', { ignoreWal: true })).toEqual([{ n: 101 }]);
    expect(await sqliteRead(files.db, 'PRAGMA user_version', { ignoreWal: true })).toEqual([{ user_version: 7 }]);
    expect(await integrityCheck(files.db, { ignoreWal: true })).toBe('ok');
    expect(await integrityCheck(files.db)).toBe('ok');
  });

  it('honours the page size', async () => {
    const files = await makePersistentWalDatabase({ dir, pageSize: 1024 });
    expect(scanWal(await readBytes(files.wal)).header.pageSize).toBe(1024);
    expect(await sqliteRead(files.db, 'PRAGMA page_size', { ignoreWal: true })).toEqual([{ page_size: 1024 }]);
  });
});
