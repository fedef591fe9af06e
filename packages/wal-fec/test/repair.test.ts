import { readFile } from 'node:fs/promises';
import { createHashes } from '@litewal/checksum';
import { integrityCheck, makeTempDir, removeTempDir, sqliteRead } from '@litewal/sqlite-fixtures';
import { Telemetry } from '@litewal/telemetry';
import { NodeVfs } from '@litewal/vfs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { protectWal, repairWal, scanWal, type CodecName } from '../src/index.js';
import { makeFecDatabase, ROWS, transactions } from './fixtures.js';
import { flipWalByte, frameOffset } from './support/wal-bytes.js';

const vfs = new NodeVfs();
let dir: string;
beforeAll(async () => {
  dir = await makeTempDir('wal-fec-repair-');
});
afterAll(async () => {
  await removeTempDir(dir);
});

/** The database SQLite sees: every row and the final user_version, integrity ok. */
async function expectAllCommits(db: string): Promise<void> {
  expect(await sqliteRead(db, 'SELECT count(*) AS n FROM t')).toEqual([{ n: ROWS }]);
  expect(await sqliteRead(db, 'PRAGMA user_version')).toEqual([{ user_version: 9 }]);
  expect(await integrityCheck(db)).toBe('ok');
}

describe.each<[CodecName, number]>([
  ['reed-solomon', 2],
  ['raptorq', 2],
  ['reed-solomon', 3],
])('%s with R = %i on a real SQLite WAL', (codec, r) => {
  it('protects every transaction, finds exactly the damaged frames, repairs them byte for byte', async () => {
    const files = await makeFecDatabase(`${dir}/${codec}-${r}`);
    const txns = await transactions(files.wal);
    expect(txns.length).toBe(8); // CREATE, 6 inserts, user_version
    const protect = await protectWal(vfs, files.db, { codec, repairSymbols: r });
    expect(protect).toMatchObject({ groups: 8, repairSymbols: r, codec, committedFrames: 51 });
    expect((await readFile(`${files.db}-wal-fec`)).length).toBe(24 + protect.bytes);
    expect(await scanWal(vfs, files.db)).toMatchObject({ groups: 8, damagedFrames: [], repairable: true });
    expect(await protectWal(vfs, files.db, { codec, repairSymbols: r })).toMatchObject({ groups: 0, bytes: 0 });

    const original = await readFile(files.wal);
    // R pages destroyed in transaction 3 (frames 11..18), one page and one frame-header checksum in
    // transaction 5, the commit frame's commit size in transaction 6.
    const big = txns[2] as { first: number };
    const lostPages = Array.from({ length: r }, (_, i) => big.first + 1 + 2 * i);
    for (const f of lostPages) await flipWalByte(files.wal, f, 24 + 100 + f, 0x5a);
    await flipWalByte(files.wal, 28, 24 + 4000, 0x01);
    await flipWalByte(files.wal, 30, 17, 0x80);
    await flipWalByte(files.wal, 42, 7, 0x02);
    const damaged = [...lostPages, 28, 30, 42];

    // SQLite's recovery stops at the first bad frame: only transactions 1 and 2 (CREATE, 12 rows) are left.
    expect(await sqliteRead(files.db, 'SELECT count(*) AS n FROM t')).toEqual([{ n: 12 }]);
    const scan = await scanWal(vfs, files.db);
    expect(scan).toEqual({ groups: 8, staleGroups: 0, damagedFrames: damaged, repairable: true, unrepairableGroups: [], tornTail: false });

    const telemetry = new Telemetry();
    const repair = await repairWal(vfs, files.db, { telemetry });
    expect(repair).toEqual({ groups: 8, repairedFrames: damaged, unrepairableGroups: [] });
    expect(Buffer.compare(await readFile(files.wal), original)).toBe(0);
    const events = telemetry.events().filter((e) => e.kind === 'wal-fec.repair');
    expect(events.map((e) => [e.fields['firstFrame'], e.fields['frames'], e.fields['rebuiltPages'], e.fields['headersOnly']])).toEqual([
      [11, lostPages.join(','), lostPages.join(','), ''],
      [27, '28,30', '28', '30'],
      [35, '42', '', '42'],
    ]);
    expect(events[0]?.fields['codec']).toBe(codec);
    expect(events[0]?.fields['offsets']).toBe(lostPages.map((f) => frameOffset(f)).join(','));
    const hashes = await createHashes();
    expect(events[0]?.fields['rebuiltPageHashes']).toBe(
      lostPages.map((f) => Buffer.from(hashes.xxh3_128(original.subarray(frameOffset(f) + 24, frameOffset(f + 1)))).toString('hex')).join(','),
    );
    await expectAllCommits(files.db);
    expect(await scanWal(vfs, files.db)).toMatchObject({ damagedFrames: [], repairable: true });
  });
});

describe('other page sizes', () => {
  it.each([512, 65536])('%i-byte pages: RaptorQ (up to 32 KiB) and Reed–Solomon rebuild R lost pages of a group', async (pageSize) => {
    for (const codec of ['raptorq', 'reed-solomon'] as const) {
      if (codec === 'raptorq' && pageSize === 65536) {
        const files = await makeFecDatabase(`${dir}/page-${pageSize}-refused`, 12345, pageSize);
        await expect(protectWal(vfs, files.db, { codec })).rejects.toThrow(/multiple of 8 from 8 to 65528 bytes, got 65536 \(use Reed–Solomon/);
        continue;
      }
      const files = await makeFecDatabase(`${dir}/page-${pageSize}-${codec}`, 12345, pageSize);
      const txns = await transactions(files.wal);
      const big = txns.reduce((a, b) => (b.last - b.first > a.last - a.first ? b : a));
      expect(big.last - big.first).toBeGreaterThanOrEqual(2);
      await protectWal(vfs, files.db, { codec, repairSymbols: 2 });
      const original = await readFile(files.wal);
      for (const f of [big.first, big.last]) await flipWalByte(files.wal, f, 24 + pageSize - 1, 0x81, pageSize);
      expect(await scanWal(vfs, files.db)).toMatchObject({ damagedFrames: [big.first, big.last], repairable: true });
      expect(await repairWal(vfs, files.db)).toMatchObject({ repairedFrames: [big.first, big.last] });
      expect(Buffer.compare(await readFile(files.wal), original)).toBe(0);
      await expectAllCommits(files.db);
    }
  });
});

describe('damage beyond the repair capacity', () => {
  it('reports exactly the lost groups and leaves the WAL unchanged', async () => {
    const files = await makeFecDatabase(`${dir}/beyond`);
    await protectWal(vfs, files.db, { codec: 'reed-solomon', repairSymbols: 2 });
    // 3 pages of transaction 3 (R = 2) are lost; transaction 5 has a repairable page.
    for (const f of [12, 14, 16]) await flipWalByte(files.wal, f, 24 + 9);
    await flipWalByte(files.wal, 29, 24 + 9);
    // and transaction 7 (frames 43..50), after the lost group, a damaged page too
    await flipWalByte(files.wal, 45, 24 + 9);
    const before = await readFile(files.wal);
    const lost = [
      { firstFrame: 11, lastFrame: 18, damagedFrames: [12, 14, 16], intactRepairSymbols: 2, reason: 'too-many-losses' },
      { firstFrame: 27, lastFrame: 34, damagedFrames: [29], intactRepairSymbols: 2, reason: 'after-lost-group' },
      { firstFrame: 43, lastFrame: 50, damagedFrames: [45], intactRepairSymbols: 2, reason: 'after-lost-group' },
    ];
    expect(await scanWal(vfs, files.db)).toMatchObject({ damagedFrames: [12, 14, 16, 29, 45], repairable: false, unrepairableGroups: lost });
    const telemetry = new Telemetry();
    expect(await repairWal(vfs, files.db, { telemetry })).toEqual({ groups: 8, repairedFrames: [], unrepairableGroups: lost });
    expect(Buffer.compare(await readFile(files.wal), before)).toBe(0);
    expect(telemetry.events().map((e) => e.kind)).toEqual(['wal-fec.unrepairable', 'wal-fec.unrepairable', 'wal-fec.unrepairable']);
  });

  it('rebuilds a truncated WAL tail when the missing frames fit in the last groups', async () => {
    const files = await makeFecDatabase(`${dir}/truncated`);
    await protectWal(vfs, files.db, { codec: 'reed-solomon', repairSymbols: 2 });
    const original = await readFile(files.wal);
    // Cut the WAL inside frame 51 (the last transaction, one frame): it is missing.
    await (await import('node:fs/promises')).truncate(files.wal, frameOffset(51) + 100);
    expect(await scanWal(vfs, files.db)).toMatchObject({ damagedFrames: [51], repairable: true });
    expect(await repairWal(vfs, files.db)).toMatchObject({ repairedFrames: [51] });
    expect(Buffer.compare(await readFile(files.wal), original)).toBe(0);
    await expectAllCommits(files.db);
  });
});
