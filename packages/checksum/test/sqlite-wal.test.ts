// Real WALs written by the sqlite3 CLI: litewal must verify every checksum SQLite wrote, draw the
// same line SQLite's recovery draws, and write WALs (both byte orders) that SQLite accepts.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  WAL_FRAME_HEADER_BYTES,
  WAL_HEADER_BYTES,
  WAL_MAGIC_LE,
  decodeFrameHeader,
  decodeWalHeader,
  encodeWalHeader,
  sealFrames,
  setChecksumKernel,
  validateWalChain,
  type ByteOrder,
  type ChainStopReason,
  type ChecksumKernel,
  type WalHeader,
} from '../src/index.js';
import { random } from './support/random.js';
import { refChecksum } from './support/reference.js';
import { copyWithWal, crashWal, makeWal, readWithSqlite, recipeA } from './support/sqlite-wal.js';
import { SQLITE3, requireTool, tempDir } from './support/tools.js';

const tmp = tempDir('sqlite');
const KERNELS: ChecksumKernel[] = ['wasm', 'ts'];
let copies = 0;
const read = (name: string, wal: Uint8Array, script: string) => readWithSqlite(tmp.dir, name, wal, script, `copy-${++copies}`);

/** The same WAL re-encoded with `byteOrder` checksums and new salts, resealed by litewal. */
function rewrite(wal: Uint8Array, byteOrder: ByteOrder, salts?: [number, number]): Uint8Array<ArrayBuffer> {
  const header = decodeWalHeader(wal);
  const [salt1, salt2] = salts ?? [header.salt1, header.salt2];
  const out = Uint8Array.from(wal);
  const encoded = encodeWalHeader({ byteOrder, pageSize: header.pageSize, checkpointSequence: header.checkpointSequence, salt1, salt2 });
  const newHeader = decodeWalHeader(encoded);
  out.set(encoded);
  const count = (wal.length - WAL_HEADER_BYTES) / (header.pageSize + WAL_FRAME_HEADER_BYTES);
  sealFrames(out, WAL_HEADER_BYTES, count, header.pageSize, byteOrder, salt1, salt2, {
    s1: newHeader.checksum1,
    s2: newHeader.checksum2,
  });
  return out;
}

/** Commit sizes of every whole frame of a WAL. */
function commitSizes(wal: Uint8Array, header: WalHeader): number[] {
  const frameSize = header.pageSize + WAL_FRAME_HEADER_BYTES;
  const sizes: number[] = [];
  for (let at = WAL_HEADER_BYTES; at + frameSize <= wal.length; at += frameSize) sizes.push(decodeFrameHeader(wal, at).commitSize);
  return sizes;
}

beforeAll(() => {
  requireTool(SQLITE3, 'install the sqlite3 CLI (apt-get install -y sqlite3); these tests need real SQLite');
});
afterAll(() => {
  setChecksumKernel('wasm');
  tmp.remove();
});

describe.each(KERNELS)('WALs written by sqlite3, with the %s kernel', (kernel) => {
  beforeAll(() => setChecksumKernel(kernel));

  it.each([512, 4096, 65536])('verifies every checksum of a %i-byte-page WAL and finds its 4 commits', (pageSize) => {
    const name = `a-${kernel}-${pageSize}.db`;
    const wal = makeWal(tmp.dir, name, recipeA(pageSize));
    const { header, result } = validateWalChain(wal);
    expect(header).toMatchObject({ magic: WAL_MAGIC_LE, byteOrder: 'little', version: 3007000, pageSize, checkpointSequence: 0 });
    const frames = (wal.length - WAL_HEADER_BYTES) / (pageSize + WAL_FRAME_HEADER_BYTES);
    expect(Number.isInteger(frames)).toBe(true);
    expect(result).toMatchObject({ chained: frames, committed: frames, commits: 4, stop: { frame: frames + 1, reason: 'end-of-file' } });
    for (let at = WAL_HEADER_BYTES; at < wal.length; at += pageSize + WAL_FRAME_HEADER_BYTES) {
      expect(decodeFrameHeader(wal, at)).toMatchObject({ salt1: header?.salt1, salt2: header?.salt2 });
    }
    expect(read(name, wal, 'PRAGMA page_count;').trim()).toBe(String(result?.dbSizePages));
  });

  it.each(['little', 'big'] as ByteOrder[])('writes a %s-endian WAL that SQLite reads, and validates what SQLite appends to it', (byteOrder) => {
    const name = `convert-${kernel}-${byteOrder}.db`;
    const original = makeWal(tmp.dir, name, recipeA(4096));
    const r = random(61);
    const rewritten = rewrite(original, byteOrder, [r.u32(), r.u32()]);
    expect(validateWalChain(rewritten).result?.committed).toBe(validateWalChain(original).result?.committed);
    expect(read(name, rewritten, 'PRAGMA integrity_check; SELECT count(*) FROM t; PRAGMA user_version;')).toBe('ok\n101\n7\n');

    // SQLite keeps the WAL's byte order when it appends (its walcksum test).
    const dir = copyWithWal(tmp.dir, name, rewritten, `copy-${++copies}`);
    const appended = makeWal(dir, name, `.dbconfig no_ckpt_on_close on\nINSERT INTO t(v) VALUES('appended');\n`);
    const before = validateWalChain(rewritten).result;
    const after = validateWalChain(appended);
    expect(after.header?.byteOrder).toBe(byteOrder);
    expect(after.result?.commits).toBe((before?.commits ?? 0) + 1);
    expect(after.result?.stop.reason).toBe('end-of-file');
  });

  it('agrees with SQLite on where a WAL with one flipped bit ends', () => {
    const name = `flip-${kernel}.db`;
    const wal = makeWal(tmp.dir, name, recipeA(4096));
    const clean = validateWalChain(wal).result;
    wal[wal.length - 1000]! ^= 0x10; // the last frame, the user_version commit
    const { result } = validateWalChain(wal);
    expect(result).toMatchObject({ chained: (clean?.chained ?? 0) - 1, commits: 3 });
    expect(result?.stop.reason).toBe('checksum-mismatch');
    expect(read(name, wal, 'PRAGMA user_version; SELECT count(*) FROM t; PRAGMA page_count;')).toBe(
      `0\n101\n${result?.dbSizePages}\n`,
    );
  });

  it('agrees with SQLite after a crash in the middle of a transaction', () => {
    const name = `crash-${kernel}.db`;
    const wal = crashWal(
      tmp.dir,
      name,
      `.dbconfig no_ckpt_on_close on
PRAGMA journal_mode=WAL;
PRAGMA wal_autocheckpoint=0;
CREATE TABLE big(id INTEGER PRIMARY KEY, b BLOB);
INSERT INTO big(b) SELECT randomblob(3900) FROM generate_series(1,50);
PRAGMA cache_size=10;
BEGIN; INSERT INTO big(b) SELECT randomblob(3900) FROM generate_series(1,300);
.shell kill -9 $PPID
`,
    );
    const { result } = validateWalChain(wal);
    expect(result?.commits).toBe(2);
    expect(result?.chained).toBeGreaterThan(result?.committed ?? 0); // frames spilled by the open transaction
    expect(read(name, wal, 'SELECT count(*) FROM big; PRAGMA page_count;')).toBe(`50\n${result?.dbSizePages}\n`);
  });

  it('stops at the stale tail after a WAL reset, as SQLite does', () => {
    const name = `reset-${kernel}.db`;
    const wal = makeWal(
      tmp.dir,
      name,
      `.dbconfig no_ckpt_on_close on
PRAGMA journal_mode=WAL;
PRAGMA wal_autocheckpoint=0;
CREATE TABLE t(id INTEGER PRIMARY KEY, v TEXT);
INSERT INTO t(v) SELECT randomblob(2000) FROM generate_series(1,40);
INSERT INTO t(v) VALUES('two');
PRAGMA wal_checkpoint(PASSIVE);
INSERT INTO t(v) VALUES('after the reset');
`,
    );
    const { header, result } = validateWalChain(wal);
    expect(header?.checkpointSequence).toBe(1);
    expect(result?.stop.reason).toBe('salt-mismatch');
    expect(result?.committed).toBe(result?.chained);
    const stale = decodeFrameHeader(wal, WAL_HEADER_BYTES + (result?.chained ?? 0) * (4096 + WAL_FRAME_HEADER_BYTES));
    expect(stale.salt1).toBe(((header?.salt1 ?? 0) - 1) >>> 0);
    expect(read(name, wal, 'SELECT count(*) FROM t;')).toBe('42\n');
  });

  it('rejects one flipped bit in each header field of a real WAL as SQLite does, which then ignores the WAL', () => {
    const name = `header-bits-${kernel}.db`;
    const wal = makeWal(tmp.dir, name, recipeA(4096));
    const fields: [number, (bit: number) => string][] = [
      [0, (bit) => (bit === 0 ? 'ERR_CHECKSUM_HEADER_CHECKSUM' : 'ERR_CHECKSUM_BAD_MAGIC')],
      [4, () => 'ERR_CHECKSUM_HEADER_CHECKSUM'],
      [8, () => 'ERR_CHECKSUM_BAD_PAGE_SIZE'],
      [12, () => 'ERR_CHECKSUM_HEADER_CHECKSUM'],
      [16, () => 'ERR_CHECKSUM_HEADER_CHECKSUM'],
      [20, () => 'ERR_CHECKSUM_HEADER_CHECKSUM'],
      [24, () => 'ERR_CHECKSUM_HEADER_CHECKSUM'],
      [28, () => 'ERR_CHECKSUM_HEADER_CHECKSUM'],
    ];
    for (const [offset, code] of fields) {
      for (let bit = 0; bit < 32; bit++) {
        const flipped = Uint8Array.from(wal);
        flipped[offset + 3 - (bit >> 3)]! ^= 1 << (bit & 7);
        expect(validateWalChain(flipped), `field at ${offset}, bit ${bit}`).toMatchObject({
          header: null,
          headerErrorCode: code(bit),
          result: null,
        });
      }
    }
    const salt = Uint8Array.from(wal);
    salt[19]! ^= 0x01;
    expect(read(name, salt, 'SELECT count(*) FROM sqlite_master;')).toBe('0\n'); // the table lives only in the WAL
    expect(read(name, wal, 'SELECT count(*) FROM sqlite_master;')).toBe('1\n');
  });

  it('rejects a header SQLite refuses to open (version 3007001, valid checksum)', () => {
    const name = `version-${kernel}.db`;
    const wal = makeWal(tmp.dir, name, recipeA(4096));
    const view = new DataView(wal.buffer);
    view.setUint32(4, 3007001);
    const sum = refChecksum(wal.subarray(0, 24), false);
    view.setUint32(24, sum.s1);
    view.setUint32(28, sum.s2);
    expect(validateWalChain(wal)).toMatchObject({ header: null, headerErrorCode: 'ERR_CHECKSUM_BAD_VERSION', result: null });
    expect(() => read(name, wal, 'SELECT count(*) FROM t;')).toThrow(/unable to open database file/);
  });

  it.each(['little', 'big'] as ByteOrder[])(
    'walslow: any one-byte change in a frame of a real %s-endian WAL invalidates exactly that frame',
    (byteOrder) => {
      const original = makeWal(tmp.dir, `walslow-${kernel}-${byteOrder}.db`, recipeA(4096));
      const wal = byteOrder === 'little' ? original : rewrite(original, 'big');
      const header = decodeWalHeader(wal);
      const sizes = commitSizes(wal, header);
      const frameSize = 4096 + WAL_FRAME_HEADER_BYTES;
      const view = new DataView(wal.buffer);
      const r = random(62);
      const wrong: string[] = [];
      for (const k of [1, Math.ceil(sizes.length / 2), sizes.length]) {
        const start = WAL_HEADER_BYTES + (k - 1) * frameSize;
        const committed = sizes.slice(0, k - 1).map((size) => size > 0).lastIndexOf(true) + 1;
        for (let pos = 0; pos < frameSize; pos++) {
          const change = 1 + r.int(255);
          wal[start + pos]! ^= change;
          const reason: ChainStopReason =
            pos >= 8 && pos < 16 ? 'salt-mismatch' : view.getUint32(start) === 0 ? 'zero-page' : 'checksum-mismatch';
          const result = validateWalChain(wal).result;
          if (result?.chained !== k - 1 || result.committed !== committed || result.stop.reason !== reason) {
            wrong.push(`frame ${k} byte ${pos}: ${JSON.stringify(result)}`);
          }
          wal[start + pos]! ^= change;
        }
      }
      expect(wrong).toEqual([]);
      expect(validateWalChain(wal).result?.stop.reason).toBe('end-of-file');
    },
  );
});
