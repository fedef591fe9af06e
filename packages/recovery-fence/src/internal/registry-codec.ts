import type { Hashes } from '@litewal/checksum';
import type { LockMode } from '@litewal/vfs';
import { RegistryCorruptError, RegistryVersionError } from '../errors.js';
import {
  REGISTRY_COPY_BYTES,
  REGISTRY_HEADER_BYTES,
  REGISTRY_MAGIC,
  REGISTRY_MAX_RECORDS,
  REGISTRY_RECORD_BYTES,
  REGISTRY_VERSION,
  XXH3_128_BYTES,
} from '../format.js';
import type { LockedFile, LockRecord } from '../lock-record.js';
import { toHex, equals } from './bytes.js';
import { MAX_PID } from './checks.js';

const LITTLE_ENDIAN = true;
const FILE_CODES: readonly LockedFile[] = ['db', 'wal', 'shm'];
const MODE_CODES: readonly LockMode[] = ['shared', 'exclusive'];
/** Sequences stay below 2^63, so that a successor always exists and compares greater. */
const MAX_SEQUENCE = (1n << 63n) - 1n;
/** Bytes of the header the checksum covers (everything before the digest). */
const HASHED_HEADER_BYTES = REGISTRY_HEADER_BYTES - XXH3_128_BYTES;

/** The registry as its newest valid copy holds it. */
export interface RegistryState {
  /** The records, in registration order. */
  readonly records: readonly LockRecord[];
  /** Sequence of the newest valid copy; 0 when neither copy was ever written. */
  readonly sequence: bigint;
  /** Which copy (0 or 1) the next write goes to: the one not holding the newest state. */
  readonly nextCopy: 0 | 1;
}

type CopyState =
  | { readonly kind: 'unwritten' }
  | { readonly kind: 'invalid'; readonly reason: string }
  | { readonly kind: 'valid'; readonly sequence: bigint; readonly records: LockRecord[] };

/**
 * Decodes the registry file image (at most two copies): the newest copy whose checksum holds wins;
 * a copy torn by a crash is passed over; an all-zero header is a copy never written.
 * @throws {@link RegistryCorruptError} when no copy is valid but one was written, when both carry
 * the same sequence, or when a checksummed copy holds impossible values; {@link RegistryVersionError}
 * for a copy of another format version.
 */
export function decodeRegistry(image: Uint8Array, hashes: Hashes, path: string): RegistryState {
  const first = decodeCopy(image.subarray(0, REGISTRY_COPY_BYTES), 0, hashes, path);
  const second = decodeCopy(image.subarray(REGISTRY_COPY_BYTES), 1, hashes, path);
  if (first.kind === 'valid' && second.kind === 'valid') {
    if (first.sequence === second.sequence) {
      throw new RegistryCorruptError(path, `both copies carry sequence ${first.sequence}, a writer always increments it`);
    }
    return first.sequence > second.sequence ? state(first, 1) : state(second, 0);
  }
  if (first.kind === 'valid') return state(first, 1);
  if (second.kind === 'valid') return state(second, 0);
  const reasons = [first, second].flatMap((copy) => (copy.kind === 'invalid' ? [copy.reason] : []));
  if (reasons.length > 0) throw new RegistryCorruptError(path, `no valid copy: ${reasons.join('; ')}`);
  return { records: [], sequence: 0n, nextCopy: 0 };
}

function state(copy: { readonly sequence: bigint; readonly records: LockRecord[] }, nextCopy: 0 | 1): RegistryState {
  return { records: copy.records, sequence: copy.sequence, nextCopy };
}

function decodeCopy(bytes: Uint8Array, index: 0 | 1, hashes: Hashes, path: string): CopyState {
  if (bytes.subarray(0, REGISTRY_HEADER_BYTES).every((b) => b === 0)) return { kind: 'unwritten' };
  const name = `copy ${index}`;
  if (bytes.length < REGISTRY_HEADER_BYTES) {
    return { kind: 'invalid', reason: `${name} is ${bytes.length} bytes, its header needs ${REGISTRY_HEADER_BYTES}` };
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const magic = view.getUint32(0, LITTLE_ENDIAN);
  if (magic !== REGISTRY_MAGIC) {
    return { kind: 'invalid', reason: `${name} has magic 0x${magic.toString(16)}, expected 0x${REGISTRY_MAGIC.toString(16)}` };
  }
  const version = view.getUint16(4, LITTLE_ENDIAN);
  if (version !== REGISTRY_VERSION) throw new RegistryVersionError(path, REGISTRY_VERSION, version);
  const count = view.getUint16(6, LITTLE_ENDIAN);
  if (count > REGISTRY_MAX_RECORDS) {
    return { kind: 'invalid', reason: `${name} claims ${count} records, at most ${REGISTRY_MAX_RECORDS}` };
  }
  const end = REGISTRY_HEADER_BYTES + count * REGISTRY_RECORD_BYTES;
  if (bytes.length < end) {
    return { kind: 'invalid', reason: `${name} is ${bytes.length} bytes, its ${count} records need ${end}` };
  }
  const stored = bytes.subarray(HASHED_HEADER_BYTES, REGISTRY_HEADER_BYTES);
  const computed = digest(bytes, count, hashes);
  if (!equals(stored, computed)) {
    return { kind: 'invalid', reason: `${name} checksum is ${toHex(stored)}, its content hashes to ${toHex(computed)}` };
  }
  const sequence = view.getBigUint64(8, LITTLE_ENDIAN);
  if (sequence === 0n || sequence > MAX_SEQUENCE) {
    throw new RegistryCorruptError(path, `${name} has sequence ${sequence}, expected 1 to ${MAX_SEQUENCE}`);
  }
  const records: LockRecord[] = [];
  for (let i = 0; i < count; i++)
    records.push(decodeRecord(view, REGISTRY_HEADER_BYTES + i * REGISTRY_RECORD_BYTES, `${name} record ${i}`, path));
  return { kind: 'valid', sequence, records };
}

function decodeRecord(view: DataView, at: number, name: string, path: string): LockRecord {
  const corrupt = (what: string): RegistryCorruptError => new RegistryCorruptError(path, `${name} ${what}`);
  const pid = view.getUint32(at, LITTLE_ENDIAN);
  if (pid < 1 || pid > MAX_PID) throw corrupt(`has pid ${pid}, expected 1 to ${MAX_PID}`);
  const file = FILE_CODES[view.getUint8(at + 4)];
  if (file === undefined) throw corrupt(`has file code ${view.getUint8(at + 4)}, expected 0 to ${FILE_CODES.length - 1}`);
  const mode = MODE_CODES[view.getUint8(at + 5)];
  if (mode === undefined) throw corrupt(`has mode code ${view.getUint8(at + 5)}, expected 0 to ${MODE_CODES.length - 1}`);
  const reserved = view.getUint16(at + 6, LITTLE_ENDIAN);
  if (reserved !== 0) throw corrupt(`has reserved field ${reserved}, expected 0`);
  const offset = safeInteger(view.getBigUint64(at + 8, LITTLE_ENDIAN), 0, `offset`, corrupt);
  const length = safeInteger(view.getBigUint64(at + 16, LITTLE_ENDIAN), 1, `length`, corrupt);
  const acquiredAtMs = safeInteger(view.getBigUint64(at + 24, LITTLE_ENDIAN), 0, `acquired-at time`, corrupt);
  return { pid, file, mode, offset, length, acquiredAtMs };
}

function safeInteger(value: bigint, min: number, what: string, corrupt: (what: string) => RegistryCorruptError): number {
  if (value < BigInt(min) || value > BigInt(Number.MAX_SAFE_INTEGER)) {
    throw corrupt(`has ${what} ${value}, expected ${min} to ${Number.MAX_SAFE_INTEGER}`);
  }
  return Number(value);
}

/**
 * Encodes one copy of the registry: {@link REGISTRY_COPY_BYTES} bytes, unused record slots zero.
 * @remarks Callers pass valid records (pid 1..2^31-1, safe-integer offset, length and time) and at
 * most {@link REGISTRY_MAX_RECORDS} of them, and a sequence from 1 to 2^63-1.
 */
export function encodeRegistryCopy(sequence: bigint, records: readonly LockRecord[], hashes: Hashes): Uint8Array<ArrayBuffer> {
  const bytes = new Uint8Array(REGISTRY_COPY_BYTES);
  const view = new DataView(bytes.buffer);
  view.setUint32(0, REGISTRY_MAGIC, LITTLE_ENDIAN);
  view.setUint16(4, REGISTRY_VERSION, LITTLE_ENDIAN);
  view.setUint16(6, records.length, LITTLE_ENDIAN);
  view.setBigUint64(8, sequence, LITTLE_ENDIAN);
  records.forEach((record, i) => {
    const at = REGISTRY_HEADER_BYTES + i * REGISTRY_RECORD_BYTES;
    view.setUint32(at, record.pid, LITTLE_ENDIAN);
    view.setUint8(at + 4, FILE_CODES.indexOf(record.file));
    view.setUint8(at + 5, MODE_CODES.indexOf(record.mode));
    view.setBigUint64(at + 8, BigInt(record.offset), LITTLE_ENDIAN);
    view.setBigUint64(at + 16, BigInt(record.length), LITTLE_ENDIAN);
    view.setBigUint64(at + 24, BigInt(record.acquiredAtMs), LITTLE_ENDIAN);
  });
  bytes.set(digest(bytes, records.length, hashes), HASHED_HEADER_BYTES);
  return bytes;
}

/** XXH3-128 of header bytes 0..15 followed by the first `count` records. */
function digest(copy: Uint8Array, count: number, hashes: Hashes): Uint8Array<ArrayBuffer> {
  const covered = new Uint8Array(HASHED_HEADER_BYTES + count * REGISTRY_RECORD_BYTES);
  covered.set(copy.subarray(0, HASHED_HEADER_BYTES));
  covered.set(copy.subarray(REGISTRY_HEADER_BYTES, REGISTRY_HEADER_BYTES + count * REGISTRY_RECORD_BYTES), HASHED_HEADER_BYTES);
  return hashes.xxh3_128(covered);
}
