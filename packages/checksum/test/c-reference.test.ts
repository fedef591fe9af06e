// Cross-checks both kernels against SQLite's loop in C (bench/c/wal-cksum.c, built here with
// gcc -O2), and ties the benchmark-pattern golden vectors to it.
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { setChecksumKernel, walChecksum, type ChecksumKernel } from '../src/index.js';
import { PATTERN_64MIB_BE, PATTERN_64MIB_LE, PATTERN_PAGE0_BE, PATTERN_PAGE0_LE } from './fixtures/vectors.js';
import { random } from './support/random.js';
import { PACKAGE_DIR, gccPath, tempDir } from './support/tools.js';

const tmp = tempDir('c-reference');
let program = '';

beforeAll(() => {
  program = join(tmp.dir, 'wal-cksum');
  execFileSync(gccPath(), ['-O2', '-o', program, join(PACKAGE_DIR, 'bench/c/wal-cksum.c')]);
});
afterAll(() => {
  setChecksumKernel('wasm');
  tmp.remove();
});

const pair = (hex1: string | undefined, hex2: string | undefined) => ({ s1: parseInt(hex1 ?? '', 16), s2: parseInt(hex2 ?? '', 16) });

describe('the C reference (gcc -O2)', () => {
  it.each(['wasm', 'ts'] as ChecksumKernel[])(
    'agrees with the %s kernel on every length from 8 to 8200 bytes, both byte orders, two seeds',
    (kernel) => {
      setChecksumKernel(kernel);
      const data = random(77).bytes(8200);
      const file = join(tmp.dir, 'data.bin');
      writeFileSync(file, data);
      for (const seed of [{ s1: 0, s2: 0 }, { s1: 0xdeadbeef, s2: 0x80000001 }]) {
        const lines = execFileSync(program, ['vectors', file, String(seed.s1), String(seed.s2)], { encoding: 'utf8' })
          .trim()
          .split('\n');
        expect(lines).toHaveLength(data.length / 8);
        for (const line of lines) {
          const [n, le1, le2, be1, be2] = line.split(' ');
          const prefix = data.subarray(0, Number(n));
          expect(walChecksum(prefix, 'little', seed), `LE, ${n} bytes`).toEqual(pair(le1, le2));
          expect(walChecksum(prefix, 'big', seed), `BE, ${n} bytes`).toEqual(pair(be1, be2));
        }
      }
    },
  );

  it('produces the benchmark-pattern golden vectors', () => {
    const first = (which: string, order: string) =>
      (JSON.parse(execFileSync(program, ['bench', which, order, '1'], { encoding: 'utf8' })) as { first: [number, number] })
        .first;
    expect(first('page', 'le')).toEqual([PATTERN_PAGE0_LE.s1, PATTERN_PAGE0_LE.s2]);
    expect(first('page', 'be')).toEqual([PATTERN_PAGE0_BE.s1, PATTERN_PAGE0_BE.s2]);
    expect(first('big', 'le')).toEqual([PATTERN_64MIB_LE.s1, PATTERN_64MIB_LE.s2]);
    expect(first('big', 'be')).toEqual([PATTERN_64MIB_BE.s1, PATTERN_64MIB_BE.s2]);
  });
});
