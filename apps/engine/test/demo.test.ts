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
    // Last, a self-healing WAL: protected commits, R damaged frames of one group, scan, repair on open.
    expect(out).toMatch(/litewal: a self-healing WAL \(demo\.db-wal-fec: Reed-Solomon, R = 2\)/);
    const protectedGroups = Number(/litewal wrote\s+64 transactions with fec on: (\d+) commit groups protected in a worker thread/.exec(out)?.[1]);
    expect(protectedGroups).toBeGreaterThan(0);
    const damage = /damage\s+flipped a byte in frames (\d+), (\d+) \(2 frames of group (\d+)\.\.(\d+)\)/.exec(out);
    const [first, last] = [Number(damage?.[1]), Number(damage?.[2])];
    expect([first, last]).toEqual([Number(damage?.[3]), Number(damage?.[4])]);
    expect(out).toContain(`scan             damaged frames ${first}, ${last}: repairable`);
    const prefix = Number(/SQLite, damaged\s+reads (\d+) of 64 transactions \(its valid prefix ends before frame (\d+)\)/.exec(out)?.[1]);
    expect(prefix).toBe(first - 1); // one frame per transaction: SQLite stops at the first damaged frame
    expect(out).toContain(`repair on open   litewal rebuilt frames ${first},${last} from the sidecar`);
    const hashes = /WAL sha-256\s+([0-9a-f]{16}) before the damage, ([0-9a-f]{16}) after the repair \(identical\)/.exec(out);
    expect(hashes?.[1]).toBe(hashes?.[2]);
    expect(out).toMatch(/SQLite reads\s+64 counters fec-000001\.\.fec-000064, integrity_check ok/);
    expect(out).toMatch(/The WAL was repaired byte for byte and SQLite read every commit\./);
    expect(await sqliteRead(join(target, 'demo.db'), "SELECT count(*) AS n FROM counters WHERE v LIKE 'fec-%'")).toEqual([{ n: 64 }]);
    expect((await readdir(target)).sort()).toEqual(['demo.db']); // the last connection checkpointed and removed -wal, -shm, -wal-fec
    expect(await sqliteRead(join(target, 'demo.db'), 'PRAGMA user_version')).toEqual([{ user_version: 42 }]);
  });

  it('cleans up its temporary directory when no --dir is given', async () => {
    const mine = async (): Promise<string[]> => (await readdir(tmpdir())).filter((n) => n.startsWith('litewal-demo-') && !n.startsWith('litewal-demo-test-'));
    const before = await mine();
    expect((await run(['demo'])).code).toBe(0);
    expect(await mine()).toEqual(before);
  });
});
