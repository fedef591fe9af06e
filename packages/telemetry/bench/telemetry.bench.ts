/**
 * What phase timing costs a hot loop: timing on, timing off (`timing: false`) and no telemetry at
 * all, side by side. One bench op is 1000 phases, each timed with `now()` + `recordSince()`.
 * "empty phase" measures the bare overhead per phase; "4 KiB page fold" gives each phase realistic
 * work (an XOR-fold of a 4 KiB page, 4 MB per op), as a commit phase would have.
 *
 *   pnpm exec vitest bench --run --project @litewal/telemetry
 */
import { bench, describe } from 'vitest';
import { Telemetry } from '../src/index.js';

const PHASES = 1000;
const PAGE_BYTES = 4096;

const page = new Uint32Array(PAGE_BYTES / 4).map((_, i) => Math.imul(i + 1, 0x9e3779b1));
const timed = new Telemetry({ timing: true });
const untimed = new Telemetry({ timing: false });
const timedPhase = timed.histogram('phase_us', 'Phase time.', { unit: 'us' });
const untimedPhase = untimed.histogram('phase_us', 'Phase time.', { unit: 'us' });

/** Every result is stored here, a module variable, so no loop can be optimised away. */
let sink = 0;

function fold(words: Uint32Array, seed: number): number {
  let acc = seed;
  for (let i = 0; i < words.length; i++) acc = (acc ^ (words[i] as number)) + i;
  return acc;
}

describe(`${PHASES} empty phases`, () => {
  bench('no telemetry', () => {
    for (let i = 0; i < PHASES; i++) sink ^= i;
  });
  bench('timing: false', () => {
    for (let i = 0; i < PHASES; i++) {
      const start = untimed.now();
      sink ^= i;
      untimed.recordSince(untimedPhase, start);
    }
  });
  bench('timing: true', () => {
    for (let i = 0; i < PHASES; i++) {
      const start = timed.now();
      sink ^= i;
      timed.recordSince(timedPhase, start);
    }
  });
});

describe(`${PHASES} phases, each an XOR-fold of a 4 KiB page (${(PHASES * PAGE_BYTES) / 1e6} MB per op)`, () => {
  bench('no telemetry', () => {
    for (let i = 0; i < PHASES; i++) sink ^= fold(page, i);
  });
  bench('timing: false', () => {
    for (let i = 0; i < PHASES; i++) {
      const start = untimed.now();
      sink ^= fold(page, i);
      untimed.recordSince(untimedPhase, start);
    }
  });
  bench('timing: true', () => {
    for (let i = 0; i < PHASES; i++) {
      const start = timed.now();
      sink ^= fold(page, i);
      timed.recordSince(timedPhase, start);
    }
  });
});
