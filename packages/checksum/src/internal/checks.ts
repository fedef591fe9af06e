/** Argument checks for programmer errors (built-in RangeError / TypeError, per the house style). */

/** Throws RangeError unless `value` is an integer in [0, 2^32). */
export function checkU32(name: string, value: number): void {
  if (!Number.isInteger(value) || value < 0 || value > 0xffffffff) {
    throw new RangeError(`${name} must be an integer from 0 to 4294967295, got ${String(value)}`);
  }
}

/** Throws RangeError unless `value` is a safe integer >= 0. */
export function checkIndex(name: string, value: number): void {
  if (!Number.isSafeInteger(value) || value < 0) {
    throw new RangeError(`${name} must be a non-negative integer, got ${String(value)}`);
  }
}

/** Throws TypeError unless `value` is a Uint8Array. */
export function checkBytes(name: string, value: unknown): void {
  if (!(value instanceof Uint8Array)) throw new TypeError(`${name} must be a Uint8Array`);
}

/** Throws TypeError unless `value` is 'little' or 'big'; returns whether it is 'big'. */
export function isBigEndian(value: unknown): boolean {
  if (value !== 'little' && value !== 'big') {
    throw new TypeError(`byteOrder must be 'little' or 'big', got ${String(value)}`);
  }
  return value === 'big';
}
