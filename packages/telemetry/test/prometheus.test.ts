import parsePrometheusTextFormat, { type ParsedFamily } from 'parse-prometheus-text-format';
import { describe, expect, it } from 'vitest';
import { Telemetry } from '../src/index.js';
import { seededRandom } from './support/random.js';

/** A sample value as the text format defines it (Go's ParseFloat syntax, plus NaN, +Inf, -Inf), refusing anything else. */
function promFloat(text: string | undefined): number {
  if (text === 'NaN') return NaN;
  if (text === '+Inf' || text === '-Inf') return text === '+Inf' ? Infinity : -Infinity;
  if (text === undefined || !/^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/.test(text)) throw new Error(`not a Prometheus float: ${text}`);
  return Number(text);
}

/** The parser's families with every value turned into a number through promFloat. */
function numeric(families: readonly ParsedFamily[]): unknown[] {
  const numbers = (record: Readonly<Record<string, string>>): Record<string, number> =>
    Object.fromEntries(Object.entries(record).map(([key, value]) => [key, promFloat(value)]));
  return families.map(({ metrics, ...family }) => ({
    ...family,
    metrics: metrics.map(({ value, count, sum, quantiles, labels }) => ({
      ...(value === undefined ? {} : { value: promFloat(value) }),
      ...(count === undefined ? {} : { count: promFloat(count) }),
      ...(sum === undefined ? {} : { sum: promFloat(sum) }),
      ...(quantiles === undefined ? {} : { quantiles: numbers(quantiles) }),
      ...(labels === undefined ? {} : { labels }),
    })),
  }));
}

function populated(labels: Readonly<Record<string, string>> = {}): Telemetry {
  const telemetry = new Telemetry({ labels });
  telemetry.counter('litewal_commits', 'Transactions committed \\ acknowledged.\nSecond line.').inc(42);
  telemetry.counter('litewal_bytes_total', '').inc(1e21);
  telemetry.gauge('litewal_waiters', 'Committers waiting.').set(-1.5e-7);
  const latency = telemetry.histogram('litewal_commit_us', 'Commit latency, microseconds.', { unit: 'us' });
  const random = seededRandom(3);
  for (let i = 0; i < 10_000; i++) latency.record(-800 * Math.log(1 - random()));
  telemetry.histogram('litewal_idle_us', 'Never recorded.');
  return telemetry;
}

describe('Telemetry.prometheus, read back by parse-prometheus-text-format', () => {
  it('exposes counters as _total, gauges, histograms as summaries plus _max and _recent_max gauges', () => {
    const telemetry = populated();
    const latency = telemetry.histogram('litewal_commit_us', '', { unit: 'us' });
    const text = telemetry.prometheus();
    expect(text.endsWith('\n')).toBe(true);
    expect(numeric(parsePrometheusTextFormat(text))).toEqual([
      { name: 'litewal_commits_total', help: 'Transactions committed \\ acknowledged.\nSecond line.', type: 'COUNTER', metrics: [{ value: 42 }] },
      { name: 'litewal_bytes_total', help: '', type: 'COUNTER', metrics: [{ value: 1e21 }] },
      { name: 'litewal_waiters', help: 'Committers waiting.', type: 'GAUGE', metrics: [{ value: -1.5e-7 }] },
      {
        name: 'litewal_commit_us',
        help: 'Commit latency, microseconds.',
        type: 'SUMMARY',
        metrics: [
          {
            quantiles: { '0.5': latency.quantile(0.5), '0.95': latency.quantile(0.95), '0.99': latency.quantile(0.99) },
            count: 10_000,
            sum: latency.sum,
          },
        ],
      },
      { name: 'litewal_commit_us_max', help: 'Largest sample of litewal_commit_us so far.', type: 'GAUGE', metrics: [{ value: latency.max }] },
      {
        name: 'litewal_commit_us_recent_max',
        help: 'Largest of the last 769 to 1024 samples of litewal_commit_us.',
        type: 'GAUGE',
        metrics: [{ value: latency.recentMax() }],
      },
      {
        name: 'litewal_idle_us',
        help: 'Never recorded.',
        type: 'SUMMARY',
        metrics: [{ quantiles: { '0.5': NaN, '0.95': NaN, '0.99': NaN }, count: 0, sum: 0 }],
      },
      { name: 'litewal_idle_us_max', help: 'Largest sample of litewal_idle_us so far.', type: 'GAUGE', metrics: [{ value: 0 }] },
      {
        name: 'litewal_idle_us_recent_max',
        help: 'Largest of the last 769 to 1024 samples of litewal_idle_us.',
        type: 'GAUGE',
        metrics: [{ value: 0 }],
      },
    ]);
  });

  it('puts the constant labels on every sample, escaping \\, " and newline in their values', () => {
    const labels = { db: 'C:\\data\\app "main".db\nnext', lane: 'ü 2' };
    const families = numeric(parsePrometheusTextFormat(populated(labels).prometheus())) as {
      name: string;
      metrics: { labels?: unknown; quantiles?: unknown }[];
    }[];
    expect(families.map((f) => f.name)).toHaveLength(9);
    for (const family of families) {
      for (const metric of family.metrics) {
        // This parser keeps the labels of summaries only as the quantiles' group; every other family keeps them.
        if (metric.quantiles === undefined) expect(metric.labels, family.name).toEqual(labels);
      }
    }
    const text = populated(labels).prometheus();
    const samples = text.split('\n').filter((line) => line !== '' && !line.startsWith('#'));
    expect(samples).toHaveLength(17);
    for (const line of samples) expect(line).toContain('{db="C:\\\\data\\\\app \\"main\\".db\\nnext",lane="ü 2"');
    expect(text).toContain('litewal_commit_us{db="C:\\\\data\\\\app \\"main\\".db\\nnext",lane="ü 2",quantile="0.99"} ');
  });

  it('is empty for an empty registry', () => {
    expect(new Telemetry().prometheus()).toBe('');
  });

  it('the parser is a checking one: it refuses malformed lines', () => {
    expect(() => parsePrometheusTextFormat('x{a=b} 1\n')).toThrow(/invalid line/);
    expect(() => parsePrometheusTextFormat('# TYPE x counter extra\nx 1\n')).toThrow(/invalid line/);
    expect(() => parsePrometheusTextFormat('# HELP name_without_text\n')).toThrow(/invalid line/);
  });
});
