import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  DB_HEADER_RESERVED_BYTES_OFFSET,
  PAGE_TRAILER_BYTES,
  PageTrailerError,
  createHashes,
  verifyPageTrailer,
  writePageTrailer,
  zeroPageTrailer,
  type Hashes,
} from '../src/index.js';
import { toHex } from './support/hex.js';
import { random } from './support/random.js';
import { sqlite, tempDir } from './support/tools.js';

let hashes: Hashes;
const tmp = tempDir('trailer');
beforeAll(async () => {
  hashes = await createHashes();
});
afterAll(() => tmp.remove());

function trailerError(run: () => unknown): PageTrailerError {
  try {
    run();
  } catch (error) {
    if (error instanceof PageTrailerError) return error;
    throw error;
  }
  throw new Error('no error');
}

describe('page trailer', () => {
  it('stores the XXH3-128 of the bytes before it as a little-endian u128', () => {
    const page = random(91).bytes(4096);
    writePageTrailer(page, 16, hashes);
    const digest = toHex(hashes.xxh3_128(page.subarray(0, 4080))); // canonical: high64 BE, low64 BE
    const view = new DataView(page.buffer);
    expect(view.getBigUint64(4080, true).toString(16).padStart(16, '0')).toBe(digest.slice(16)); // low64 LE
    expect(view.getBigUint64(4088, true).toString(16).padStart(16, '0')).toBe(digest.slice(0, 16)); // high64 LE
    expect(verifyPageTrailer(page, 16, hashes)).toEqual({ ok: true });
  });

  it('covers the other reserved bytes and nothing after the trailer', () => {
    const page = random(92).bytes(1024);
    writePageTrailer(page, 40, hashes); // 24 reserved bytes before the trailer
    expect(verifyPageTrailer(page, 40, hashes).ok).toBe(true);
    page[1024 - 30]! ^= 1;
    expect(verifyPageTrailer(page, 40, hashes).ok).toBe(false);
  });

  it('fails with both digests for any changed byte, the trailer included', () => {
    const r = random(93);
    const page = r.bytes(512);
    writePageTrailer(page, 16, hashes);
    const good = Uint8Array.from(page);
    for (let pos = 0; pos < 512; pos++) {
      page[pos]! ^= 1 + r.int(255);
      const result = verifyPageTrailer(page, 16, hashes);
      expect(result.ok, `byte ${pos}`).toBe(false);
      if (!result.ok) {
        expect(toHex(result.expected)).toBe(toHex(Uint8Array.from(page.subarray(496)).reverse()));
        expect(toHex(result.actual)).toBe(toHex(hashes.xxh3_128(page.subarray(0, 496))));
      }
      page.set(good);
    }
  });

  it('zeroes the trailer only, which then fails to verify', () => {
    const page = random(94).bytes(2048);
    writePageTrailer(page, 32, hashes);
    const before = Uint8Array.from(page);
    zeroPageTrailer(page, 32);
    expect(page.subarray(2048 - PAGE_TRAILER_BYTES).every((b) => b === 0)).toBe(true);
    expect(toHex(page.subarray(0, 2048 - PAGE_TRAILER_BYTES))).toBe(toHex(before.subarray(0, 2048 - PAGE_TRAILER_BYTES)));
    expect(verifyPageTrailer(page, 32, hashes).ok).toBe(false);
  });

  it('rejects pages and reserved-byte counts that cannot hold a trailer', () => {
    const page = new Uint8Array(512);
    for (const reserved of [0, 8, 15]) {
      const error = trailerError(() => writePageTrailer(page, reserved, hashes));
      expect(error.code).toBe('ERR_CHECKSUM_TRAILER_RESERVED');
      expect(error.message).toBe(`reserved bytes per page is ${reserved}, the page trailer needs 16 to 255`);
    }
    expect(trailerError(() => zeroPageTrailer(new Uint8Array(65536), 256)).code).toBe('ERR_CHECKSUM_TRAILER_RESERVED');
    expect(trailerError(() => verifyPageTrailer(page, 40, hashes)).message).toBe(
      'reserved bytes per page is 40, leaving 472 usable bytes of a 512-byte page; SQLite needs at least 480',
    );
    for (const length of [0, 16, 1000, 4080, 131072]) {
      const error = trailerError(() => verifyPageTrailer(new Uint8Array(length), 16, hashes));
      expect(error.code).toBe('ERR_CHECKSUM_TRAILER_PAGE_SIZE');
      expect(error.message).toBe(`page is ${length} bytes, expected a power of two from 512 to 65536`);
    }
  });

  it('writes trailers into a real database with 16 reserved bytes, which sqlite3 still reads', () => {
    const db = join(tmp.dir, 'reserved.db');
    sqlite(db, `.filectrl reserve_bytes 16
CREATE TABLE t(id INTEGER PRIMARY KEY, v TEXT);
INSERT INTO t(v) SELECT hex(randomblob(200)) FROM generate_series(1, 300);
`);
    const file = new Uint8Array(readFileSync(db));
    const reserved = file[DB_HEADER_RESERVED_BYTES_OFFSET]!;
    expect(reserved).toBe(16);
    const pageSize = new DataView(file.buffer).getUint16(16);
    expect(file.length % pageSize).toBe(0);
    for (let at = 0; at < file.length; at += pageSize) {
      const page = file.subarray(at, at + pageSize);
      expect(verifyPageTrailer(page, reserved, hashes).ok).toBe(false);
      writePageTrailer(page, reserved, hashes);
      expect(verifyPageTrailer(page, reserved, hashes)).toEqual({ ok: true });
    }
    writeFileSync(db, file);
    expect(sqlite(db, 'PRAGMA integrity_check; SELECT count(*) FROM t;')).toBe('ok\n300\n');
  });
});
