import { describe, expect, it } from 'vitest';
import { InvalidNameError, InvalidValueError, MAX_EVENT_CAPACITY, MetricConflictError, Telemetry, TelemetryError } from '../src/index.js';

function thrown(action: () => unknown): unknown {
  try {
    action();
  } catch (error) {
    return error;
  }
  throw new Error('expected a throw');
}

describe('Counter', () => {
  it('counts by 1 by default and by any finite amount >= 0', () => {
    const counter = new Telemetry().counter('commits', 'Commits.');
    expect(counter.value).toBe(0);
    counter.inc();
    counter.inc(2.5);
    counter.inc(0);
    expect(counter.value).toBe(3.5);
  });

  it.each([-1, NaN, Infinity, -Infinity])('refuses inc(%d) and stays unchanged', (by) => {
    const counter = new Telemetry().counter('commits', 'Commits.');
    counter.inc(7);
    expect(thrown(() => counter.inc(by))).toMatchObject({ code: 'ERR_TELEMETRY_INVALID_VALUE', what: 'counter "commits" increment' });
    expect(counter.value).toBe(7);
  });

  it('refuses an increment that would make it infinite', () => {
    const counter = new Telemetry().counter('c', '');
    counter.inc(Number.MAX_VALUE);
    expect(thrown(() => counter.inc(Number.MAX_VALUE))).toBeInstanceOf(InvalidValueError);
    expect(counter.value).toBe(Number.MAX_VALUE);
  });
});

describe('Gauge', () => {
  it('sets, increments and decrements', () => {
    const gauge = new Telemetry().gauge('waiters', 'Waiters.');
    gauge.set(10);
    gauge.inc();
    gauge.inc(4);
    gauge.dec();
    gauge.dec(20.5);
    expect(gauge.value).toBe(-6.5);
  });

  it('stores -0 as 0', () => {
    const gauge = new Telemetry().gauge('g', '');
    gauge.set(-0);
    expect(Object.is(gauge.value, 0)).toBe(true);
  });

  it.each([
    ['set(NaN)', (g: { set(v: number): void }) => g.set(NaN), 'gauge "g" value'],
    ['set(Infinity)', (g: { set(v: number): void }) => g.set(Infinity), 'gauge "g" value'],
    ['inc(NaN)', (g: { inc(v: number): void }) => g.inc(NaN), 'gauge "g" increment'],
    ['dec(-Infinity)', (g: { dec(v: number): void }) => g.dec(-Infinity), 'gauge "g" decrement'],
  ] as const)('refuses %s and stays unchanged', (_, act, what) => {
    const gauge = new Telemetry().gauge('g', '');
    gauge.set(3);
    expect(thrown(() => act(gauge))).toMatchObject({ name: 'InvalidValueError', code: 'ERR_TELEMETRY_INVALID_VALUE', what });
    expect(gauge.value).toBe(3);
  });
});

describe('Telemetry registry', () => {
  it('gets the metric that exists instead of creating a second one', () => {
    const telemetry = new Telemetry();
    const first = telemetry.counter('commits', 'Commits.');
    first.inc();
    expect(telemetry.counter('commits', 'Other help.')).toBe(first);
    expect(telemetry.gauge('g', '')).toBe(telemetry.gauge('g', ''));
    expect(telemetry.histogram('h', '', { unit: 'us' })).toBe(telemetry.histogram('h', 'x', { unit: 'us' }));
    expect(telemetry.prometheus()).toContain('# HELP commits_total Commits.\n');
  });

  it.each(['a', 'litewal_commits', 'a:b_c9', '_x', ':x', 'Z'])('accepts the metric name %j', (name) => {
    expect(new Telemetry().gauge(name, '').value).toBe(0);
  });

  it.each(['', '9lives', 'a-b', 'a b', 'é', 'a.b', 'a{b}'])('refuses the metric name %j', (name) => {
    for (const create of [
      (t: Telemetry) => t.counter(name, ''),
      (t: Telemetry) => t.gauge(name, ''),
      (t: Telemetry) => t.histogram(name, ''),
    ]) {
      const error = thrown(() => create(new Telemetry()));
      expect(error).toBeInstanceOf(InvalidNameError);
      expect(error).toMatchObject({ name: 'InvalidNameError', code: 'ERR_TELEMETRY_INVALID_NAME', nameKind: 'metric', value: name });
    }
  });

  it.each(['', '__reserved', 'quantile', '1a', 'a-b', 'a:b'])('refuses the label name %j', (name) => {
    const error = thrown(() => new Telemetry({ labels: { [name]: 'v' } }));
    expect(error).toMatchObject({ code: 'ERR_TELEMETRY_INVALID_NAME', nameKind: 'label', value: name });
    expect(error).toBeInstanceOf(TelemetryError);
  });

  it.each([-1, 1.5, NaN, Infinity, MAX_EVENT_CAPACITY + 1])('refuses eventCapacity %d', (eventCapacity) => {
    expect(thrown(() => new Telemetry({ eventCapacity }))).toMatchObject({ code: 'ERR_TELEMETRY_INVALID_VALUE', what: 'eventCapacity option' });
  });

  it('refuses one name for two kinds', () => {
    const telemetry = new Telemetry();
    telemetry.counter('x', '');
    const error = thrown(() => telemetry.gauge('x', ''));
    expect(error).toBeInstanceOf(MetricConflictError);
    expect(error).toMatchObject({
      name: 'MetricConflictError',
      code: 'ERR_TELEMETRY_NAME_CONFLICT',
      metric: 'x',
      kind: 'gauge',
      existingMetric: 'x',
      existingKind: 'counter',
      clash: 'x',
    });
  });

  it.each([
    ['lat_sum', 'gauge'],
    ['lat_count', 'gauge'],
    ['lat_max', 'gauge'],
    ['lat_recent_max', 'gauge'],
    ['lat', 'counter'],
  ] as const)('refuses %s (%s) next to histogram lat, whose samples use that name', (name, kind) => {
    const telemetry = new Telemetry();
    telemetry.histogram('lat', '');
    const error = thrown(() => (kind === 'gauge' ? telemetry.gauge(name, '') : telemetry.counter(name, '')));
    expect(error).toMatchObject({ code: 'ERR_TELEMETRY_NAME_CONFLICT', existingMetric: 'lat', existingKind: 'histogram' });
  });

  it('refuses a histogram whose samples would reuse a name, and leaves the registry as it was', () => {
    const telemetry = new Telemetry();
    telemetry.gauge('lat_max', '');
    expect(thrown(() => telemetry.histogram('lat', ''))).toMatchObject({ clash: 'lat_max', existingMetric: 'lat_max', kind: 'histogram' });
    expect(Object.keys(telemetry.snapshot().histograms)).toEqual([]);
    expect(telemetry.gauge('lat_sum', '').value).toBe(0);
  });

  it('refuses counters a and a_total (both expose a_total) and a gauge named like a counter sample', () => {
    const telemetry = new Telemetry();
    telemetry.counter('a', '');
    expect(thrown(() => telemetry.counter('a_total', ''))).toMatchObject({ clash: 'a_total', existingMetric: 'a' });
    expect(thrown(() => telemetry.gauge('a_total', ''))).toMatchObject({ clash: 'a_total', existingKind: 'counter' });
    telemetry.gauge('b_total', '');
    expect(thrown(() => telemetry.counter('b', ''))).toMatchObject({ clash: 'b_total', existingKind: 'gauge' });
  });

  it('refuses a histogram asked again with another unit', () => {
    const telemetry = new Telemetry();
    telemetry.histogram('lat', '', { unit: 'us' });
    expect(thrown(() => telemetry.histogram('lat', ''))).toMatchObject({ code: 'ERR_TELEMETRY_NAME_CONFLICT', existingKind: 'histogram' });
    expect(thrown(() => telemetry.histogram('lat', '', { unit: 'ms' }))).toBeInstanceOf(MetricConflictError);
  });

  it('keeps a metric named __proto__ as data in snapshots', () => {
    const telemetry = new Telemetry();
    telemetry.counter('__proto__', '').inc(4);
    const { counters } = telemetry.snapshot();
    expect(Object.getPrototypeOf(counters)).toBe(Object.prototype);
    expect(Object.entries(counters)).toEqual([['__proto__', 4]]);
  });
});
