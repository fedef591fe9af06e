import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkpointDatabase } from '@litewal/checkpoint';
import {
  LiveSqlite3,
  copyDatabase,
  integrityCheck,
  makeTempDir,
  makeWalDatabase,
  openSnapshotReader,
  removeTempDir,
  runSqlite3,
  sqliteRead,
} from '@litewal/sqlite-fixtures';
import { NodeVfs } from '@litewal/vfs';
import { runCli as run } from './support/run-cli.js';
import { subdir } from './support/subdir.js';

let dir: string;
beforeAll(async () => {
  dir = await makeTempDir('litewal-checkpoint-cli-');
});
afterAll(async () => {
  await removeTempDir(dir);
});

/** SQLite's `PRAGMA wal_checkpoint(MODE)` result on `db`, as `busy|log|checkpointed`. */
async function sqliteCheckpoint(db: string, mode: string): Promise<string> {
  return (await runSqlite3(db, `PRAGMA wal_checkpoint(${mode.toUpperCase()});`, { keepWal: true })).trim();
}

async function twins(name: string): Promise<{ mine: string; theirs: string; rows: unknown }> {
  const files = await makeWalDatabase({ dir, name: `${name}.db`, pageSize: 1024 });
  const a = await subdir(dir, `${name}-litewal`);
  const b = await subdir(dir, `${name}-sqlite`);
  const rows = await sqliteRead(files.db, 'SELECT id, v FROM t ORDER BY id');
  return { mine: (await copyDatabase(files.db, a)).db, theirs: (await copyDatabase(files.db, b)).db, rows };
}

describe('litewal checkpoint', () => {
  it.each(['passive', 'full', 'restart', 'truncate'])('--mode %s gives SQLite\'s result and keeps the data', async (mode) => {
    const { mine, theirs, rows } = await twins(`mode-${mode}`);
    const { code, out, err } = await run(['checkpoint', mine, '--mode', mode, '--json']);
    expect([code, err]).toEqual([0, '']);
    const result = JSON.parse(out) as { busy: number; log: number; checkpointed: number; mode: string };
    expect(result.mode).toBe(mode);
    expect(`${result.busy}|${result.log}|${result.checkpointed}`).toBe(await sqliteCheckpoint(theirs, mode));
    expect(await integrityCheck(mine)).toBe('ok');
    expect(await sqliteRead(mine, 'SELECT id, v FROM t ORDER BY id')).toEqual(rows);
    // the database file alone (WAL ignored) holds everything once the checkpoint completed
    expect(await sqliteRead(mine, 'SELECT count(*) AS n FROM t', { ignoreWal: true })).toEqual([{ n: 101 }]);
  });

  it('reports busy exactly as SQLite when a live sqlite3 reader pins an old snapshot', async () => {
    const files = await makeWalDatabase({ dir, name: 'pinned.db', pageSize: 4096 });
    const reader = await openSnapshotReader(files.db);
    try {
      await runSqlite3(files.db, ["INSERT INTO t(v) VALUES('a');", "INSERT INTO t(v) VALUES('b');"], { keepWal: true });
      const passive = await run(['checkpoint', files.db, '--json']);
      const full = await run(['checkpoint', files.db, '--mode', 'full', '--json']);
      const triple = (o: string): string => {
        const r = JSON.parse(o) as { busy: number; log: number; checkpointed: number };
        return `${r.busy}|${r.log}|${r.checkpointed}`;
      };
      const sqliteFull = await sqliteCheckpoint(files.db, 'full');
      expect(triple(full.out)).toBe(sqliteFull);
      expect(triple(full.out)).toMatch(/^1\|/);
      expect(triple(passive.out)).toMatch(/^0\|/);
    } finally {
      await reader.release();
    }
    expect(await integrityCheck(files.db)).toBe('ok');
  });

  it('loses nothing while a live sqlite3 writer and litewal checkpoints interleave 1,000 times', async () => {
    const files = await makeWalDatabase({ dir, name: 'interleave.db', pageSize: 4096 });
    const writer = await LiveSqlite3.open(files.db);
    const vfs = new NodeVfs();
    const modes = ['passive', 'full', 'restart', 'truncate'] as const;
    try {
      for (let i = 0; i < 1000; i++) {
        await writer.query(`INSERT INTO t(v) VALUES('w${i}');`);
        const result = await checkpointDatabase(vfs, files.db, { mode: modes[i % 4]! });
        expect(result.busy === 0 || result.busy === 1).toBe(true);
      }
      expect(await writer.query('SELECT count(*) FROM t;')).toBe('1101\n');
    } finally {
      await writer.close();
    }
    expect(await integrityCheck(files.db)).toBe('ok');
    expect(await sqliteRead(files.db, "SELECT count(*) AS n FROM t WHERE v LIKE 'w%'")).toEqual([{ n: 1000 }]);
  }, 120_000);

  it('exits 2 on a bad mode or a missing database', async () => {
    expect(await run(['checkpoint', join(dir, 'nope.db')])).toMatchObject({ code: 2, err: expect.stringMatching(/does not exist/) });
    const files = await makeWalDatabase({ dir, name: 'badmode.db', pageSize: 4096 });
    expect(await run(['checkpoint', files.db, '--mode', 'sideways'])).toMatchObject({ code: 2, err: expect.stringMatching(/not one of/) });
  });
});
