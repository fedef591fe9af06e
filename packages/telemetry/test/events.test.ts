import { describe, expect, it } from 'vitest';
import { NOOP_OBSERVER, Telemetry, type TelemetryEvent, type TelemetryObserver } from '../src/index.js';

function collector(): TelemetryObserver & { readonly seen: TelemetryEvent[] } {
  const seen: TelemetryEvent[] = [];
  return { seen, onEvent: (event) => void seen.push(event) };
}

describe('event ring buffer', () => {
  it('numbers events from 1 and stamps them with Date.now()', () => {
    const telemetry = new Telemetry();
    const before = Date.now();
    telemetry.event('flush', { transactions: 3, bytes: 12_288, ok: true, reason: 'size' });
    telemetry.event('sync');
    const after = Date.now();
    const events = telemetry.events();
    expect(events.map(({ seq, kind, fields }) => ({ seq, kind, fields }))).toEqual([
      { seq: 1, kind: 'flush', fields: { transactions: 3, bytes: 12_288, ok: true, reason: 'size' } },
      { seq: 2, kind: 'sync', fields: {} },
    ]);
    for (const { at } of events) {
      expect(at).toBeGreaterThanOrEqual(before);
      expect(at).toBeLessThanOrEqual(after);
    }
  });

  it('keeps the newest eventCapacity events, oldest first, and counts the dropped ones', () => {
    const telemetry = new Telemetry({ eventCapacity: 3 });
    for (let i = 1; i <= 3; i++) telemetry.event('e', { i });
    expect(telemetry.events().map((e) => e.fields['i'])).toEqual([1, 2, 3]);
    expect(telemetry.droppedEvents).toBe(0);
    for (let i = 4; i <= 8; i++) telemetry.event('e', { i });
    expect(telemetry.events().map((e) => e.seq)).toEqual([6, 7, 8]);
    expect(telemetry.droppedEvents).toBe(5);
    expect(telemetry.eventCapacity).toBe(3);
  });

  it('holds 1024 events by default', () => {
    const telemetry = new Telemetry();
    for (let i = 0; i < 1030; i++) telemetry.event('e');
    expect(telemetry.events()).toHaveLength(1024);
    expect(telemetry.events()[0]?.seq).toBe(7);
    expect(telemetry.droppedEvents).toBe(6);
  });

  it('with capacity 0 keeps nothing, counts every event as dropped and still tells the observer', () => {
    const observer = collector();
    const telemetry = new Telemetry({ eventCapacity: 0, observer });
    telemetry.event('a');
    telemetry.event('b');
    expect(telemetry.events()).toEqual([]);
    expect(telemetry.droppedEvents).toBe(2);
    expect(observer.seen.map((e) => e.seq)).toEqual([1, 2]);
  });

  it('returns a new array each call; events and their fields are frozen copies', () => {
    const telemetry = new Telemetry();
    const fields = { n: 1 };
    telemetry.event('e', fields);
    fields.n = 2;
    const [event] = telemetry.events();
    expect(event?.fields).toEqual({ n: 1 });
    expect(Object.isFrozen(event)).toBe(true);
    expect(Object.isFrozen(event?.fields)).toBe(true);
    expect(telemetry.events()).not.toBe(telemetry.events());
  });

  it.each([NaN, Infinity, -Infinity])('refuses a number field %d, recording nothing', (value) => {
    const observer = collector();
    const telemetry = new Telemetry({ observer });
    expect(() => telemetry.event('e', { ok: 1, bad: value })).toThrow(
      expect.objectContaining({ code: 'ERR_TELEMETRY_INVALID_VALUE', what: 'event "e" field "bad"' }),
    );
    telemetry.event('next');
    expect(telemetry.events().map((e) => [e.seq, e.kind])).toEqual([[1, 'next']]);
    expect(observer.seen).toHaveLength(1);
  });

  it('keeps a field named __proto__ as data and stores -0 as 0', () => {
    const telemetry = new Telemetry();
    telemetry.event('e', JSON.parse('{"__proto__": 5, "z": -0}') as Record<string, number>);
    const fields = telemetry.events()[0]?.fields ?? {};
    expect(Object.getPrototypeOf(fields)).toBe(Object.prototype);
    expect(Object.entries(fields)).toEqual([['__proto__', 5], ['z', 0]]);
    expect(Object.is(fields['z'], 0)).toBe(true);
  });
});

describe('observer', () => {
  it('receives every event, in order, as stored in the ring', () => {
    const observer = collector();
    const telemetry = new Telemetry({ observer });
    telemetry.event('a', { x: 1 });
    telemetry.event('b');
    expect(observer.seen).toEqual(telemetry.events());
    expect(observer.seen[0]).toBe(telemetry.events()[0]);
  });

  it('that throws does not break recording: the error is counted, not rethrown', () => {
    let calls = 0;
    const telemetry = new Telemetry({
      observer: {
        onEvent(event) {
          calls++;
          if (event.kind === 'bad') throw new Error('observer failure');
        },
      },
    });
    telemetry.event('ok');
    expect(() => telemetry.event('bad')).not.toThrow();
    telemetry.event('bad');
    telemetry.event('ok');
    expect(calls).toBe(4);
    expect(telemetry.observerErrors).toBe(2);
    expect(telemetry.events().map((e) => e.kind)).toEqual(['ok', 'bad', 'bad', 'ok']);
    expect(telemetry.snapshot().observerErrors).toBe(2);
  });

  it('NOOP_OBSERVER is frozen and ignores events', () => {
    expect(Object.isFrozen(NOOP_OBSERVER)).toBe(true);
    const telemetry = new Telemetry({ observer: NOOP_OBSERVER });
    telemetry.event('e');
    expect(telemetry.observerErrors).toBe(0);
    expect(telemetry.events()).toHaveLength(1);
  });
});
