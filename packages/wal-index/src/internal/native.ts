import { endianness } from 'node:os';
import type { ByteOrder } from '@litewal/checksum';

/** The wal-index is in the host's byte order (SQLite maps it into memory as is). */
export const NATIVE_LITTLE_ENDIAN = endianness() === 'LE';

/** {@link NATIVE_LITTLE_ENDIAN} as a checksum word order. */
export const NATIVE_BYTE_ORDER: ByteOrder = NATIVE_LITTLE_ENDIAN ? 'little' : 'big';

/** A DataView over exactly the bytes of `bytes`. */
export function viewOf(bytes: Uint8Array): DataView {
  return new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

/** Throws RangeError unless `value` is a u32. */
export function checkU32(what: string, value: number): number {
  if (!Number.isInteger(value) || value < 0 || value > 0xffff_ffff) throw new RangeError(`${what} ${value} is not a u32`);
  return value;
}

/** `value` as 4 bytes in the host's byte order, as a wal-index field holds it. */
export function nativeU32(value: number): Uint8Array {
  const bytes = new Uint8Array(4);
  new DataView(bytes.buffer).setUint32(0, value, NATIVE_LITTLE_ENDIAN);
  return bytes;
}
