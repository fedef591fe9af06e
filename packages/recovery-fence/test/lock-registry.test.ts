import { afterEach, describe, expect, it, vi } from 'vitest';
import { fromHex, toHex } from '@litewal/sqlite-fixtures';
import { FaultVfs, MemoryVfs, type Vfs } from '@litewal/vfs';
import {
  LockRegistry,
  RECOVER_LOCK_OFFSET,
  REGISTRY_COPY_BYTES,
  REGISTRY_FILE_BYTES,
  REGISTRY_LOCK_OFFSET,
  REGISTRY_MAX_RECORDS,
  RecoveryFenceError,
  type LockClaim,
  type LockRecord,
} from '../src/index.js';
import { HookedVfs } from './support/hooked-vfs.js';
import { rawCopy, type RawRecord } from './support/registry-bytes.js';

const DB = '/db/app.db';
const PATH = `${DB}-litewal-locks`;
const RECOVER: LockClaim = { file: 'shm', offset: RECOVER_LOCK_OFFSET, length: 1, mode: 'exclusive' };

/** Golden copy: sequence 1, one record {pid 4242, shm, exclusive, offset 122, length 1, at 1700000000000}. */
const GOLDEN_COPY = fromHex(`
  4c574c4b 0100 0100 0100000000000000 8e463ec844350178cdd8eb26475119ff
  92100000 02 01 0000 7a00000000000000 0100000000000000 0068e5cf8b010000`);
const GOLDEN_RECORD: LockRecord = {
  pid: 4242,
  file: 'shm',
  mode: 'exclusive',
  offset: 122,
  length: 1,
  acquiredAtMs: 1_700_000_000_000,
};

const VALID_RECORD: RawRecord = { pid: 7, file: 0, mode: 0, offset: 5n, length: 1n, acquiredAtMs: 1n };
const DECODED_VALID_RECORD: LockRecord = { pid: 7, file: 'db', mode: 'shared', offset: 5, length: 1, acquiredAtMs: 1 };

async function fileBytes(vfs: Vfs, path = PATH): Promise<Uint8Array> {
  const file = await vfs.open(path);
  const bytes = new Uint8Array(await file.size());
  await file.read(bytes, 0);
  await file.close();
  return bytes;
}

async function writeFile(vfs: Vfs, parts: readonly [number, Uint8Array][], path = PATH): Promise<void> {
  const file = await vfs.open(path, { create: true });
  for (const [at, bytes] of parts) await file.write(bytes, at);
  await file.close();
}

afterEach(() => {
  vi.useRealTimers();
});

describe('LockRegistry format', () => {
  it('writes the golden copy byte for byte and reads it back', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(GOLDEN_RECORD.acquiredAtMs);
    const vfs = new MemoryVfs();
    const registry = await LockRegistry.open(vfs, DB, { pid: 4242 });
    expect(registry.path).toBe(PATH);
    expect(await registry.register(RECOVER)).toEqual(GOLDEN_RECORD);
    const bytes = await fileBytes(vfs);
    expect(bytes.length).toBe(REGISTRY_COPY_BYTES);
    expect(toHex(bytes.subarray(0, GOLDEN_COPY.length))).toBe(toHex(GOLDEN_COPY));
    expect(bytes.subarray(GOLDEN_COPY.length).every((b) => b === 0)).toBe(true);
    await registry.close();

    const other = new MemoryVfs();
    await writeFile(other, [[0, GOLDEN_COPY]]);
    expect(await LockRegistry.read(other, DB)).toEqual([GOLDEN_RECORD]);
  });

  it('alternates between the two copies, each with the next sequence number', async () => {
    const vfs = new MemoryVfs();
    const registry = await LockRegistry.open(vfs, DB, { pid: 11 });
    const sequences = async (): Promise<bigint[]> => {
      const bytes = await fileBytes(vfs);
      return [0, REGISTRY_COPY_BYTES].map((at) =>
        bytes.length > at ? new DataView(bytes.buffer, at).getBigUint64(8, true) : 0n,
      );
    };
    await registry.register({ file: 'db', offset: 1, length: 1, mode: 'shared' });
    expect(await sequences()).toEqual([1n, 0n]);
    await registry.register({ file: 'db', offset: 2, length: 1, mode: 'shared' });
    expect(await sequences()).toEqual([1n, 2n]);
    await registry.unregister({ file: 'db', offset: 1, length: 1 });
    expect(await sequences()).toEqual([3n, 2n]);
    expect((await registry.list()).map((r) => r.offset)).toEqual([2]);
    expect((await fileBytes(vfs)).length).toBe(REGISTRY_FILE_BYTES);
    await registry.close();
  });

  it('falls back to the older copy when the newer one is damaged, and overwrites the damaged one next', async () => {
    const vfs = new MemoryVfs();
    const registry = await LockRegistry.open(vfs, DB, { pid: 11 });
    const a = await registry.register({ file: 'db', offset: 1, length: 1, mode: 'shared' });
    await registry.register({ file: 'db', offset: 2, length: 1, mode: 'shared' });
    await writeFile(vfs, [[REGISTRY_COPY_BYTES + 40, Uint8Array.of(0xff)]]); // a byte of copy 1's first record
    expect(await registry.list()).toEqual([a]);
    const c = await registry.register({ file: 'wal', offset: 3, length: 2, mode: 'exclusive' });
    expect(await registry.list()).toEqual([a, c]);
    expect(new DataView((await fileBytes(vfs)).buffer).getBigUint64(REGISTRY_COPY_BYTES + 8, true)).toBe(2n);
    await registry.close();
  });

  it('survives a power cut tearing any registry write: the state before or after, never an error', async () => {
    // 20 records fill more than one 512-byte sector, so a tear can mix a new header with old records.
    let mixed = 0;
    for (let seed = 1; seed <= 40; seed++) {
      const fault = new FaultVfs(new MemoryVfs(), { seed });
      const vfs = new HookedVfs(fault);
      const registry = await LockRegistry.open(vfs, DB, { pid: 11 });
      for (let i = 0; i < 20; i++) await registry.register({ file: 'db', offset: i, length: 1, mode: 'shared' });
      const before = await registry.list();
      vfs.hook = async (operation) => {
        if (operation !== 'sync') return;
        vfs.hook = undefined;
        const [outcome] = await fault.crash('tear');
        const start = outcome?.operation.kind === 'write' ? outcome.operation.position : 0;
        const kept = (sector: number): boolean =>
          (outcome?.survived ?? []).some((r) => r.start <= start + sector * 512 && start + (sector + 1) * 512 <= r.end);
        if (kept(0) !== kept(1)) mixed++;
      };
      await expect(registry.register({ file: 'shm', offset: 3, length: 1, mode: 'exclusive' })).rejects.toMatchObject({
        code: 'ERR_VFS_CRASHED',
      });
      const after = await LockRegistry.read(fault, DB);
      expect([before.length, before.length + 1]).toContain(after.length);
      expect(after.slice(0, before.length)).toEqual(before);
    }
    expect(mixed).toBeGreaterThan(5);
  });
});

describe('LockRegistry refuses hostile content with typed errors', () => {
  const oneCopy = rawCopy({ sequence: 1n, records: [VALID_RECORD] });

  it.each([
    ['a file larger than two copies', [[0, new Uint8Array(REGISTRY_FILE_BYTES + 1)]], /the file is 8193 bytes, at most 8192/],
    [
      'a bad magic',
      [[0, rawCopy({ magic: 0x12345678, sequence: 1n, records: [] })]],
      /copy 0 has magic 0x12345678, expected 0x4b4c574c/,
    ],
    [
      'a count above the limit',
      [[0, rawCopy({ count: 128, sequence: 1n, records: [] })]],
      /copy 0 claims 128 records, at most 127/,
    ],
    ['a header cut short', [[0, oneCopy.subarray(0, 20)]], /copy 0 is 20 bytes, its header needs 32/],
    ['records cut short', [[0, oneCopy.subarray(0, 50)]], /copy 0 is 50 bytes, its 1 records need 64/],
    [
      'a wrong checksum',
      [[0, rawCopy({ sequence: 1n, records: [], checksum: new Uint8Array(16) })]],
      /copy 0 checksum is 0{32}, its content hashes to/,
    ],
    ['sequence 0', [[0, rawCopy({ sequence: 0n, records: [] })]], /copy 0 has sequence 0, expected 1 to 9223372036854775807/],
    ['a sequence of 2^63', [[0, rawCopy({ sequence: 1n << 63n, records: [] })]], /has sequence 9223372036854775808/],
    [
      'two copies with one sequence',
      [
        [0, oneCopy],
        [REGISTRY_COPY_BYTES, oneCopy],
      ],
      /both copies carry sequence 1/,
    ],
    [
      'pid 0',
      [[0, rawCopy({ sequence: 1n, records: [{ ...VALID_RECORD, pid: 0 }] })]],
      /copy 0 record 0 has pid 0, expected 1 to 2147483647/,
    ],
    ['pid 2^31', [[0, rawCopy({ sequence: 1n, records: [{ ...VALID_RECORD, pid: 2 ** 31 }] })]], /has pid 2147483648/],
    [
      'file code 3',
      [[0, rawCopy({ sequence: 1n, records: [{ ...VALID_RECORD, file: 3 }] })]],
      /has file code 3, expected 0 to 2/,
    ],
    [
      'mode code 2',
      [[0, rawCopy({ sequence: 1n, records: [{ ...VALID_RECORD, mode: 2 }] })]],
      /has mode code 2, expected 0 to 1/,
    ],
    [
      'a reserved field',
      [[0, rawCopy({ sequence: 1n, records: [{ ...VALID_RECORD, reserved: 1 }] })]],
      /has reserved field 1, expected 0/,
    ],
    [
      'an offset of 2^53',
      [[0, rawCopy({ sequence: 1n, records: [{ ...VALID_RECORD, offset: 1n << 53n }] })]],
      /has offset 9007199254740992, expected 0 to/,
    ],
    ['length 0', [[0, rawCopy({ sequence: 1n, records: [{ ...VALID_RECORD, length: 0n }] })]], /has length 0, expected 1 to/],
    [
      'a time of 2^64-1',
      [[0, rawCopy({ sequence: 1n, records: [{ ...VALID_RECORD, acquiredAtMs: 2n ** 64n - 1n }] })]],
      /has acquired-at time 18446744073709551615/,
    ],
  ] as [string, [number, Uint8Array][], RegExp][])('%s', async (_, parts, message) => {
    const vfs = new MemoryVfs();
    await writeFile(vfs, parts);
    const error = await LockRegistry.read(vfs, DB).catch((e: unknown) => e);
    expect(error).toMatchObject({ name: 'RegistryCorruptError', code: 'ERR_RECOVERY_FENCE_REGISTRY_CORRUPT', path: PATH });
    expect((error as Error).message).toMatch(message);
    const registry = await LockRegistry.open(vfs, DB);
    await expect(registry.register(RECOVER)).rejects.toMatchObject({ code: 'ERR_RECOVERY_FENCE_REGISTRY_CORRUPT' });
    await registry.close();
  });

  it('leaves a registry of another format version untouched', async () => {
    const vfs = new MemoryVfs();
    const newer = rawCopy({ version: 2, sequence: 1n, records: [] });
    await writeFile(vfs, [[0, newer]]);
    const registry = await LockRegistry.open(vfs, DB);
    await expect(registry.register(RECOVER)).rejects.toMatchObject({
      name: 'RegistryVersionError',
      code: 'ERR_RECOVERY_FENCE_REGISTRY_VERSION',
      expected: 1,
      actual: 2,
      message: `lock registry ${PATH} has format version 2, this package reads version 1`,
    });
    expect(toHex(await fileBytes(vfs))).toBe(toHex(newer));
    await registry.close();
  });

  it('turns every flipped bit of a lone copy into a typed error', async () => {
    const vfs = new MemoryVfs();
    for (let bit = 0; bit < oneCopy.length * 8; bit++) {
      const bytes = oneCopy.slice();
      bytes[bit >> 3] = (bytes[bit >> 3] ?? 0) ^ (1 << (bit & 7));
      await writeFile(vfs, [[0, bytes]]);
      const error = await LockRegistry.read(vfs, DB).catch((e: unknown) => e);
      const code =
        bit >> 3 === 4 || bit >> 3 === 5 ? 'ERR_RECOVERY_FENCE_REGISTRY_VERSION' : 'ERR_RECOVERY_FENCE_REGISTRY_CORRUPT';
      expect(error, `bit ${bit}`).toMatchObject({ code });
    }
  });

  it('reads the older copy whatever bit of the newer one flips (except its version)', async () => {
    const vfs = new MemoryVfs();
    const newer = rawCopy({ sequence: 2n, records: [VALID_RECORD, { ...VALID_RECORD, offset: 6n }] });
    for (let bit = 0; bit < newer.length * 8; bit++) {
      const bytes = newer.slice();
      bytes[bit >> 3] = (bytes[bit >> 3] ?? 0) ^ (1 << (bit & 7));
      await writeFile(vfs, [
        [0, oneCopy],
        [REGISTRY_COPY_BYTES, bytes],
      ]);
      if (bit >> 3 === 4 || bit >> 3 === 5) {
        await expect(LockRegistry.read(vfs, DB), `bit ${bit}`).rejects.toMatchObject({
          code: 'ERR_RECOVERY_FENCE_REGISTRY_VERSION',
        });
      } else {
        expect(await LockRegistry.read(vfs, DB), `bit ${bit}`).toEqual([DECODED_VALID_RECORD]);
      }
    }
  });

  it('never fails with anything but a typed error on random content', async () => {
    let seed = 12345;
    const next = (): number => (seed = (Math.imul(seed, 1103515245) + 12345) >>> 0);
    const vfs = new MemoryVfs();
    for (let round = 0; round < 300; round++) {
      const length = next() % (REGISTRY_FILE_BYTES + 64);
      const bytes = Uint8Array.from({ length }, () => next() >>> 24);
      if (round % 2 === 0 && length >= 8) bytes.set(fromHex('4c574c4b 0100'), 0); // valid magic and version
      await vfs.delete(PATH).catch(() => undefined);
      await writeFile(vfs, [[0, bytes]]);
      try {
        await LockRegistry.read(vfs, DB);
      } catch (error) {
        expect(error, `round ${round}`).toBeInstanceOf(RecoveryFenceError);
      }
    }
  });
});

describe('LockRegistry records', () => {
  it('registers idempotently, changes a mode in place and unregisters only its own records', async () => {
    const vfs = new MemoryVfs();
    const mine = await LockRegistry.open(vfs, DB, { pid: 100 });
    const theirs = await LockRegistry.open(vfs, DB, { pid: 200 });
    const claim: LockClaim = { file: 'db', offset: 0x40000002, length: 510, mode: 'shared' };
    const first = await mine.register(claim);
    expect(first).toEqual({ ...claim, pid: 100, acquiredAtMs: expect.any(Number) });
    expect(await mine.register(claim)).toEqual(first);
    const other = await theirs.register(claim);
    const upgraded = await mine.register({ ...claim, mode: 'exclusive' });
    expect(upgraded).toEqual({ ...first, mode: 'exclusive' });
    expect(await theirs.list()).toEqual([upgraded, other]);
    expect(await mine.unregister(claim)).toBe(true);
    expect(await mine.unregister(claim)).toBe(false);
    expect(await mine.list()).toEqual([other]);
    await Promise.all([mine.close(), theirs.close()]);
  });

  it('refuses a record past the limit until dead processes are released', async () => {
    const vfs = new MemoryVfs();
    const dead = await LockRegistry.open(vfs, DB, { pid: 300 });
    for (let i = 0; i < REGISTRY_MAX_RECORDS; i++) await dead.register({ file: 'wal', offset: i, length: 1, mode: 'shared' });
    const registry = await LockRegistry.open(vfs, DB, { isAlive: (pid) => pid !== 300 });
    await expect(registry.register(RECOVER)).rejects.toMatchObject({
      name: 'RegistryFullError',
      code: 'ERR_RECOVERY_FENCE_REGISTRY_FULL',
      records: 127,
      max: 127,
      message: `lock registry ${PATH} holds 127 records, at most 127; releaseDead() drops those of dead processes`,
    });
    expect(await dead.register({ file: 'wal', offset: 0, length: 1, mode: 'shared' })).toMatchObject({ pid: 300 });
    expect(await registry.releaseDead()).toHaveLength(127);
    await registry.register(RECOVER);
    await Promise.all([dead.close(), registry.close()]);
  });

  it('releaseDead probes each other pid once and returns the records it dropped', async () => {
    const vfs = new MemoryVfs();
    for (const pid of [111, 222]) {
      const registry = await LockRegistry.open(vfs, DB, { pid });
      await registry.register({ file: 'shm', offset: 120, length: 1, mode: 'exclusive' });
      await registry.register({ file: 'shm', offset: 123, length: 1, mode: 'shared' });
      await registry.close();
    }
    const probed: number[] = [];
    const registry = await LockRegistry.open(vfs, DB, {
      isAlive: async (pid) => {
        probed.push(pid);
        return pid === 111;
      },
    });
    const mine = await registry.register(RECOVER);
    const dropped = await registry.releaseDead();
    expect(probed).toEqual([111, 222]);
    expect(dropped.map((r) => [r.pid, r.offset])).toEqual([
      [222, 120],
      [222, 123],
    ]);
    expect((await registry.list()).map((r) => r.pid)).toEqual([111, 111, process.pid]);
    expect(await registry.list()).toContainEqual(mine);
    expect(await registry.releaseDead()).toEqual([]);
    await registry.close();
  });

  it('by default drops the records of a pid no process can have', async () => {
    const vfs = new MemoryVfs();
    const ghost = await LockRegistry.open(vfs, DB, { pid: 2 ** 22 + 1 }); // above Linux's largest pid_max
    await ghost.register(RECOVER);
    const registry = await LockRegistry.open(vfs, DB);
    expect(await registry.releaseDead()).toEqual([expect.objectContaining({ pid: 2 ** 22 + 1 })]);
    await Promise.all([ghost.close(), registry.close()]);
  });

  it('read() creates nothing when there is no registry', async () => {
    const vfs = new MemoryVfs();
    expect(await LockRegistry.read(vfs, DB)).toEqual([]);
    expect(await vfs.exists(PATH)).toBe(false);
    const custom = await LockRegistry.open(vfs, DB, { path: '/elsewhere/locks', pid: 5 });
    await custom.register(RECOVER);
    expect(await LockRegistry.read(vfs, DB, { path: '/elsewhere/locks' })).toEqual([expect.objectContaining({ pid: 5 })]);
    await custom.close();
  });

  it('reports the registry busy while another handle holds its lock past the limit', async () => {
    const vfs = new MemoryVfs();
    const registry = await LockRegistry.open(vfs, DB, { lockTimeoutMs: 0 });
    await registry.register(RECOVER);
    const writer = await vfs.open(PATH);
    await writer.lock(REGISTRY_LOCK_OFFSET, 1, 'exclusive');
    await expect(registry.list()).rejects.toMatchObject({
      code: 'ERR_RECOVERY_FENCE_REGISTRY_BUSY',
      message: `lock registry ${PATH} stayed locked by another handle or process for 0 ms, limit 0 ms`,
    });
    await expect(LockRegistry.read(vfs, DB, { lockTimeoutMs: 20 })).rejects.toMatchObject({
      code: 'ERR_RECOVERY_FENCE_REGISTRY_BUSY',
    });
    await writer.lock(REGISTRY_LOCK_OFFSET, 1, 'shared'); // readers may share it, writers may not
    expect(await registry.list()).toHaveLength(1);
    await expect(registry.unregister(RECOVER)).rejects.toMatchObject({ code: 'ERR_RECOVERY_FENCE_REGISTRY_BUSY' });
    const patient = await LockRegistry.open(vfs, DB);
    const waiting = patient.releaseDead();
    await writer.unlock(REGISTRY_LOCK_OFFSET, 1);
    expect(await waiting).toEqual([]);
    await Promise.all([writer.close(), registry.close(), patient.close()]);
  });

  it('close() lets calls already made finish and refuses later ones', async () => {
    const vfs = new MemoryVfs();
    const registry = await LockRegistry.open(vfs, DB);
    const registering = registry.register(RECOVER);
    await registry.close();
    expect(await registering).toMatchObject({ pid: process.pid });
    await expect(registry.list()).rejects.toMatchObject({ code: 'ERR_RECOVERY_FENCE_CLOSED' });
    await registry.close();
    expect(await LockRegistry.read(vfs, DB)).toHaveLength(1);
  });

  it('rejects invalid claims and options as programmer errors', async () => {
    const vfs = new MemoryVfs();
    await expect(LockRegistry.open(vfs, DB, { pid: 0 })).rejects.toThrow(RangeError);
    await expect(LockRegistry.open(vfs, DB, { lockTimeoutMs: -1 })).rejects.toThrow(RangeError);
    await expect(LockRegistry.read(vfs, DB, { lockTimeoutMs: 2 ** 31 })).rejects.toThrow(RangeError);
    const registry = await LockRegistry.open(vfs, DB);
    await expect(registry.register({ ...RECOVER, file: 'journal' as 'db' })).rejects.toThrow(TypeError);
    await expect(registry.register({ ...RECOVER, mode: 'both' as 'shared' })).rejects.toThrow(TypeError);
    await expect(registry.register({ ...RECOVER, offset: -1 })).rejects.toThrow(RangeError);
    await expect(registry.register({ ...RECOVER, length: 0 })).rejects.toThrow(RangeError);
    await expect(registry.unregister({ ...RECOVER, offset: 0.5 })).rejects.toThrow(RangeError);
    expect(await registry.list()).toEqual([]);
    await registry.close();
  });
});
