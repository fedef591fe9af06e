import { afterEach, describe, expect, it, vi } from 'vitest';
import { InvalidValueError, Telemetry } from '../src/index.js';

afterEach(() => {
  vi.restoreAllMocks();
});

describe('phase timing', () => {
  it('on: now() is performance.now() in microseconds and recordSince records the elapsed time', () => {
    const clock = vi.spyOn(performance, 'now').mockReturnValueOnce(1000.5).mockReturnValueOnce(1003.25);
    const telemetry = new Telemetry();
    const histogram = telemetry.histogram('phase_us', '', { unit: 'us' });
    expect(telemetry.timing).toBe(true);
    const start = telemetry.now();
    expect(start).toBe(1_000_500);
    telemetry.recordSince(histogram, start);
    expect(clock).toHaveBeenCalledTimes(2);
    expect(histogram.count).toBe(1);
    expect(histogram.max).toBe(2750);
  });

  it('on, unmocked: now() never goes backwards and recordSince records non-negative times', () => {
    const telemetry = new Telemetry({ timing: true });
    const histogram = telemetry.histogram('phase_us', '');
    let previous = telemetry.now();
    for (let i = 0; i < 1000; i++) {
      const now = telemetry.now();
      expect(now).toBeGreaterThanOrEqual(previous);
      telemetry.recordSince(histogram, previous);
      previous = now;
    }
    expect(histogram.count).toBe(1000);
  });

  it('off: now() is 0, recordSince records nothing, and neither reads the clock', () => {
    const clock = vi.spyOn(performance, 'now');
    const telemetry = new Telemetry({ timing: false });
    const histogram = telemetry.histogram('phase_us', '');
    expect(telemetry.timing).toBe(false);
    expect(telemetry.now()).toBe(0);
    telemetry.recordSince(histogram, telemetry.now());
    telemetry.recordSince(histogram, 123);
    expect(histogram.count).toBe(0);
    expect(clock).not.toHaveBeenCalled();
    histogram.record(5);
    telemetry.counter('c', '').inc();
    expect(telemetry.snapshot()).toMatchObject({ counters: { c: 1 }, histograms: { phase_us: { count: 1, max: 5 } } });
  });

  it('refuses a start in the future (not a now() value)', () => {
    const telemetry = new Telemetry();
    const histogram = telemetry.histogram('phase_us', '');
    expect(() => telemetry.recordSince(histogram, telemetry.now() + 1e9)).toThrow(InvalidValueError);
    expect(histogram.count).toBe(0);
  });
});
