import { readdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTempDir, removeTempDir, sqliteRead } from '@litewal/sqlite-fixtures';
import { runCli as run } from './support/run-cli.js';

let dir: string;
beforeAll(async () => {
  dir = await makeTempDir('litewal-demo-test-');
});
afterAll(async () => {
  await removeTempDir(dir);
});

describe('litewal demo', () => {
  it('shows SQLite reading a commit litewal appended to a real SQLite WAL', async () => {
    const target = join(dir, 'kept');
    const { code, out, err } = await run(['demo', '--dir', target]);
    expect(err).toBe('');
    expect(code).toBe(0);
    expect(out).toMatch(/SQLite accepted the frame litewal wrote/);
    expect(out).toMatch(/SQLite reads\s+user_version 42, 1000 rows, integrity_check ok/);
    // Then litewal commits 200 concurrent transactions, checkpoints, and SQLite reads them.
    expect(out).toMatch(/litewal wrote\s+200 transactions, 64 at a time/);
    const groups = Number(/commit groups\s+(\d+) \(([\d.]+) transactions per group\)/.exec(out)?.[1]);
    expect(groups).toBeGreaterThan(0);
    expect(groups).toBeLessThanOrEqual(200);
    const fsyncs = /fsyncs\s+(\d+) \(fsync reduction ratio ([\d.]+): transactions per fsync\)/.exec(out);
    expect(Number(fsyncs?.[1])).toBeGreaterThan(0);
    expect(Number(fsyncs?.[2])).toBeCloseTo(200 / Number(fsyncs?.[1]), 1);
    expect(out).toMatch(/commit latency\s+p50 [\d.]+ ms, p99 [\d.]+ ms/);
    expect(out).toMatch(/checkpoint\s+TRUNCATE: 0\|0\|0/);
    expect(out).toMatch(/SQLite reads\s+64 counters txn-000137\.\.txn-000200, 1000 orders rows, integrity_check ok/);
    expect(out).toMatch(/SQLite read all 200 transactions litewal committed/);
    expect(await sqliteRead(join(target, 'demo.db'), "SELECT count(*) AS n FROM counters WHERE v >= 'txn-000137'")).toEqual([{ n: 64 }]);
    expect((await readdir(target)).sort()).toEqual(['demo.db', 'demo.db-shm', 'demo.db-wal']);
    expect(await sqliteRead(join(target, 'demo.db'), 'PRAGMA user_version')).toEqual([{ user_version: 42 }]);
  });

  it('cleans up its temporary directory when no --dir is given', async () => {
    const mine = async (): Promise<string[]> => (await readdir(tmpdir())).filter((n) => n.startsWith('litewal-demo-') && !n.startsWith('litewal-demo-test-'));
    const before = await mine();
    expect((await run(['demo'])).code).toBe(0);
    expect(await mine()).toEqual(before);
  });
});
