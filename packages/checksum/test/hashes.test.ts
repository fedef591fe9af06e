import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHashes, sharedHashes, type Hashes } from '../src/index.js';
import { ascii, toHex } from './support/hex.js';
import { random } from './support/random.js';
import { PACKAGE_DIR, gccPath, requireTool, tempDir } from './support/tools.js';

const PRIME32 = 2654435761n;
const PRIME64 = 11400714785074694797n;

/** xxHash's sanity-check buffer (cli/xsum_sanity_check.c): byte i = top byte of PRIME32 * PRIME64^i. */
function sanityBuffer(length: number): Uint8Array<ArrayBuffer> {
  const out = new Uint8Array(length);
  let gen = PRIME32;
  for (let i = 0; i < length; i++) {
    out[i] = Number(gen >> 56n);
    gen = (gen * PRIME64) & 0xffff_ffff_ffff_ffffn;
  }
  return out;
}

/** CRC-32C bit by bit (reflected polynomial 0x82F63B78), continuing from `crc`. */
function crc32cReference(data: Uint8Array, crc = 0): number {
  let c = ~crc >>> 0;
  for (const byte of data) {
    c ^= byte;
    for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ 0x82f63b78 : c >>> 1;
  }
  return ~c >>> 0;
}

let hashes: Hashes;
const tmp = tempDir('hashes');
beforeAll(async () => {
  hashes = await createHashes();
});
afterAll(() => tmp.remove());

describe('sharedHashes', () => {
  it('loads one instance for every caller, with the same results as createHashes', async () => {
    const [a, b] = await Promise.all([sharedHashes(), sharedHashes()]);
    expect(a).toBe(b);
    expect(await sharedHashes()).toBe(a);
    expect(toHex(a.xxh3_128(ascii('abc')))).toBe('06b05ab6733a618578af5f94892f3950');
    expect(a.crc32c(ascii('123456789'))).toBe(0xe3069283);
  });
});

describe('createHashes', () => {
  it('matches the vectors of DEPENDENCIES.md §2.1 (confirmed with xxhsum 0.8.1)', () => {
    expect(toHex(hashes.xxh3_128(new Uint8Array(0)))).toBe('99aa06d3014798d86001c324468d497f');
    expect(toHex(hashes.xxh3_128(ascii('abc')))).toBe('06b05ab6733a618578af5f94892f3950');
    expect(hashes.xxh64(ascii('abc'))).toBe(0x44bc2cf5ad770999n);
    expect(hashes.xxh64(new Uint8Array(0))).toBe(0xef46db3751d8e999n);
    expect(hashes.crc32c(ascii('123456789'))).toBe(0xe3069283);
  });

  it('matches the XXH64 vectors of xxHash sanity check', () => {
    const buffer = sanityBuffer(222);
    const vectors: [number, bigint, bigint][] = [
      [0, 0n, 0xef46db3751d8e999n],
      [0, PRIME32, 0xac75fda2929b17efn],
      [1, 0n, 0xe934a84adb052768n],
      [1, PRIME32, 0x5014607643a9b4c3n],
      [4, 0n, 0x9136a0dca57457een],
      [14, 0n, 0x8282dcc4994e35c8n],
      [14, PRIME32, 0xc3bd6bf63deb6df0n],
      [222, 0n, 0xb641ae8cb691c174n],
      [222, PRIME32, 0x20cb8ab7ae10c14an],
    ];
    for (const [length, seed, hash] of vectors) {
      expect(hashes.xxh64(buffer.subarray(0, length), seed), `length ${length}, seed ${seed}`).toBe(hash);
    }
  });

  it('matches the XXH3-128 seed-0 vectors of xxHash sanity check (low64, high64)', () => {
    const buffer = sanityBuffer(2367);
    const vectors: [number, string, string][] = [
      [0, '6001c324468d497f', '99aa06d3014798d8'],
      [1, 'c44bdff4074eecdb', 'a6cd5e9392000f6a'],
      [6, '3e7039bdda43cfc6', '082afe0b8162d12a'],
      [12, '061a192713f69ad9', '6e3efd8fc7802b18'],
      [24, '1e7044d28b1b901d', '0ce966e4678d3761'],
      [48, 'f942219aed80f67b', 'a002ac4e5478227e'],
      [81, '5e8bafb9f95fb803', '4952f58181ab0042'],
      [222, 'f1aebd597cec6b3a', '337e09641b948717'],
      [403, 'cdeb804d65c6dea4', '1b6de21e332dd73d'],
      [512, '617e49599013cb6b', '18d2d110dcc9bca1'],
      [2048, 'dd59e2c3a5f038e0', 'f736557fd47073a5'],
      [2240, '6e73a90539cf2948', 'ccb134fbfa7ce49d'],
      [2367, 'cb37aeb9e5d361ed', 'e89c0f6ff369b427'],
    ];
    for (const [length, low, high] of vectors) {
      expect(toHex(hashes.xxh3_128(buffer.subarray(0, length))), `length ${length}`).toBe(high + low);
    }
  });

  it('matches the CRC-32C vectors of RFC 3720 (iSCSI) B.4', () => {
    expect(hashes.crc32c(new Uint8Array(32))).toBe(0x8a9136aa);
    expect(hashes.crc32c(new Uint8Array(32).fill(0xff))).toBe(0x62a8ab43);
    expect(hashes.crc32c(Uint8Array.from({ length: 32 }, (_, i) => i))).toBe(0x46dd794e);
    expect(hashes.crc32c(Uint8Array.from({ length: 32 }, (_, i) => 31 - i))).toBe(0x113fdb5c);
  });

  it('agrees with the system libxxhash (gcc) on random 4 KiB pages and other lengths', () => {
    const program = join(tmp.dir, 'xxhash-ref');
    requireTool('/usr/lib/x86_64-linux-gnu/libxxhash.so.0', 'install libxxhash0 (apt-get install -y libxxhash0)');
    execFileSync(gccPath(), ['-O2', '-o', program, join(PACKAGE_DIR, 'test/support/xxhash-ref.c'), '-l:libxxhash.so.0']);
    const r = random(81);
    for (let trial = 0; trial < 4; trial++) {
      const data = r.bytes(8192);
      const file = join(tmp.dir, `data-${trial}.bin`);
      writeFileSync(file, data);
      const seed = trial === 0 ? 0n : BigInt(r.u32()) * 0x1_0000_0000n + BigInt(r.u32());
      const lengths = [4096, 4080, 8192, 1, 3, 16, 17, 128, 129, 240, 241, 1024 + r.int(3000)];
      const lines = execFileSync(program, [file, String(seed), ...lengths.map(String)], { encoding: 'utf8' }).trim().split('\n');
      expect(lines).toHaveLength(lengths.length);
      for (const line of lines) {
        const [length, xxh3, xxh64] = line.split(' ');
        const slice = data.subarray(0, Number(length));
        expect(toHex(hashes.xxh3_128(slice)), `XXH3-128 of ${length} bytes`).toBe(xxh3);
        expect(hashes.xxh64(slice, seed), `XXH64 of ${length} bytes`).toBe(BigInt(`0x${xxh64}`));
      }
    }
  });

  it('agrees with a bitwise CRC-32C on random 4 KiB pages, and chains', () => {
    const r = random(82);
    for (let trial = 0; trial < 8; trial++) {
      const page = r.bytes(4096);
      const crc = hashes.crc32c(page);
      expect(crc).toBe(crc32cReference(page));
      const cut = r.int(4097);
      expect(hashes.crc32c(page.subarray(cut), hashes.crc32c(page.subarray(0, cut)))).toBe(crc);
      expect(crc32cReference(page.subarray(cut), crc32cReference(page.subarray(0, cut)))).toBe(crc);
    }
  });

  it('returns a fresh 16-byte array each time', () => {
    const a = hashes.xxh3_128(ascii('abc'));
    const b = hashes.xxh3_128(ascii('abd'));
    expect(a).toHaveLength(16);
    expect(toHex(a)).toBe('06b05ab6733a618578af5f94892f3950');
    expect(toHex(b)).not.toBe(toHex(a));
  });

  it('rejects bad arguments', () => {
    expect(() => hashes.xxh64(new Uint8Array(1), -1n)).toThrow(/seed must be a bigint from 0 to 2\^64-1, got -1/);
    expect(() => hashes.xxh64(new Uint8Array(1), 2n ** 64n)).toThrow(RangeError);
    expect(() => hashes.xxh64(new Uint8Array(1), 5 as unknown as bigint)).toThrow(RangeError);
    expect(() => hashes.crc32c(new Uint8Array(1), -1)).toThrow(/initial .* got -1/);
    expect(() => hashes.crc32c(new Uint8Array(1), 2 ** 32)).toThrow(RangeError);
    expect(() => hashes.crc32c('123456789' as unknown as Uint8Array)).toThrow(TypeError);
    expect(() => hashes.xxh3_128('abc' as unknown as Uint8Array)).toThrow(TypeError);
  });
});
