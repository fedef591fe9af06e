import { describe, expect, it } from 'vitest';
import { FaultVfs, MemoryVfs, type CrashOutcome, type VfsFile } from '../src/index.js';
import { readWhole, writeWhole } from './support/fixtures.js';

// A model independent of the implementation: plain arrays, replayed naively.
type ModelOp = { kind: 'write'; position: number; data: number[] } | { kind: 'truncate'; size: number };
interface ModelFile {
  durable: number[];
  pending: ModelOp[];
}

function applyOp(image: number[], op: ModelOp): number[] {
  const next = [...image];
  if (op.kind === 'truncate') {
    next.length = op.size;
    return Array.from(next, (b) => b ?? 0);
  }
  while (next.length < op.position) next.push(0);
  op.data.forEach((b, i) => (next[op.position + i] = b));
  return next;
}

/** xorshift32: the test's own randomness, unrelated to the generator inside FaultVfs. */
function testRandom(seed: number): (bound: number) => number {
  let x = (seed * 2654435761) >>> 0 || 1;
  return (bound) => {
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    return x % bound;
  };
}

/** Checks the outcomes of one file against its pending ops and returns the image they imply. */
function expectedAfterCrash(file: ModelFile, outcomes: CrashOutcome[], sector: number): number[] {
  expect(outcomes).toHaveLength(file.pending.length);
  let image = file.durable;
  file.pending.forEach((op, i) => {
    const { operation, action, survived } = outcomes[i] as CrashOutcome;
    if (op.kind === 'truncate') {
      expect(operation).toMatchObject({ kind: 'truncate', size: op.size });
      expect(survived).toEqual([]);
      if (action === 'keep') image = applyOp(image, op);
      return;
    }
    const end = op.position + op.data.length;
    expect(operation).toMatchObject({ kind: 'write', position: op.position, length: op.data.length });
    if (action === 'keep') expect(survived).toEqual([{ start: op.position, end }]);
    if (action === 'drop') expect(survived).toEqual([]);
    let previousEnd = op.position;
    for (const range of survived) {
      expect(range.start).toBeGreaterThanOrEqual(previousEnd);
      expect(range.end).toBeLessThanOrEqual(end);
      if (action === 'tear') {
        expect(range.start === op.position || range.start % sector === 0).toBe(true);
        expect(range.end === end || range.end % sector === 0).toBe(true);
        expect(Math.floor(range.start / sector)).toBe(Math.floor((range.end - 1) / sector));
      }
      const data = op.data.slice(range.start - op.position, range.end - op.position);
      image = applyOp(image, { kind: 'write', position: range.start, data });
      previousEnd = range.end;
    }
  });
  return image;
}

function expectSameBytes(actual: Uint8Array, expected: readonly number[]): void {
  const firstDifference = expected.findIndex((b, i) => actual[i] !== b);
  expect({ length: actual.length, firstDifference }).toEqual({ length: expected.length, firstDifference: -1 });
}

async function runScenario(seed: number, seen: Set<string>): Promise<void> {
  const random = testRandom(seed);
  const sector = seed % 2 === 0 ? 512 : 4096;
  const inner = new MemoryVfs();
  const vfs = new FaultVfs(inner, { seed, sectorSize: sector });
  const names = ['a', 'b'];
  const model = new Map<string, ModelFile>();
  const initial = Array.from({ length: random(3 * sector) }, () => random(256));
  await writeWhole(inner, 'a', Uint8Array.from(initial));
  model.set('a', { durable: initial, pending: [] });
  model.set('b', { durable: [], pending: [] });

  for (let round = 0; round < 2; round++) {
    const handles = new Map<string, VfsFile>();
    for (const name of names) handles.set(name, await vfs.open(name, { create: true }));
    const steps = 1 + random(15);
    for (let step = 0; step < steps; step++) {
      const name = names[random(2)] as string;
      const file = handles.get(name) as VfsFile;
      const state = model.get(name) as ModelFile;
      const choice = random(20);
      if (choice < 12) {
        const position = random(2) === 0 ? random(4) * sector : random(4 * sector);
        const length = random(2) === 0 ? (1 + random(2)) * sector : 1 + random(2 * sector);
        const data = Array.from({ length }, () => random(256));
        await file.write(Uint8Array.from(data), position);
        state.pending.push({ kind: 'write', position, data });
      } else if (choice < 15) {
        const size = random(5 * sector);
        await file.truncate(size);
        state.pending.push({ kind: 'truncate', size });
      } else {
        await file.sync(random(2) === 0 ? 'full' : 'data');
        state.durable = state.pending.reduce(applyOp, state.durable);
        state.pending = [];
      }
    }
    for (const name of names) {
      const state = model.get(name) as ModelFile;
      expectSameBytes(await readWhole(inner, name), state.pending.reduce(applyOp, state.durable));
      expect(vfs.hasUnsyncedWrites(name)).toBe(state.pending.length > 0);
    }

    const outcomes = await vfs.crash();
    for (const { operation, action } of outcomes) seen.add(`${operation.kind} ${action}`);
    for (const name of names) {
      const state = model.get(name) as ModelFile;
      const mine = outcomes.filter((o) => o.operation.path === name);
      const expected = expectedAfterCrash(state, mine, sector);
      expectSameBytes(await readWhole(inner, name), expected);
      expect(vfs.hasUnsyncedWrites(name)).toBe(false);
      model.set(name, { durable: expected, pending: [] });
    }
  }
}

describe('FaultVfs seeded crash scenarios', () => {
  it('after every crash, each file is its durable image plus whole surviving sector pieces (300 seeds)', async () => {
    const seen = new Set<string>();
    for (let seed = 1; seed <= 300; seed++) {
      await runScenario(seed, seen).catch((error: unknown) => {
        throw new Error(`scenario seed ${seed} failed`, { cause: error });
      });
    }
    expect([...seen].sort()).toEqual(['truncate drop', 'truncate keep', 'write drop', 'write keep', 'write tear']);
  });
});
