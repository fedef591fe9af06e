import { copyFile, readFile, truncate, writeFile } from 'node:fs/promises';
import { createHashes } from '@litewal/checksum';
import { integrityCheck, makeTempDir, mulberry32, removeTempDir, runSqlite3, sqliteRead, type DatabaseFiles } from '@litewal/sqlite-fixtures';
import { NodeVfs } from '@litewal/vfs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NotAWalError, protectWal, readSidecar, repairWal, scanWal, SidecarChecksumError, SidecarLimitError, SidecarMagicError, WalFecError } from '../src/index.js';
import { makeFecDatabase, ROWS, transactions } from './fixtures.js';
import { flipWalByte, frameOffset, xorByte } from './support/wal-bytes.js';

const vfs = new NodeVfs();
let dir: string;
let n = 0;
beforeAll(async () => {
  dir = await makeTempDir('wal-fec-sidecar-');
});
afterAll(async () => {
  await removeTempDir(dir);
});

/** A fresh protected database (Reed–Solomon, R = 2) and its sidecar's bytes. */
async function protectedDb(seed = 12345): Promise<{ files: DatabaseFiles; sidecar: string; bytes: Buffer }> {
  const files = await makeFecDatabase(`${dir}/${++n}`, seed);
  await protectWal(vfs, files.db, { codec: 'reed-solomon', repairSymbols: 2 });
  const sidecar = `${files.db}-wal-fec`;
  return { files, sidecar, bytes: await readFile(sidecar) };
}

async function caught(p: Promise<unknown>): Promise<unknown> {
  try {
    await p;
  } catch (error) {
    return error;
  }
  throw new Error('expected a rejection');
}

describe('torn tail', () => {
  it('ignores a torn last record on scan and overwrites it on the next append', async () => {
    const { files, sidecar, bytes } = await protectedDb();
    const hashes = await createHashes();
    const groups = (await readSidecar(vfs, sidecar, hashes)).groups;
    const last = groups.at(-1)?.offset as number;
    for (const cut of [bytes.length - 1, last + 2, last + 50, last + 4200]) {
      await writeFile(sidecar, bytes.subarray(0, cut));
      expect(await scanWal(vfs, files.db)).toMatchObject({ groups: 7, damagedFrames: [], tornTail: true });
      expect(await protectWal(vfs, files.db, { codec: 'reed-solomon', repairSymbols: 2 })).toMatchObject({ groups: 1 });
      expect(Buffer.compare(await readFile(sidecar), bytes)).toBe(0);
    }
    // A crashed append that left zero-filled bytes is a torn tail too.
    await writeFile(sidecar, Buffer.concat([bytes, Buffer.alloc(4096)]));
    expect(await scanWal(vfs, files.db)).toMatchObject({ groups: 8, tornTail: true });
    expect(await protectWal(vfs, files.db, { codec: 'reed-solomon', repairSymbols: 2 })).toMatchObject({ groups: 0 });
    expect(Buffer.compare(await readFile(sidecar), bytes)).toBe(0);
    // A torn header: the next protect starts the sidecar again.
    await writeFile(sidecar, bytes.subarray(0, 10));
    expect(await scanWal(vfs, files.db)).toMatchObject({ groups: 0, tornTail: true });
    expect(await protectWal(vfs, files.db, { codec: 'reed-solomon', repairSymbols: 2 })).toMatchObject({ groups: 8 });
    expect(Buffer.compare(await readFile(sidecar), bytes)).toBe(0);
  });
});

describe('flipped bits in the sidecar', () => {
  it('a flipped bit in a record before the last is a checksum error naming the record', async () => {
    const { files, sidecar, bytes } = await protectedDb();
    const damaged = Buffer.from(bytes);
    xorByte(damaged, 24 + 4 + 20, 0x10); // first record's last-frame field
    await writeFile(sidecar, damaged);
    const error = await caught(scanWal(vfs, files.db));
    expect(error).toBeInstanceOf(SidecarChecksumError);
    expect(error).toMatchObject({ code: 'ERR_WAL_FEC_CHECKSUM', offset: 24 });
    xorByte(damaged, 24 + 4 + 20, 0x10);
    xorByte(damaged, 24 + 40, 0x01); // a page hash of the first record
    await writeFile(sidecar, damaged);
    expect(await caught(repairWal(vfs, files.db))).toMatchObject({ name: 'SidecarChecksumError', code: 'ERR_WAL_FEC_CHECKSUM' });
  });

  it('a flipped bit in a repair symbol costs that symbol only', async () => {
    const { files, sidecar, bytes } = await protectedDb();
    const group = (await readSidecar(vfs, sidecar, await createHashes())).groups[1]; // frames 3..10
    const damaged = Buffer.from(bytes);
    xorByte(damaged, (group?.symbolsAt as number) + 77, 0x04); // repair symbol 0
    await writeFile(sidecar, damaged);
    const original = await readFile(files.wal);
    await flipWalByte(files.wal, 5, 24 + 300);
    expect(await repairWal(vfs, files.db)).toMatchObject({ repairedFrames: [5] });
    expect(Buffer.compare(await readFile(files.wal), original)).toBe(0);
    await flipWalByte(files.wal, 5, 24 + 300);
    await flipWalByte(files.wal, 7, 24 + 300);
    expect(await repairWal(vfs, files.db)).toMatchObject({
      repairedFrames: [],
      unrepairableGroups: [{ firstFrame: 3, lastFrame: 10, damagedFrames: [5, 7], intactRepairSymbols: 1, reason: 'too-many-losses' }],
    });
  });
});

describe('typed errors', () => {
  it('a WAL opened as a sidecar and a sidecar opened as a WAL', async () => {
    const { files, sidecar, bytes } = await protectedDb();
    await copyFile(files.wal, sidecar);
    const asSidecar = await caught(scanWal(vfs, files.db));
    expect(asSidecar).toBeInstanceOf(SidecarMagicError);
    expect(asSidecar).toMatchObject({ code: 'ERR_WAL_FEC_BAD_MAGIC', observed: '377f068200000000'.slice(0, 8) + (await readFile(files.wal)).subarray(4, 8).toString('hex') });
    await writeFile(sidecar, bytes);
    await copyFile(sidecar, files.wal);
    const asWal = await caught(scanWal(vfs, files.db));
    expect(asWal).toBeInstanceOf(NotAWalError);
    expect(asWal).toMatchObject({ code: 'ERR_WAL_FEC_NOT_A_WAL' });
    expect((asWal as Error).message).toMatch(/wal-fec sidecar/);
  });

  it('R above 255 and an oversized length, with observed value and limit', async () => {
    const { files, sidecar, bytes } = await protectedDb();
    const hashes = await createHashes();
    const tooMany = Buffer.from(bytes);
    tooMany.writeUInt16LE(300, 24 + 4 + 2); // R of the first record (K = 2, meta ends at 24 + 4 + 32 + 48)
    tooMany.writeUInt32LE(hashes.crc32c(tooMany.subarray(24, 24 + 84)), 24 + 84);
    await writeFile(sidecar, tooMany);
    const limit = await caught(scanWal(vfs, files.db));
    expect(limit).toBeInstanceOf(SidecarLimitError);
    expect(limit).toMatchObject({ code: 'ERR_WAL_FEC_LIMIT', field: 'repairSymbols', observed: 300, limit: '1 to 255' });
    const oversized = Buffer.from(bytes);
    oversized.writeUInt32LE(0x7fffffff, 24);
    await writeFile(sidecar, oversized);
    expect(await caught(scanWal(vfs, files.db))).toMatchObject({ code: 'ERR_WAL_FEC_RECORD_LENGTH', field: 'recordBytes', observed: 0x7fffffff, limit: 'at most 33554432' });
    const badVersion = Buffer.from(bytes);
    badVersion.writeUInt32LE(2, 8);
    badVersion.writeUInt32LE(hashes.crc32c(badVersion.subarray(0, 20)), 20);
    await writeFile(sidecar, badVersion);
    expect(await caught(scanWal(vfs, files.db))).toMatchObject({ code: 'ERR_WAL_FEC_BAD_VERSION', observed: 2 });
  });
});

describe('WAL generations', () => {
  it('a sidecar of an older WAL generation (other salts) is ignored, then replaced by protect', async () => {
    const a = await protectedDb(1);
    const b = await makeFecDatabase(`${dir}/${++n}`, 2);
    expect((await readFile(a.files.wal)).subarray(16, 24)).not.toEqual((await readFile(b.wal)).subarray(16, 24));
    await copyFile(a.sidecar, `${b.db}-wal-fec`);
    await flipWalByte(b.wal, 12, 24 + 5);
    expect(await scanWal(vfs, b.db)).toMatchObject({ groups: 0, staleGroups: 8, damagedFrames: [] });
    expect(await repairWal(vfs, b.db)).toMatchObject({ repairedFrames: [] });
    await flipWalByte(b.wal, 12, 24 + 5);
    expect(await protectWal(vfs, b.db, { codec: 'reed-solomon', repairSymbols: 2 })).toMatchObject({ groups: 8 });
    expect(await scanWal(vfs, b.db)).toMatchObject({ groups: 8, staleGroups: 0 });
    expect((await readFile(`${b.db}-wal-fec`)).length).toBe(a.bytes.length);
  });
});

describe('a real WAL reset by SQLite', () => {
  it('groups of the generation before the reset are stale; protect starts over; repair works on the new one', async () => {
    const { files, bytes } = await protectedDb();
    await runSqlite3(files.db, ['PRAGMA wal_checkpoint(PASSIVE);', "INSERT INTO t(v) VALUES (x'0102');"], { keepWal: true });
    const wal = await readFile(files.wal);
    expect(wal.readUInt32BE(12)).toBe(1); // checkpoint sequence + 1: a new generation, old frames left behind it
    const txns = await transactions(files.wal);
    expect(txns[0]?.first).toBe(1);
    expect(await scanWal(vfs, files.db)).toMatchObject({ groups: 0, staleGroups: 8, damagedFrames: [] });
    const protect = await protectWal(vfs, files.db, { codec: 'reed-solomon', repairSymbols: 2 });
    expect(protect).toMatchObject({ groups: 1, committedFrames: txns[0]?.last });
    expect((await readFile(`${files.db}-wal-fec`)).length).toBeLessThan(bytes.length);
    await flipWalByte(files.wal, 1, 24 + 50);
    expect(await scanWal(vfs, files.db)).toMatchObject({ groups: 1, staleGroups: 0, damagedFrames: [1], repairable: true });
    expect(await repairWal(vfs, files.db)).toMatchObject({ repairedFrames: [1] });
    expect(Buffer.compare(await readFile(files.wal), wal)).toBe(0);
    expect(await sqliteRead(files.db, 'SELECT count(*) AS n FROM t')).toEqual([{ n: ROWS + 1 }]);
    expect(await integrityCheck(files.db)).toBe('ok');
  });
});

describe('hostile sidecar bytes', () => {
  it('300 seeded mutations: a result or a WalFecError, and every WAL frame is either repaired or untouched', async () => {
    const { files, sidecar, bytes } = await protectedDb();
    const original = await readFile(files.wal);
    await flipWalByte(files.wal, 13, 24 + 1000);
    await flipWalByte(files.wal, 44, 24 + 1000);
    const damagedWal = await readFile(files.wal);
    const next = mulberry32(2024);
    const outcomes = { result: 0, typed: 0, repaired: 0 };
    for (let i = 0; i < 300; i++) {
      const m = Buffer.from(bytes);
      let mutated: Buffer = m;
      switch (i % 5) {
        case 0: // flip a few bits anywhere
          for (let j = 0, c = 1 + (next() % 8); j < c; j++) xorByte(m, next() % m.length, 1 << (next() % 8));
          break;
        case 1: // flip bits in the header or a record's metadata
          for (let j = 0, c = 1 + (next() % 4); j < c; j++) xorByte(m, next() % 200, 1 << (next() % 8));
          break;
        case 2: // truncate anywhere
          mutated = m.subarray(0, next() % m.length);
          break;
        case 3: // overwrite a 4-byte field with a random or extreme value
          m.writeUInt32LE([next(), 0, 0xffffffff, 0x7fffffff, 1][next() % 5] as number, next() % (m.length - 4));
          break;
        default: // random garbage inserted
          mutated = Buffer.concat([m.subarray(0, next() % m.length), Buffer.from(Array.from({ length: 1 + (next() % 64) }, () => next() & 255)), m.subarray(24)]);
      }
      await writeFile(sidecar, mutated);
      await writeFile(files.wal, damagedWal);
      try {
        if (i % 10 === 0) await scanWal(vfs, files.db);
        await repairWal(vfs, files.db);
        outcomes.result++;
      } catch (error) {
        expect(error).toBeInstanceOf(WalFecError);
        outcomes.typed++;
      }
      // Every frame is either as SQLite wrote it (repaired) or as it was (damaged, untouched).
      const after = await readFile(files.wal);
      expect(after.length).toBe(original.length);
      let repaired = true;
      for (let f = 1; f <= 51; f++) {
        const range = [frameOffset(f), frameOffset(f + 1)] as const;
        const frame = after.subarray(...range);
        const asWritten = Buffer.compare(frame, original.subarray(...range)) === 0;
        repaired &&= asWritten;
        expect(asWritten || Buffer.compare(frame, damagedWal.subarray(...range)) === 0).toBe(true);
      }
      if (repaired) outcomes.repaired++;
    }
    expect(outcomes.result).toBeGreaterThan(0);
    expect(outcomes.typed).toBeGreaterThan(0);
    expect(outcomes.repaired).toBeGreaterThan(0);
  }, 60_000);
});

it('a missing WAL or sidecar scans as nothing to do', async () => {
  const files = await makeFecDatabase(`${dir}/${++n}`);
  expect(await scanWal(vfs, files.db)).toEqual({ groups: 0, staleGroups: 0, damagedFrames: [], repairable: true, unrepairableGroups: [], tornTail: false });
  await truncate(files.wal, 0);
  expect(await protectWal(vfs, files.db)).toMatchObject({ groups: 0, committedFrames: 0 });
});
