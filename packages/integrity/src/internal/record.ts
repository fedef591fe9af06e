import { byteAt, readVarint } from './btree-page.js';

/** A decoded record field: its serial type and where its bytes are in the payload. */
export interface Field {
  readonly type: number;
  readonly at: number;
  readonly length: number;
}

/** Content length of a serial type (SQLite's sqlite3VdbeSerialTypeLen). */
export function serialTypeLength(t: number): number {
  if (t >= 12) return Math.floor((t - 12) / 2);
  return SMALL_LENGTHS[t] as number;
}
const SMALL_LENGTHS = [0, 1, 2, 3, 4, 6, 8, 8, 0, 0, 0, 0];

function varint32(data: Uint8Array, at: number): { value: number; length: number } {
  const v = readVarint(data, at);
  const value = typeof v.value === 'bigint' || v.value > 0xffffffff || v.value < 0 ? 0xffffffff : v.value;
  return { value, length: v.length };
}

/**
 * Parses a record header the way SQLite's OP_Column does when it fetches column `lastColumn`:
 * returns the fields parsed (at most lastColumn + 1), or a message when SQLite would call the
 * record corrupt.
 */
export function parseRecord(payload: Uint8Array, lastColumn: number): Field[] | string {
  const size = payload.length;
  const head = varint32(payload, 0);
  const headerBytes = head.value;
  if (headerBytes > 98307 || headerBytes > size) return `record header size ${headerBytes} exceeds the payload of ${size} bytes`;
  const fields: Field[] = [];
  let at = head.length;
  if (at >= headerBytes) return fields;
  let offset = headerBytes;
  do {
    const t = varint32(payload, at);
    at += t.length;
    const length = serialTypeLength(t.value);
    fields.push({ type: t.value, at: offset, length });
    offset += length;
  } while (fields.length <= lastColumn && at < headerBytes);
  if ((at >= headerBytes && (at > headerBytes || offset !== size)) || offset > size) {
    return `record header (${headerBytes} bytes, ${fields.length} fields) describes ${offset} bytes, the payload holds ${size}`;
  }
  return fields;
}

/** A field value in a form that compares as SQLite compares it with the BINARY collation. */
export type Value = null | number | bigint | { readonly text: string; readonly bytes: Uint8Array } | { readonly blob: string; readonly bytes: Uint8Array };

export function fieldValue(payload: Uint8Array, f: Field): Value {
  const t = f.type;
  const at = f.at;
  switch (t) {
    case 0:
    case 10:
    case 11:
      return null;
    case 8:
      return 0;
    case 9:
      return 1;
    case 7: {
      const view = new DataView(payload.buffer, payload.byteOffset, payload.byteLength);
      return at + 8 <= payload.length ? view.getFloat64(at) : 0;
    }
    default:
      if (t < 6) {
        let v = byteAt(payload, at) > 0x7f ? -1 : 0;
        for (let i = 0; i < f.length; i++) v = v * 256 + byteAt(payload, at + i);
        return v;
      }
      if (t === 6) {
        let v = 0n;
        for (let i = 0; i < 8; i++) v = (v << 8n) | BigInt(byteAt(payload, at + i));
        const n = BigInt.asIntN(64, v);
        return n >= BigInt(Number.MIN_SAFE_INTEGER) && n <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(n) : n;
      }
      {
        const bytes = payload.subarray(at, Math.min(at + f.length, payload.length));
        const key = LATIN1.decode(bytes);
        return t % 2 === 0 ? { blob: key, bytes } : { text: key, bytes };
      }
  }
}

/** One character per byte (windows-1252 maps all 256 bytes to distinct characters), so equal strings mean equal bytes. */
const LATIN1 = new TextDecoder('latin1');

/** SQLite's ordering of two values with the BINARY collation: NULL < numbers < text < blob. */
export function compareValues(a: Value, b: Value): number {
  const ra = rank(a);
  const rb = rank(b);
  if (ra !== rb) return ra - rb;
  if (ra === 1) return a! < b! ? -1 : a! > b! ? 1 : 0;
  if (ra === 2) return compareStrings((a as { text: string }).text, (b as { text: string }).text);
  if (ra === 3) return compareStrings((a as { blob: string }).blob, (b as { blob: string }).blob);
  return 0;
}

function rank(v: Value): number {
  if (v === null) return 0;
  if (typeof v === 'number' || typeof v === 'bigint') return 1;
  return 'text' in v ? 2 : 3;
}

function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Decodes text of the database's encoding (1 UTF-8, 2 UTF-16le, 3 UTF-16be). */
export function decodeText(bytes: Uint8Array, encoding: number): string {
  const label = encoding === 2 ? 'utf-16le' : encoding === 3 ? 'utf-16be' : 'utf-8';
  return new TextDecoder(label).decode(bytes);
}
