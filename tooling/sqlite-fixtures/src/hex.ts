/**
 * Bytes from hex digits (either case) for golden vectors; spaces and newlines are ignored.
 *
 * @throws RangeError when the digit count is odd or a character is not a hex digit, naming the input.
 * @public
 */
export function fromHex(hex: string): Uint8Array<ArrayBuffer> {
  const digits = hex.replace(/\s+/g, '');
  if (digits.length % 2 !== 0 || /[^0-9a-f]/i.test(digits)) {
    throw new RangeError(`expected an even number of hex digits, got ${JSON.stringify(hex)}`);
  }
  const out = new Uint8Array(digits.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = Number.parseInt(digits.slice(2 * i, 2 * i + 2), 16);
  return out;
}

/**
 * Lower-case hex of `bytes`, two digits per byte.
 *
 * @public
 */
export function toHex(bytes: Uint8Array): string {
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}
