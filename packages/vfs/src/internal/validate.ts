import type { LockMode, OpenOptions, SyncMode } from '../vfs.js';

/** Throws `RangeError` unless `value` is a non-negative safe integer. */
export function checkOffset(name: string, value: number): void {
  if (!Number.isSafeInteger(value) || value < 0) {
    throw new RangeError(`${name} must be a non-negative safe integer, got ${String(value)}`);
  }
}

/** Throws unless `[offset, offset + length)` is a non-empty range of safe integers. */
export function checkRange(offset: number, length: number): void {
  checkOffset('offset', offset);
  if (!Number.isSafeInteger(length) || length < 1) {
    throw new RangeError(`length must be a positive safe integer, got ${String(length)}`);
  }
  if (length > Number.MAX_SAFE_INTEGER - offset) {
    throw new RangeError(`offset + length must be at most ${Number.MAX_SAFE_INTEGER}, got ${offset} + ${length}`);
  }
}

/** Throws `TypeError` unless `value` is a `Uint8Array`. */
export function checkBytes(name: string, value: Uint8Array): void {
  if (!(value instanceof Uint8Array)) {
    throw new TypeError(`${name} must be a Uint8Array, got ${Object.prototype.toString.call(value)}`);
  }
}

/** Throws `TypeError` unless `mode` is a {@link LockMode}. */
export function checkLockMode(mode: LockMode): void {
  if (mode !== 'shared' && mode !== 'exclusive') {
    throw new TypeError(`lock mode must be 'shared' or 'exclusive', got ${String(mode)}`);
  }
}

/** Throws `TypeError` unless `mode` is a {@link SyncMode}. */
export function checkSyncMode(mode: SyncMode): void {
  if (mode !== 'full' && mode !== 'data') {
    throw new TypeError(`sync mode must be 'full' or 'data', got ${String(mode)}`);
  }
}

/** {@link OpenOptions} with defaults applied; `exclusive` implies `create`. */
export interface ResolvedOpenOptions {
  readonly create: boolean;
  readonly readOnly: boolean;
  readonly exclusive: boolean;
}

/** Applies the defaults of {@link OpenOptions} and rejects contradictory combinations with `TypeError`. */
export function resolveOpenOptions(options: OpenOptions = {}): ResolvedOpenOptions {
  const exclusive = options.exclusive === true;
  const create = exclusive || options.create === true;
  const readOnly = options.readOnly === true;
  if (readOnly && create) {
    throw new TypeError('open options: readOnly cannot be combined with create or exclusive');
  }
  return { create, readOnly, exclusive };
}
