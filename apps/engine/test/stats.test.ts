import { readFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LiveSqlite3, makeTempDir, makeWalDatabase, removeTempDir } from '@litewal/sqlite-fixtures';
import { runCli as run } from './support/run-cli.js';

let dir: string;
beforeAll(async () => {
  dir = await makeTempDir('litewal-stats-');
});
afterAll(async () => {
  await removeTempDir(dir);
});

describe('litewal stats', () => {
  it('reports the WAL and the wal-index of a database a sqlite3 reader holds open, without changing them', async () => {
    const files = await makeWalDatabase({ dir, name: 's.db', pageSize: 4096 });
    const live = await LiveSqlite3.open(files.db);
    try {
      await live.query('BEGIN; SELECT count(*) FROM t;');
      const shmBefore = await readFile(files.shm);
      const walBefore = await readFile(files.wal);
      const { code, out } = await run(['stats', files.db, '--json']);
      expect(code).toBe(0);
      const stats = JSON.parse(out);
      const view = new DataView(shmBefore.buffer, shmBefore.byteOffset);
      expect(stats.wal).toMatchObject({ path: files.wal, bytes: walBefore.length, pageSize: 4096, frames: 5, committed: 5, groups: 4, uncommitted: 0 });
      expect(stats.index).toMatchObject({
        path: files.shm,
        headerProblem: null,
        mxFrame: view.getUint32(16, true),
        nPage: view.getUint32(20, true),
        backfilled: view.getUint32(96, true),
      });
      expect(stats.index.readMarks[1]).toBe(5); // the open reader's snapshot
      expect(stats.pendingFrames).toBe(5 - stats.index.backfilled);
      expect((await readFile(files.shm)).equals(shmBefore)).toBe(true);
      expect((await readFile(files.wal)).equals(walBefore)).toBe(true);
    } finally {
      await live.close();
    }
  });

  it('prints Prometheus text and a human summary', async () => {
    const files = await makeWalDatabase({ dir, name: 'p.db', pageSize: 4096 });
    const prom = await run(['stats', files.db, '--prometheus']);
    expect(prom.code).toBe(0);
    expect(prom.out).toMatch(/^# TYPE litewal_wal_frames_committed gauge$/m);
    expect(prom.out).toMatch(new RegExp(`^litewal_wal_frames_committed\\{wal="${files.wal.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}"\\} 5$`, 'm'));
    const human = await run(['stats', files.db]);
    expect(human.out).toMatch(/frames\s+5 valid, 5 committed in 4 groups, 0 uncommitted/);
    expect((await run(['stats', files.db, '--json', '--prometheus'])).code).toBe(2);
  });
});
