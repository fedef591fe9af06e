import { describe, expect, it } from 'vitest';
import { fromHex, toHex } from '../src/index.js';

describe('fromHex / toHex', () => {
  it('round-trips every byte value, ignoring whitespace and case', () => {
    const all = Uint8Array.from({ length: 256 }, (_, i) => i);
    expect(toHex(all).slice(0, 8)).toBe('00010203');
    expect(toHex(all).slice(-4)).toBe('feff');
    expect(fromHex(toHex(all))).toEqual(all);
    expect(fromHex(' DE ad\nbe EF ')).toEqual(Uint8Array.of(0xde, 0xad, 0xbe, 0xef));
    expect(fromHex('')).toEqual(new Uint8Array(0));
  });

  it('rejects an odd digit count and non-hex characters with the input in the message', () => {
    expect(() => fromHex('abc')).toThrow(new RangeError('expected an even number of hex digits, got "abc"'));
    expect(() => fromHex('0g')).toThrow(RangeError);
    expect(() => fromHex('0x12')).toThrow(/"0x12"/);
  });
});
