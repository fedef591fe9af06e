import { createHashes } from '@litewal/checksum';
import { MemoryVfs } from '@litewal/vfs';
import { describe, expect, it } from 'vitest';
import { createReedSolomonCodec, encodeGroupRecord, encodeSidecarHeader, FecWriter, readSidecar } from '../src/index.js';

const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');

// Fixed input: frames 3 and 4 of a WAL with 512-byte pages and salts 01020304 / 0a0b0c0d; page 2
// filled with 0x11 (not a commit frame), page 5 filled with 0x22 (commit frame, database 7 pages);
// Reed–Solomon with one repair symbol.
const PAGE_A = new Uint8Array(512).fill(0x11);
const PAGE_B = new Uint8Array(512).fill(0x22);

const HEADER_HEX =
  '4c5757414c464543' + // "LWWALFEC"
  '01000000' + // version 1
  '18000000' + // header bytes 24
  '00000000' + // reserved
  'de205bbd'; // CRC-32C of bytes 0..19

const RECORD_META_HEX =
  '58020000' + // recordBytes 600 = 32 + 2*24 + 4 + 1*(512+4)
  '01' + // kind: group
  '01' + // codec: reed-solomon
  '0100' + // R = 1
  '04030201' + // salt-1 0x01020304
  '0d0c0b0a' + // salt-2 0x0a0b0c0d
  '03000000' + // first frame 3
  '04000000' + // last frame 4
  '00020000' + // page size 512
  '00000000' + // codec parameter 0
  '00000000' + // reserved
  '02000000' + '00000000' + 'e916eadc4086d3253d6eb4304ed14729' + // page 2, commit 0, XXH3-128(512 × 0x11)
  '05000000' + '07000000' + '22755b0fdd1eaefbd1494368e0d7d3fa' + // page 5, commit 7, XXH3-128(512 × 0x22)
  '10997285'; // CRC-32C of the 84 bytes above

describe('golden sidecar bytes', () => {
  it('encodes the header and a group record exactly as documented', async () => {
    const hashes = await createHashes();
    expect(hex(encodeSidecarHeader(hashes))).toBe(HEADER_HEX);
    // The XXH3-128 values are those `xxhsum -H2` prints for these pages.
    expect(hex(hashes.xxh3_128(PAGE_A))).toBe('e916eadc4086d3253d6eb4304ed14729');
    const { symbols, parameter } = createReedSolomonCodec().encode([PAGE_A, PAGE_B], 1);
    const record = encodeGroupRecord(
      {
        codec: 'reed-solomon',
        repairSymbols: 1,
        salt1: 0x01020304,
        salt2: 0x0a0b0c0d,
        firstFrame: 3,
        lastFrame: 4,
        pageSize: 512,
        parameter,
        frames: [
          { pageNumber: 2, commitSize: 0, hash: hashes.xxh3_128(PAGE_A) },
          { pageNumber: 5, commitSize: 7, hash: hashes.xxh3_128(PAGE_B) },
        ],
      },
      symbols,
      hashes,
    );
    expect(record.length).toBe(604);
    expect(hex(record.subarray(0, 88))).toBe(RECORD_META_HEX);
    // Repair symbol = 1/(0⊕255)·0x11 ⊕ 1/(0⊕254)·0x22 in GF(2^8)/0x11d = 0x11 in every byte, then its CRC-32C.
    expect(hex(record.subarray(88, 600))).toBe('11'.repeat(512));
    expect(hex(record.subarray(600))).toBe('a91a9c3b');
  });

  it('FecWriter writes exactly header + record, and readSidecar reads the fields back', async () => {
    const hashes = await createHashes();
    const vfs = new MemoryVfs();
    const writer = await FecWriter.open(vfs, 'a.db-wal-fec', { codec: 'reed-solomon', repairSymbols: 1, hashes });
    const result = await writer.protect([
      {
        salt1: 0x01020304,
        salt2: 0x0a0b0c0d,
        pageSize: 512,
        frames: [
          { frame: 3, pageNumber: 2, commitSize: 0, page: PAGE_A },
          { frame: 4, pageNumber: 5, commitSize: 7, page: PAGE_B },
        ],
      },
    ]);
    await writer.close();
    expect(result).toEqual({ groups: 1, bytes: 604 });
    const file = await vfs.open('a.db-wal-fec');
    const bytes = new Uint8Array(await file.size());
    await file.read(bytes, 0);
    await file.close();
    expect(hex(bytes.subarray(0, 24 + 88))).toBe(HEADER_HEX + RECORD_META_HEX);
    const contents = await readSidecar(vfs, 'a.db-wal-fec', hashes);
    expect(contents.tornTail).toBe(false);
    expect(contents.validBytes).toBe(628);
    expect(contents.groups).toHaveLength(1);
    const g = contents.groups[0];
    expect(g).toMatchObject({ codec: 'reed-solomon', repairSymbols: 1, salt1: 0x01020304, salt2: 0x0a0b0c0d, firstFrame: 3, lastFrame: 4, pageSize: 512, offset: 24, symbolsAt: 24 + 88 });
    expect(g?.frames.map((f) => [f.pageNumber, f.commitSize])).toEqual([[2, 0], [5, 7]]);
  });
});
