import { describe, expect, it } from 'vitest';
import { WAL_MAGIC_BE, WAL_MAGIC_LE, decodeWalHeader, validateWalChain, walChecksum } from '@litewal/checksum';
import { MemoryVfs, type Vfs } from '@litewal/vfs';
import { WalFile, frameOffset, type PageWrite } from '../src/index.js';

const PAGE = 512;

function page(fill: number, size = PAGE): Uint8Array {
  const bytes = new Uint8Array(size);
  for (let i = 0; i < size; i++) bytes[i] = (fill * 31 + i * 7) & 0xff;
  return bytes;
}

function pages(...numbers: number[]): PageWrite[] {
  return numbers.map((n) => ({ pageNumber: n, data: page(n) }));
}

async function fileBytes(vfs: Vfs, path: string): Promise<Uint8Array> {
  const file = await vfs.open(path);
  try {
    const out = new Uint8Array(await file.size());
    await file.read(out, 0);
    return out;
  } finally {
    await file.close();
  }
}

async function writeBytes(vfs: Vfs, path: string, bytes: Uint8Array): Promise<void> {
  const file = await vfs.open(path, { create: true });
  try {
    await file.truncate(0);
    await file.write(bytes, 0);
  } finally {
    await file.close();
  }
}

/** Two transactions of three frames: frames 1-3 commit at 3, frames 4-6 commit at 6. */
async function sixFrameWal(vfs: Vfs, path = 'w'): Promise<Uint8Array> {
  const wal = await WalFile.create(vfs, path, { pageSize: PAGE, salt1: 11, salt2: 22 });
  await wal.append(pages(1, 2, 3), 3);
  await wal.append(pages(2, 4, 1), 4);
  await wal.close();
  return fileBytes(vfs, path);
}

describe('WalFile create, append, reopen', () => {
  it('writes a header SQLite accepts and frames whose chain validates', async () => {
    const vfs = new MemoryVfs();
    const bytes = await sixFrameWal(vfs);
    const header = decodeWalHeader(bytes);
    expect(header.pageSize).toBe(PAGE);
    expect([header.salt1, header.salt2, header.checkpointSequence]).toEqual([11, 22, 0]);
    expect(bytes.length).toBe(frameOffset(7, PAGE));
    const { result } = validateWalChain(bytes);
    expect(result).toMatchObject({ chained: 6, committed: 6, commits: 2, dbSizePages: 4 });
  });

  it('reopens to the same committed log and reads the latest image of each page', async () => {
    const vfs = new MemoryVfs();
    await sixFrameWal(vfs);
    const wal = await WalFile.open(vfs, 'w');
    expect(wal.committedFrames).toBe(6);
    expect(wal.recovery.commits).toBe(2);
    expect(wal.dbSizePages).toBe(4);
    expect(wal.findFrame(2)).toBe(4);
    expect(wal.findFrame(2, 3)).toBe(2);
    expect(wal.findFrame(1)).toBe(6);
    expect(wal.findFrame(1, 6, 2)).toBe(6);
    expect(wal.findFrame(3, 6, 4)).toBe(0);
    expect(wal.findFrame(9)).toBe(0);
    expect(await wal.readPage(4)).toEqual(page(4));
    expect(await wal.readPage(5)).toBeNull();
    const frame = await wal.readFrame(3);
    expect(frame.header).toMatchObject({ pageNumber: 3, commitSize: 3, salt1: 11, salt2: 22 });
    expect(wal.distinctPages()).toBe(4);
    await expect(wal.readFrame(7)).rejects.toMatchObject({ code: 'ERR_WAL_FILE_FRAME_RANGE', frame: 7, last: 6 });
    await wal.close();
  });

  it('continues the checksum chain of a reopened log byte-identically to one long session', async () => {
    const a = new MemoryVfs();
    const one = await WalFile.create(a, 'w', { pageSize: PAGE, salt1: 5, salt2: 6 });
    await one.append(pages(1, 2), 2);
    await one.append(pages(3), 3);
    await one.close();

    const b = new MemoryVfs();
    const first = await WalFile.create(b, 'w', { pageSize: PAGE, salt1: 5, salt2: 6 });
    await first.append(pages(1, 2), 2);
    await first.close();
    const second = await WalFile.open(b, 'w');
    await second.append(pages(3), 3);
    await second.close();
    expect(await fileBytes(b, 'w')).toEqual(await fileBytes(a, 'w'));
  });

  it('writes big-endian checksums on request and keeps them when continuing', async () => {
    const vfs = new MemoryVfs();
    const wal = await WalFile.create(vfs, 'w', { pageSize: PAGE, byteOrder: 'big' });
    await wal.append(pages(1), 1);
    await wal.close();
    const reopened = await WalFile.open(vfs, 'w');
    expect(reopened.byteOrder).toBe('big');
    await reopened.append(pages(2), 2);
    await reopened.close();
    const bytes = await fileBytes(vfs, 'w');
    expect(decodeWalHeader(bytes).magic).toBe(WAL_MAGIC_BE);
    expect(validateWalChain(bytes).result).toMatchObject({ committed: 2, commits: 2 });
  });

  it('keeps frames of an unfinished transaction out of the committed log until it commits', async () => {
    const vfs = new MemoryVfs();
    const wal = await WalFile.create(vfs, 'w', { pageSize: PAGE });
    await wal.append(pages(1), 1);
    await wal.append(pages(2, 3)); // no commit yet
    expect([wal.committedFrames, wal.lastFrame]).toEqual([1, 3]);
    expect(wal.findFrame(2)).toBe(0);
    expect(wal.findFrame(2, wal.lastFrame)).toBe(2);
    const reopened = await WalFile.open(vfs, 'w');
    expect(reopened.recovery).toMatchObject({ chained: 3, committed: 1, stop: { frame: 4, reason: 'end-of-file' } });
    // SQLite's recovery indexes the valid tail too, so its page numbers stay known until an append
    expect([reopened.lastFrame, reopened.validFrames, reopened.pageOf(3)]).toEqual([1, 3, 3]);
    expect(reopened.findFrame(3, 3)).toBe(0);
    await reopened.append(pages(9), 9);
    expect([reopened.lastFrame, reopened.validFrames, reopened.pageOf(2)]).toEqual([2, 2, 9]);
    expect(() => reopened.pageOf(3)).toThrow(expect.objectContaining({ code: 'ERR_WAL_FILE_FRAME_RANGE' }));
    await reopened.close();
    await wal.append(pages(4), 4);
    expect([wal.committedFrames, wal.lastFrame]).toEqual([4, 4]);
    await wal.close();
  });

  it('rolls back an unfinished transaction and overwrites its frames', async () => {
    const vfs = new MemoryVfs();
    const wal = await WalFile.create(vfs, 'w', { pageSize: PAGE });
    await wal.append(pages(1), 1);
    await wal.append(pages(7, 8));
    wal.rollback();
    expect(wal.lastFrame).toBe(1);
    expect(wal.findFrame(7, 10)).toBe(0);
    await wal.append(pages(2), 2);
    await wal.close();
    const reopened = await WalFile.open(vfs, 'w');
    expect(reopened.recovery).toMatchObject({ chained: 2, committed: 2 });
    // the third frame (left from the rolled-back batch) no longer chains
    expect(reopened.recovery.stop).toEqual({ frame: 3, reason: 'checksum-mismatch' });
    expect(reopened.pageOf(2)).toBe(2);
    await reopened.close();
  });
});

describe('WalFile reset (SQLite restart rules)', () => {
  it('starts a new generation: sequence+1, salt-1+1, new salt-2; stale frames fail the salt check', async () => {
    const vfs = new MemoryVfs();
    const wal = await WalFile.create(vfs, 'w', { pageSize: PAGE, salt1: 0xffffffff, salt2: 9, checkpointSequence: 4 });
    await wal.append(pages(1, 2, 3), 3);
    await wal.reset();
    expect(wal.generation.checkpointSequence).toBe(5);
    expect(wal.generation.salt1).toBe(0); // wraps as a u32
    expect(wal.committedFrames).toBe(0);
    await wal.append(pages(1), 3);
    await wal.close();
    const bytes = await fileBytes(vfs, 'w');
    expect(bytes.length).toBe(frameOffset(4, PAGE)); // not shrunk
    const reopened = await WalFile.open(vfs, 'w');
    expect(reopened.recovery).toMatchObject({ chained: 1, committed: 1, stop: { frame: 2, reason: 'salt-mismatch' } });
    expect(reopened.header?.checkpointSequence).toBe(5);
    await reopened.close();
  });

  it('truncates to 0 bytes for TRUNCATE and writes the header with the next batch', async () => {
    const vfs = new MemoryVfs();
    const wal = await WalFile.create(vfs, 'w', { pageSize: PAGE });
    const before = wal.generation;
    await wal.append(pages(1), 1);
    await wal.reset({ truncate: true });
    expect((await fileBytes(vfs, 'w')).length).toBe(0);
    await wal.append(pages(1), 1);
    await wal.close();
    const header = decodeWalHeader(await fileBytes(vfs, 'w'));
    expect(header.checkpointSequence).toBe(before.checkpointSequence + 1);
    expect(header.salt1).toBe((before.salt1 + 1) >>> 0);
  });

  it('treats an invalid header as an empty WAL and writes a fresh one with the native magic', async () => {
    const vfs = new MemoryVfs();
    const bytes = await sixFrameWal(vfs);
    bytes[0]! ^= 0x10; // bad magic
    await writeBytes(vfs, 'w', bytes);
    const wal = await WalFile.open(vfs, 'w', { pageSize: PAGE });
    expect(wal.recovery).toMatchObject({ header: null, committed: 0, stop: { frame: 1, reason: 'no-header' } });
    expect(wal.recovery.headerError).toMatch(/magic/i);
    await wal.append(pages(1), 1);
    await wal.close();
    const header = decodeWalHeader(await fileBytes(vfs, 'w'));
    expect(header.magic).toBe(WAL_MAGIC_LE);
    expect(header.checkpointSequence).toBe(0);
  });

  it('refuses to write over an intact header of another version, which SQLite refuses to open', async () => {
    const vfs = new MemoryVfs();
    const bytes = await sixFrameWal(vfs);
    const view = new DataView(bytes.buffer);
    view.setUint32(4, 3007001);
    const sum = walChecksum(bytes.subarray(0, 24), 'little');
    view.setUint32(24, sum.s1);
    view.setUint32(28, sum.s2);
    await writeBytes(vfs, 'w', bytes);
    const readOnly = await WalFile.open(vfs, 'w', { readOnly: true });
    expect(readOnly.recovery).toMatchObject({ header: null, headerErrorCode: 'ERR_CHECKSUM_BAD_VERSION' });
    await readOnly.close();
    await expect(WalFile.open(vfs, 'w')).rejects.toMatchObject({ code: 'ERR_WAL_FILE_VERSION' });
    expect(await fileBytes(vfs, 'w')).toEqual(bytes);
  });

  it('keeps the salts of a valid header with no valid frames when its sequence is not 0', async () => {
    const vfs = new MemoryVfs();
    const wal = await WalFile.create(vfs, 'w', { pageSize: PAGE, checkpointSequence: 3, salt1: 100, salt2: 200 });
    await wal.close();
    const reopened = await WalFile.open(vfs, 'w');
    await reopened.append(pages(1), 1);
    expect(reopened.header).toMatchObject({ checkpointSequence: 3, salt1: 100, salt2: 200 });
    await reopened.close();
  });
});

describe('WalFile crash matrix (recovery of cut and damaged files)', () => {
  it('recovers 0, 3 or 6 committed frames when the file is cut at any byte', async () => {
    const vfs = new MemoryVfs();
    const full = await sixFrameWal(vfs);
    const frame = PAGE + 24;
    for (let cut = 0; cut <= full.length; cut += cut < 64 ? 1 : 97) {
      await writeBytes(vfs, 'cut', full.subarray(0, cut));
      const wal = await WalFile.open(vfs, 'cut', { readOnly: true });
      const whole = cut < 32 ? 0 : Math.floor((cut - 32) / frame);
      const expected = whole >= 6 ? 6 : whole >= 3 ? 3 : 0;
      expect(wal.committedFrames, `cut at ${cut}`).toBe(expected);
      if (cut >= 32 && whole < 6) {
        expect(wal.recovery.stop.reason).toBe(cut > 32 + whole * frame ? 'partial-frame' : 'end-of-file');
      }
      await wal.close();
    }
  });

  it('stops at a flipped bit in any frame and keeps the commits before it', async () => {
    const vfs = new MemoryVfs();
    const full = await sixFrameWal(vfs);
    for (let f = 1; f <= 6; f++) {
      for (const within of [0, 5, 8, 13, 17, 23, 24, 300, PAGE + 23]) {
        const damaged = Uint8Array.from(full);
        damaged[frameOffset(f, PAGE) + within]! ^= 0x04;
        await writeBytes(vfs, 'flip', damaged);
        const wal = await WalFile.open(vfs, 'flip', { readOnly: true });
        expect(wal.recovery.chained, `frame ${f} byte ${within}`).toBe(f - 1);
        expect(wal.committedFrames).toBe(f > 3 ? 3 : 0);
        await wal.close();
      }
    }
  });

  it('recovers the same state on every reopen (idempotent)', async () => {
    const vfs = new MemoryVfs();
    const full = await sixFrameWal(vfs);
    await writeBytes(vfs, 'w', full.subarray(0, full.length - 100));
    const states: unknown[] = [];
    for (let i = 0; i < 3; i++) {
      const wal = await WalFile.open(vfs, 'w');
      states.push({ ...wal.recovery, checksum: wal.checksum });
      await wal.close();
    }
    expect(states[1]).toEqual(states[0]);
    expect(states[2]).toEqual(states[0]);
  });

  it('scans in small chunks with the same result as one big read', async () => {
    const vfs = new MemoryVfs();
    const full = await sixFrameWal(vfs);
    full[frameOffset(5, PAGE) + 40]! ^= 1;
    await writeBytes(vfs, 'w', full);
    const big = await WalFile.open(vfs, 'w', { readOnly: true });
    const small = await WalFile.open(vfs, 'w', { readOnly: true, readChunkBytes: 1 });
    expect(small.recovery).toEqual(big.recovery);
    expect(small.checksum).toEqual(big.checksum);
    await big.close();
    await small.close();
  });
});

describe('WalFile append pipeline', () => {
  it('produces the same bytes batched, one frame at a time, or through the explicit steps', async () => {
    const batched = new MemoryVfs();
    const a = await WalFile.create(batched, 'w', { pageSize: PAGE, salt1: 1, salt2: 2 });
    await a.append(pages(1, 2, 3, 4), 4);
    await a.close();

    const single = new MemoryVfs();
    const b = await WalFile.create(single, 'w', { pageSize: PAGE, salt1: 1, salt2: 2 });
    for (const n of [1, 2, 3]) await b.append(pages(n));
    await b.append(pages(4), 4);
    await b.close();

    const stepped = new MemoryVfs();
    const c = await WalFile.create(stepped, 'w', { pageSize: PAGE, salt1: 1, salt2: 2 });
    const prepared = c.prepare(pages(1, 2, 3, 4), 4);
    expect(await c.isWindowCurrent(prepared)).toBe(true);
    const checksum = c.finalize(prepared);
    const result = await c.appendPrepared(prepared);
    expect(result).toEqual({ firstFrame: 1, lastFrame: 4, committed: true, checksum });
    await c.close();

    const expected = await fileBytes(batched, 'w');
    expect(await fileBytes(single, 'w')).toEqual(expected);
    expect(await fileBytes(stepped, 'w')).toEqual(expected);
  });

  it('writes a group of committing transactions in one write, byte-identical to separate appends', async () => {
    const grouped = new MemoryVfs();
    const g = await WalFile.create(grouped, 'w', { pageSize: PAGE, salt1: 3, salt2: 4 });
    const result = await g.appendTransactions([
      { pages: pages(1, 2), commitSize: 2 },
      { pages: pages(3), commitSize: 3 },
      { pages: pages(2, 4), commitSize: 4 },
    ]);
    expect(result).toMatchObject({ firstFrame: 1, lastFrame: 5, committed: true });
    expect([g.committedFrames, g.dbSizePages]).toEqual([5, 4]);
    await g.close();

    const separate = new MemoryVfs();
    const s = await WalFile.create(separate, 'w', { pageSize: PAGE, salt1: 3, salt2: 4 });
    await s.append(pages(1, 2), 2);
    await s.append(pages(3), 3);
    await s.append(pages(2, 4), 4);
    await s.close();
    expect(await fileBytes(grouped, 'w')).toEqual(await fileBytes(separate, 'w'));
    const reopened = await WalFile.open(grouped, 'w', { readOnly: true });
    expect(reopened.recovery).toMatchObject({ committed: 5, commits: 3 });
    await reopened.close();
  });

  it('serialises into a reused buffer, whatever it held, exactly as into a fresh one', async () => {
    const batches = [
      [{ pages: pages(1, 2), commitSize: 2 }, { pages: pages(3), commitSize: 3 }],
      [{ pages: pages(2), commitSize: 3 }],
      [{ pages: pages(4, 5, 6), commitSize: 6 }],
    ];
    const reused = new MemoryVfs();
    const r = await WalFile.create(reused, 'w', { pageSize: PAGE, salt1: 3, salt2: 4 });
    const buffer = new Uint8Array(4 * (24 + PAGE)).fill(0xff);
    for (const batch of batches) {
      const prepared = r.prepareTransactions(batch, { buffer });
      expect(prepared.bytes.buffer).toBe(buffer.buffer); // shares the buffer: every batch fits
      r.finalize(prepared);
      await r.appendPrepared(prepared);
      buffer.fill(0xff); // whatever the caller does with it after the append
    }
    expect(r.prepareTransactions([{ pages: pages(1, 2, 3, 4, 5), commitSize: 6 }], { buffer }).bytes.buffer).not.toBe(buffer.buffer);
    await r.close();
    const fresh = new MemoryVfs();
    const f = await WalFile.create(fresh, 'w', { pageSize: PAGE, salt1: 3, salt2: 4 });
    for (const batch of batches) await f.appendTransactions(batch);
    await f.close();
    expect(await fileBytes(reused, 'w')).toEqual(await fileBytes(fresh, 'w'));
  });

  it('refuses a group with an uncommitted transaction or no pages', async () => {
    const vfs = new MemoryVfs();
    const wal = await WalFile.create(vfs, 'w', { pageSize: PAGE });
    expect(() => wal.prepareTransactions([{ pages: pages(1), commitSize: 0 }, { pages: pages(2), commitSize: 2 }])).toThrow(
      /every one must commit/,
    );
    expect(() => wal.prepareTransactions([])).toThrow(RangeError);
    expect(() => wal.prepareTransactions([{ pages: [], commitSize: 1 }])).toThrow(RangeError);
    await wal.close();
  });

  it('changes nothing when preparation fails', async () => {
    const vfs = new MemoryVfs();
    const wal = await WalFile.create(vfs, 'w', { pageSize: PAGE });
    await wal.append(pages(1), 1);
    const before = await fileBytes(vfs, 'w');
    expect(() => wal.prepare([{ pageNumber: 2, data: new Uint8Array(PAGE - 1) }], 2)).toThrow(
      expect.objectContaining({ code: 'ERR_WAL_FILE_PAGE_SIZE', expected: PAGE, actual: PAGE - 1 }),
    );
    expect(() => wal.prepare([{ pageNumber: 0, data: page(0) }], 2)).toThrow(
      expect.objectContaining({ code: 'ERR_WAL_FILE_PAGE_NUMBER' }),
    );
    expect(() => wal.prepare([], 2)).toThrow(RangeError);
    expect([wal.committedFrames, wal.lastFrame]).toEqual([1, 1]);
    expect(await fileBytes(vfs, 'w')).toEqual(before);
    await wal.close();
  });

  it('refuses a batch prepared before another append or a reset', async () => {
    const vfs = new MemoryVfs();
    const wal = await WalFile.create(vfs, 'w', { pageSize: PAGE });
    await wal.append(pages(1), 1);
    const prepared = wal.prepare(pages(2), 2);
    await wal.append(pages(3), 3);
    expect(await wal.isWindowCurrent(prepared)).toBe(false);
    expect(() => wal.finalize(prepared)).toThrow(expect.objectContaining({ code: 'ERR_WAL_FILE_STALE_WINDOW' }));
    await wal.reset();
    const afterReset = wal.prepare(pages(2), 2);
    await wal.reset();
    expect(await wal.isWindowCurrent(afterReset)).toBe(false);
    await wal.close();
  });

  it('detects a file shrunk or reset by another handle before writing', async () => {
    const vfs = new MemoryVfs();
    const wal = await WalFile.create(vfs, 'w', { pageSize: PAGE });
    await wal.append(pages(1, 2), 2);
    const other = await WalFile.open(vfs, 'w');
    await other.reset({ truncate: true });
    await other.append(pages(1), 1);
    await other.close();
    await expect(wal.append(pages(3), 3)).rejects.toMatchObject({ code: 'ERR_WAL_FILE_STALE_WINDOW' });
    expect(wal.committedFrames).toBe(2);
    await wal.close();
  });

  it('refuses writes on a read-only handle and use after close', async () => {
    const vfs = new MemoryVfs();
    await sixFrameWal(vfs);
    const wal = await WalFile.open(vfs, 'w', { readOnly: true });
    expect(() => wal.prepare(pages(1), 1)).toThrow(expect.objectContaining({ code: 'ERR_WAL_FILE_READ_ONLY' }));
    await expect(wal.sync()).rejects.toMatchObject({ code: 'ERR_WAL_FILE_READ_ONLY' });
    await wal.close();
    await expect(wal.readFrame(1)).rejects.toMatchObject({ code: 'ERR_WAL_FILE_CLOSED' });
  });

  it('rejects invalid options with the observed value', async () => {
    const vfs = new MemoryVfs();
    await expect(WalFile.create(vfs, 'w', { pageSize: 1000 })).rejects.toThrow(/1000/);
    await expect(WalFile.create(vfs, 'w', { pageSize: PAGE, salt1: -1 })).rejects.toThrow(/salt-1 -1/);
    await WalFile.create(vfs, 'x', { pageSize: PAGE }).then((w) => w.close());
    await expect(WalFile.create(vfs, 'x', { pageSize: PAGE })).rejects.toThrow();
  });
});
