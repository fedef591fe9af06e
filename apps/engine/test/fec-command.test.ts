import { readFile, writeFile } from 'node:fs/promises';
import { integrityCheck, LiveSqlite3, makeTempDir, makeWalDatabase, removeTempDir, sqliteRead } from '@litewal/sqlite-fixtures';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli as run } from './support/run-cli.js';

let dir: string;
let n = 0;
beforeAll(async () => {
  dir = await makeTempDir('litewal-fec-cli-');
});
afterAll(async () => {
  await removeTempDir(dir);
});

/** A database whose WAL holds 5 transactions: CREATE (frames 1-2), 3 × 8 frames, user_version (frame 27). */
async function database(): Promise<string> {
  const files = await makeWalDatabase({
    dir,
    name: `fec-${++n}.db`,
    statements: [
      'CREATE TABLE t(id INTEGER PRIMARY KEY, v BLOB);',
      ...Array.from({ length: 3 }, () => 'BEGIN; INSERT INTO t(v) SELECT randomblob(1500) FROM generate_series(1,12); COMMIT;'),
      'PRAGMA user_version=5;',
    ],
  });
  return files.db;
}

/** XORs 0xff into one byte of frame `frame`'s page (at 24 + `at` from the frame's start). */
async function damage(db: string, frame: number, at: number): Promise<void> {
  const wal = await readFile(`${db}-wal`);
  const i = 32 + (frame - 1) * 4120 + at;
  wal[i] = (wal[i] as number) ^ 0xff;
  await writeFile(`${db}-wal`, wal);
}

describe('litewal fec', () => {
  for (const codec of ['rs', 'raptorq']) {
    it(`protect, damage R frames, scan, repair (${codec}): the WAL is byte-identical and SQLite sees every commit`, async () => {
      const db = await database();
      const original = await readFile(`${db}-wal`);
      const protect = await run(['fec', 'protect', db, '--repair-symbols', '2', '--codec', codec, '--json']);
      expect(protect.code).toBe(0);
      const summary = JSON.parse(protect.out) as Record<string, unknown>;
      expect(summary).toEqual({ groups: 5, repairSymbols: 2, bytes: (await readFile(`${db}-wal-fec`)).length - 24, codec: codec === 'rs' ? 'reed-solomon' : 'raptorq' });

      expect(JSON.parse((await run(['fec', 'scan', db, '--json'])).out)).toMatchObject({ groups: 5, damagedFrames: [], repairable: true });
      expect((await run(['fec', 'scan', db])).code).toBe(0);

      await damage(db, 4, 24 + 10);
      await damage(db, 9, 24 + 4000);
      await damage(db, 20, 24 + 7);
      const scan = await run(['fec', 'scan', db, '--json']);
      expect(scan.code).toBe(1);
      expect(JSON.parse(scan.out)).toMatchObject({ groups: 5, damagedFrames: [4, 9, 20], repairable: true, unrepairableGroups: [] });
      expect(await sqliteRead(db, 'SELECT count(*) AS n FROM t')).toEqual([{ n: 0 }]); // SQLite stops at frame 4

      const repair = await run(['fec', 'repair', db, '--json']);
      expect(repair.code).toBe(0);
      expect(JSON.parse(repair.out)).toEqual({ repairedFrames: [4, 9, 20], unrepairableGroups: [] });
      expect(Buffer.compare(await readFile(`${db}-wal`), original)).toBe(0);
      expect(await sqliteRead(db, 'SELECT count(*) AS n FROM t')).toEqual([{ n: 36 }]);
      expect(await sqliteRead(db, 'PRAGMA user_version')).toEqual([{ user_version: 5 }]);
      expect(await integrityCheck(db)).toBe('ok');
      expect(await run(['fec', 'repair', db, '--json'])).toMatchObject({ code: 0 });
    });
  }

  it('damage beyond capacity: exit 1, the lost group named, nothing written', async () => {
    const db = await database();
    expect((await run(['fec', 'protect', db, '--codec', 'rs', '--repair-symbols', '1'])).code).toBe(0);
    await damage(db, 4, 30);
    await damage(db, 6, 30);
    const before = await readFile(`${db}-wal`);
    const scan = await run(['fec', 'scan', db]);
    expect(scan.code).toBe(1);
    expect(scan.out).toMatch(/lost\s+frames 3\.\.10: damaged 4, 6, 1 intact repair symbols \(too-many-losses\)/);
    const repair = await run(['fec', 'repair', db, '--json']);
    expect(repair.code).toBe(1);
    expect(JSON.parse(repair.out)).toEqual({
      repairedFrames: [],
      unrepairableGroups: [{ firstFrame: 3, lastFrame: 10, damagedFrames: [4, 6], intactRepairSymbols: 1, reason: 'too-many-losses' }],
    });
    expect(Buffer.compare(await readFile(`${db}-wal`), before)).toBe(0);
  });

  it('repair refuses while another process has the database open (exit 1, nothing written)', async () => {
    const db = await database();
    expect((await run(['fec', 'protect', db, '--codec', 'rs'])).code).toBe(0);
    const original = await readFile(`${db}-wal`);
    await damage(db, 20, 24 + 1);
    const damaged = await readFile(`${db}-wal`);
    const live = await LiveSqlite3.open(db);
    try {
      expect(await live.query('SELECT count(*) FROM t;')).toBe('24\n'); // SQLite stops before frame 20
      const busy = await run(['fec', 'repair', db]);
      expect(busy.code).toBe(1);
      expect(busy.err).toMatch(/another process has .* open .*\nhint: close the other connections/);
      expect(Buffer.compare(await readFile(`${db}-wal`), damaged)).toBe(0);
    } finally {
      await live.close();
    }
    expect((await run(['fec', 'repair', db])).code).toBe(0);
    expect(Buffer.compare(await readFile(`${db}-wal`), original)).toBe(0);
  });

  it('bad usage and unusable input exit 2 with one line', async () => {
    const db = await database();
    expect(await run(['fec', 'protect', db, '--repair-symbols', '256'])).toMatchObject({ code: 2, err: expect.stringMatching(/--repair-symbols must be an integer from 1 to 255, got 256/) });
    expect(await run(['fec', 'protect', db, '--codec', 'lt'])).toMatchObject({ code: 2, err: expect.stringMatching(/--codec lt is not one of raptorq, rs/) });
    expect((await run(['fec', 'mend', db])).code).toBe(2);
    expect((await run(['fec', 'scan', `${db}.missing`])).code).toBe(2);
    await writeFile(`${db}-wal-fec`, await readFile(`${db}-wal`)); // a WAL where the sidecar should be
    const bad = await run(['fec', 'scan', db]);
    expect(bad.code).toBe(2);
    expect(bad.err).toMatch(/^litewal fec: not a wal-fec sidecar: magic 377f0682.*\nhint: .*move it away/);
    expect(bad.err).not.toMatch(/at .*\.ts/);
  });
});
