// vitest bench: pnpm vitest bench --run --project @litewal/checksum
// Throughput = ops/s x the bytes in each name. The comparison with C is bench/run-vs-c.mjs.
import { bench, describe } from 'vitest';
import {
  WalChainValidator,
  createHashes,
  decodeWalHeader,
  encodeFrameHeader,
  encodeWalHeader,
  sealFrames,
  walChecksum,
} from '../src/index.js';

const PAGE = 4096;
const FRAME = PAGE + 24;
const FRAMES = 64;

const pages = Array.from({ length: 256 }, (_, p) => Uint8Array.from({ length: PAGE }, (_, i) => (i * 31 + p * 17) & 0xff));
const header = decodeWalHeader(
  encodeWalHeader({ byteOrder: 'little', pageSize: PAGE, checkpointSequence: 0, salt1: 1, salt2: 2 }),
);
const seed = { s1: header.checksum1, s2: header.checksum2 };
const frames = new Uint8Array(FRAMES * FRAME);
for (let i = 0; i < FRAMES; i++) {
  encodeFrameHeader({ pageNumber: i + 1, commitSize: i === FRAMES - 1 ? FRAMES : 0, salt1: 0, salt2: 0, checksum1: 0, checksum2: 0 }, frames, i * FRAME);
  frames.set(pages[i]!, i * FRAME + 24);
}
sealFrames(frames, 0, FRAMES, PAGE, 'little', 1, 2, seed);
const hashes = await createHashes();

describe('WAL checksum', () => {
  let p = 0;
  bench('walChecksum LE, 4096 B (256 distinct pages)', () => {
    walChecksum(pages[p++ & 255]!, 'little');
  });
  bench('walChecksum BE, 4096 B (256 distinct pages)', () => {
    walChecksum(pages[p++ & 255]!, 'big');
  });
  bench('sealFrames, 64 frames = 263680 B', () => {
    sealFrames(frames, 0, FRAMES, PAGE, 'little', 1, 2, seed);
  });
  bench('WalChainValidator.push, 64 frames = 263680 B', () => {
    new WalChainValidator(header).push(frames);
  });
});

describe('hashes', () => {
  let p = 0;
  bench('xxh3_128, 4096 B', () => {
    hashes.xxh3_128(pages[p++ & 255]!);
  });
  bench('xxh64, 4096 B', () => {
    hashes.xxh64(pages[p++ & 255]!);
  });
  bench('crc32c, 4096 B', () => {
    hashes.crc32c(pages[p++ & 255]!);
  });
});
