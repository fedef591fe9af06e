import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { describe, expect, it } from 'vitest';
import {
  HISTOGRAM_RECENT_SLOTS,
  HISTOGRAM_RECENT_SLOT_SAMPLES,
  HISTOGRAM_RELATIVE_ERROR,
  InvalidValueError,
  MAX_HISTOGRAM_VALUE,
  Telemetry,
  TelemetryError,
  type Histogram,
} from '../src/index.js';
import { exactQuantile, seededRandom } from './support/random.js';

function newHistogram(): Histogram {
  return new Telemetry().histogram('h', 'test histogram');
}

/** The documented bound, 1/64 of max(1, x), with room for one rounding of the midpoint computation. */
function expectWithinBound(estimate: number, exact: number): void {
  const bound = (Math.max(1, exact) / 64) * (1 + 1e-12);
  expect(Math.abs(estimate - exact), `estimate ${estimate} of ${exact}`).toBeLessThanOrEqual(bound);
}

const SAMPLES = 100_000;
const QUANTILES = [0, 0.001, 0.01, 0.1, 0.25, 0.5, 0.75, 0.9, 0.95, 0.99, 0.999, 0.9999, 1];

/** Distributions of the kind litewal records: latencies (heavy tails), sizes, small integer counts. */
const DISTRIBUTIONS: Record<string, (random: () => number) => number> = {
  'uniform [0, 1000)': (random) => random() * 1000,
  'uniform below 1': (random) => random(),
  'exponential, mean 250': (random) => -250 * Math.log(1 - random()),
  'log-normal latency (mu 5, sigma 1.5)': (random) => {
    const gaussian = Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
    return Math.exp(5 + 1.5 * gaussian);
  },
  'pareto alpha 1.2 (heavy tail)': (random) => 10 / (1 - random()) ** (1 / 1.2),
  'integer batch sizes 1..64': (random) => 1 + Math.floor(random() * 64),
  'bimodal: cache hits ~2, syncs ~8000': (random) => (random() < 0.9 ? 1.5 + random() : 7000 + random() * 2000),
  'spread over 2^0..2^50': (random) => 2 ** (random() * 50),
};

describe('Histogram accuracy against exact quantiles', () => {
  it('documents a bound of 1/64 (1.5625 %)', () => {
    expect(HISTOGRAM_RELATIVE_ERROR).toBe(1 / 64);
  });

  for (const [label, draw] of Object.entries(DISTRIBUTIONS)) {
    it(`${label}: every quantile within max(1, x) / 64, count/sum/max exact`, () => {
      const random = seededRandom(label.length * 7919);
      const histogram = newHistogram();
      const values = new Float64Array(SAMPLES);
      let sum = 0;
      for (let i = 0; i < SAMPLES; i++) {
        const value = draw(random);
        values[i] = value;
        sum += value;
        histogram.record(value);
      }
      values.sort();
      expect(histogram.count).toBe(SAMPLES);
      expect(histogram.sum).toBe(sum);
      expect(histogram.max).toBe(values[SAMPLES - 1]);
      for (const q of QUANTILES) expectWithinBound(histogram.quantile(q), exactQuantile(values, q));
      expect(histogram.quantile(0)).toBe(values[0]);
      expect(histogram.quantile(1)).toBe(values[SAMPLES - 1]);
    });
  }

  it('holds at every bucket edge and just below it, in every octave', () => {
    const edges: number[] = [];
    for (let i = 1; i < 32; i++) edges.push(i / 32);
    for (let exponent = 0; exponent < 53; exponent++) {
      for (let sub = 0; sub < 32; sub++) edges.push(2 ** exponent * (1 + sub / 32));
    }
    for (const edge of edges) {
      for (const value of [edge, edge * (1 - 2 ** -52)]) {
        // The value is the median of three, so neither the exact minimum nor maximum answers.
        const histogram = newHistogram();
        histogram.record(0);
        histogram.record(value);
        histogram.record(MAX_HISTOGRAM_VALUE);
        expectWithinBound(histogram.quantile(0.5), value);
      }
    }
  });

  it('reports a constant exactly (estimates are clamped to [min, max])', () => {
    const histogram = newHistogram();
    for (let i = 0; i < 1000; i++) histogram.record(1.03);
    expect(histogram.snapshot()).toMatchObject({ p50: 1.03, p95: 1.03, p99: 1.03, max: 1.03 });
  });
});

describe('Histogram memory', () => {
  it('stays the same size after 10 samples and after 10 million', () => {
    setFlagsFromString('--expose-gc');
    const gc = runInNewContext('gc') as () => void;
    const footprint = (): number => {
      gc();
      gc();
      const { heapUsed, arrayBuffers } = process.memoryUsage();
      return heapUsed + arrayBuffers;
    };
    const histogram = newHistogram();
    for (let i = 0; i < 10; i++) histogram.record(i);
    const random = seededRandom(10);
    const before = footprint();
    for (let i = 0; i < 10_000_000; i++) histogram.record(random() * 1e6);
    const after = footprint();
    expect(histogram.count).toBe(10_000_010);
    // Keeping one byte per sample would add 10 MB; the histogram may not grow at all, so allow only noise.
    expect(after - before).toBeLessThan(1 << 20);

    // The probe itself sees retained memory of that order: 1 M numbers kept alive show up.
    const kept = new Float64Array(1_000_000).fill(1);
    expect(footprint() - after).toBeGreaterThan(4 << 20);
    expect(kept[0]).toBe(1);
  });
});

describe('Histogram edge cases', () => {
  it('is all zeros when empty', () => {
    const histogram = newHistogram();
    expect(histogram.quantile(0.5)).toBe(0);
    expect(histogram.recentMax()).toBe(0);
    expect(histogram.snapshot()).toStrictEqual({ unit: '', count: 0, sum: 0, max: 0, p50: 0, p95: 0, p99: 0, recentMax: 0 });
  });

  it('records 0 and -0 as 0', () => {
    const histogram = newHistogram();
    histogram.record(0);
    histogram.record(-0);
    const snapshot = histogram.snapshot();
    expect(snapshot).toStrictEqual({ unit: '', count: 2, sum: 0, max: 0, p50: 0, p95: 0, p99: 0, recentMax: 0 });
    expect(Object.is(histogram.quantile(0), 0)).toBe(true);
    expect(JSON.parse(JSON.stringify(snapshot))).toStrictEqual(snapshot);
  });

  it('accepts MAX_HISTOGRAM_VALUE exactly and keeps max exact', () => {
    const histogram = newHistogram();
    histogram.record(1);
    histogram.record(MAX_HISTOGRAM_VALUE);
    histogram.record(MAX_HISTOGRAM_VALUE - 1);
    expect(histogram.max).toBe(MAX_HISTOGRAM_VALUE);
    expect(histogram.sum).toBe(1 + MAX_HISTOGRAM_VALUE + (MAX_HISTOGRAM_VALUE - 1));
    expectWithinBound(histogram.quantile(0.5), MAX_HISTOGRAM_VALUE - 1);
    expect(histogram.quantile(1)).toBe(MAX_HISTOGRAM_VALUE);
  });

  it.each([NaN, -1, -Number.MIN_VALUE, -Infinity, Infinity, MAX_HISTOGRAM_VALUE + 1, Number.MAX_VALUE])(
    'refuses %d with ERR_TELEMETRY_INVALID_VALUE and stays unchanged',
    (value) => {
      const histogram = newHistogram();
      histogram.record(5);
      const before = histogram.snapshot();
      let caught: unknown;
      try {
        histogram.record(value);
      } catch (error) {
        caught = error;
      }
      expect(caught).toBeInstanceOf(InvalidValueError);
      expect(caught).toBeInstanceOf(TelemetryError);
      expect(caught).toMatchObject({ name: 'InvalidValueError', code: 'ERR_TELEMETRY_INVALID_VALUE', what: 'histogram "h" sample' });
      expect(Object.is((caught as InvalidValueError).value, value)).toBe(true);
      expect(histogram.snapshot()).toStrictEqual(before);
    },
  );

  it.each([-0.01, 1.01, NaN])('refuses quantile(%d)', (q) => {
    const histogram = newHistogram();
    histogram.record(1);
    expect(() => histogram.quantile(q)).toThrow(expect.objectContaining({ code: 'ERR_TELEMETRY_INVALID_VALUE', what: 'histogram "h" quantile' }));
  });
});

describe('Histogram.recentMax', () => {
  const window = HISTOGRAM_RECENT_SLOTS * HISTOGRAM_RECENT_SLOT_SAMPLES;
  const shortest = window - HISTOGRAM_RECENT_SLOT_SAMPLES + 1;

  it('is the max of the last 769 to 1024 samples at every step of a random stream', () => {
    expect([shortest, window]).toEqual([769, 1024]);
    const random = seededRandom(42);
    const histogram = newHistogram();
    const values: number[] = [];
    for (let i = 0; i < 6000; i++) {
      // Rare spikes, so that forgetting one shows.
      const value = random() < 0.01 ? 1e6 * random() : random() * 100;
      values.push(value);
      histogram.record(value);
      const recent = histogram.recentMax();
      expect(recent).toBeGreaterThanOrEqual(Math.max(...values.slice(-shortest)));
      expect(recent).toBeLessThanOrEqual(Math.max(...values.slice(-window)));
    }
  });

  it('covers every sample until 1024 are recorded, then forgets slot by slot', () => {
    const histogram = newHistogram();
    histogram.record(1000);
    for (let i = 1; i < window; i++) histogram.record(1);
    expect(histogram.recentMax()).toBe(1000);
    histogram.record(2);
    expect(histogram.recentMax()).toBe(2);
    expect(histogram.max).toBe(1000);
  });
});
