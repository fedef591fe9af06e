import { describe, expect, it } from 'vitest';
import { Telemetry } from '../src/index.js';
import { seededRandom } from './support/random.js';

describe('Telemetry.snapshot', () => {
  it('holds counters, gauges, histograms and recent events, and survives JSON.stringify unchanged', () => {
    const telemetry = new Telemetry({ eventCapacity: 2, labels: { db: 'app.db' } });
    telemetry.counter('commits', 'Commits.').inc(41);
    telemetry.counter('commits', 'Commits.').inc();
    telemetry.gauge('waiters', 'Waiters.').set(-3.25);
    const latency = telemetry.histogram('commit_us', 'Commit latency.', { unit: 'us' });
    const random = seededRandom(7);
    for (let i = 0; i < 5000; i++) latency.record(random() * 2000);
    telemetry.histogram('idle', 'Never recorded.');
    telemetry.event('flush', { transactions: 12, bytes: 49_152, forced: false, reason: 'timer' });
    telemetry.event('sync', { us: 812.5 });
    telemetry.event('flush', { transactions: 1 });

    const before = Date.now();
    const snapshot = telemetry.snapshot();
    expect(snapshot.takenAt).toBeGreaterThanOrEqual(before);
    expect(snapshot.labels).toEqual({ db: 'app.db' });
    expect(snapshot.counters).toEqual({ commits: 42 });
    expect(snapshot.gauges).toEqual({ waiters: -3.25 });
    expect(Object.keys(snapshot.histograms)).toEqual(['commit_us', 'idle']);
    expect(snapshot.histograms['commit_us']).toStrictEqual({
      unit: 'us',
      count: 5000,
      sum: latency.sum,
      max: latency.max,
      p50: latency.quantile(0.5),
      p95: latency.quantile(0.95),
      p99: latency.quantile(0.99),
      recentMax: latency.recentMax(),
    });
    expect(snapshot.histograms['idle']).toStrictEqual({ unit: '', count: 0, sum: 0, max: 0, p50: 0, p95: 0, p99: 0, recentMax: 0 });
    expect(snapshot.events.map((e) => e.seq)).toEqual([2, 3]);
    expect(snapshot.droppedEvents).toBe(1);
    expect(snapshot.observerErrors).toBe(0);

    expect(JSON.parse(JSON.stringify(snapshot))).toStrictEqual(snapshot);
  });

  it('is a copy: later recording does not change it', () => {
    const telemetry = new Telemetry();
    const counter = telemetry.counter('c', '');
    const histogram = telemetry.histogram('h', '');
    const snapshot = telemetry.snapshot();
    counter.inc();
    histogram.record(1);
    telemetry.event('e');
    expect(snapshot.counters).toEqual({ c: 0 });
    expect(snapshot.histograms['h']?.count).toBe(0);
    expect(snapshot.events).toEqual([]);
  });
});
